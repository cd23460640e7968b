"""When a request reaches the provider: pacing counts a send from that moment.

The dispatcher sets `ON_WIRE` around each paced send; a sender calls `on_wire()`
when its request is written (httpx clients get `EVENT_HOOKS`, which asks httpcore to
report it). A request held up by a new connection then counts when it leaves, not
when its turn came, so it cannot arrive at the provider bunched with later ones.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

import httpx

ON_WIRE: ContextVar[Callable[[], None] | None] = ContextVar("on_wire", default=None)


def on_wire() -> None:
    callback = ON_WIRE.get()
    if callback is not None:
        callback()


async def _trace(event: str, _info: dict) -> None:
    if event.endswith("send_request_body.complete"):  # http11. or http2.
        on_wire()


async def _traced(request: httpx.Request) -> None:
    if ON_WIRE.get() is not None:
        request.extensions["trace"] = _trace


# For an httpx.AsyncClient(event_hooks=EVENT_HOOKS).
EVENT_HOOKS = {"request": [_traced]}
