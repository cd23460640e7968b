"""When a request reaches the provider: pacing counts a send from that moment.

The dispatcher sets `ON_WIRE` around each paced send; the senders' connections
(`bot.channels.http`) call `on_wire()` once a request is written. A request held up by
a new connection then counts when it leaves, not when its turn came, so it cannot
arrive at the provider bunched with later ones.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

ON_WIRE: ContextVar[Callable[[], None] | None] = ContextVar("on_wire", default=None)


def on_wire() -> None:
    callback = ON_WIRE.get()
    if callback is not None:
        callback()
