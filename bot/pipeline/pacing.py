"""Token buckets that keep each channel within its provider's limits.

A send reserves its cost up front and sleeps until the reservation is due, so the
order of reservations is the order of sending. The burst is one send: messages
leave evenly spaced (a full bucket would let a second's worth leave at once, on top
of the steady rate). A window limit adds the guarantee providers count by: no
window of one second (plus a margin for network jitter, so that it also holds where
the provider counts arrivals) holds more than the cap. A send is counted in it at
the moment its request reaches the wire (the sender says when, through
`bot.channels.base.on_wire`), and as starting now until then: a request held up by
a new connection must not arrive together with the ones let go after it.
"""

from __future__ import annotations

import asyncio
import collections
import threading
import time

from bot.channels.base import Pace

# Fraction of a second added to the window, for jitter between us and the provider.
JITTER_MARGIN = 0.04
# How often a full window is looked at again while its room depends on sends that
# have not reached the wire yet.
PENDING_POLL = 0.01


class TokenBucket:
    def __init__(self, rate: float, burst: float = 1.0, clock=time.monotonic):
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self.tokens = burst
        self.updated = clock()
        self._lock = threading.Lock()

    def reserve(self, cost: float = 1.0) -> float:
        """Takes `cost` tokens, going into debt if needed; the seconds to wait."""
        with self._lock:
            at = self.clock()
            self.tokens = min(self.burst, self.tokens + (at - self.updated) * self.rate)
            self.updated = at
            # A cost above the burst goes as one send once the bucket is full.
            needed = min(cost, self.burst)
            wait = max(0.0, (needed - self.tokens) / self.rate)
            self.tokens -= cost
            return wait

    def pause(self, seconds: float) -> None:
        """The provider asked us to slow down: no tokens for `seconds`."""
        with self._lock:
            self.tokens = min(self.tokens, -seconds * self.rate)
            self.updated = self.clock()

    def idle(self) -> bool:
        with self._lock:
            return self.tokens + (self.clock() - self.updated) * self.rate >= self.burst


class Start:
    """One send counted in a window: at `at`, or, while `pending`, as if now (its
    request has not reached the wire yet: a new connection can take a while)."""

    __slots__ = ("at", "cost", "pending")

    def __init__(self, at: float, cost: float, pending: bool):
        self.at, self.cost, self.pending = at, cost, pending


class WindowLimit:
    """At most `cap` units start in any `window` seconds, counted at the moment each
    send really starts (a send that woke late must not bunch up with the next)."""

    def __init__(self, cap: float, window: float = 1.0 + JITTER_MARGIN, clock=time.monotonic):
        self.cap = cap
        self.window = window
        self.clock = clock
        self.starts: list[Start] = []
        self._lock = threading.Lock()

    def admit(self, cost: float) -> float:
        """Records a start now and returns 0, or returns how long to wait first. A cost
        above the cap is admitted into an empty window."""
        wait, _ = admit_all([self], cost)
        return wait

    def delay(self, cost: float) -> float:
        """How long a send of `cost` would wait now (0: room), admitting nothing."""
        with self._lock:
            return self._delay(cost, self.clock())

    def busy(self) -> bool:
        with self._lock:
            at = self.clock()
            return any(s.pending or s.at > at - self.window for s in self.starts)

    def _delay(self, cost: float, at: float) -> float:
        self.starts = [s for s in self.starts if s.pending or s.at > at - self.window]
        used = sum(s.cost for s in self.starts)
        if not used or used + cost <= self.cap:
            return 0.0
        freed, counted = used, sorted((s for s in self.starts if not s.pending),
                                      key=lambda s: s.at)
        for start in counted:
            freed -= start.cost
            if freed + cost <= self.cap or not freed:  # room, or an empty window
                return start.at + self.window - at
        return PENDING_POLL  # only sends still on their way to the wire can free room


class Ticket:
    """A send's starts in its windows: `on_wire()` counts them from that moment."""

    def __init__(self, windows: list[WindowLimit], starts: list[Start]):
        self.windows, self.starts = windows, starts

    def on_wire(self) -> None:
        for window, start in zip(self.windows, self.starts, strict=True):
            with window._lock:
                if start.pending:
                    start.at, start.pending = window.clock(), False


def admit_all(windows: list[WindowLimit], cost: float,
              pending: bool = False) -> tuple[float, Ticket | None]:
    """Records one start now in every window and returns (0, its ticket), or returns
    how long to wait first: a send counts at one moment in its chat's window and in
    the channel's. A `pending` start counts as now until its ticket is on the wire."""
    locks = [window._lock for window in windows]
    for lock in locks:
        lock.acquire()
    try:
        at = windows[0].clock()
        wait = max(window._delay(cost, at) for window in windows)
        if wait > 0:
            return wait, None
        starts = [Start(at, cost, pending) for _ in windows]
        for window, start in zip(windows, starts, strict=True):
            window.starts.append(start)
        return 0.0, Ticket(windows, starts)
    finally:
        for lock in reversed(locks):
            lock.release()


class Pacer:
    """One channel's buckets: the overall cap and, if set, one bucket per address."""

    def __init__(self, pace: Pace):
        self.pace = pace
        # A burst of two lets a send that woke late be caught up; the window still
        # holds every second within the cap.
        self.overall = TokenBucket(pace.rate, burst=min(2.0, max(1.0, pace.rate)))
        self.window = WindowLimit(pace.rate)
        self.addresses: dict[str, TokenBucket] = {}
        self.address_windows: dict[str, WindowLimit] = {}
        # Sends to each address waiting for their turn: their limits are kept.
        self._waiting: collections.Counter[str] = collections.Counter()
        # Urgent sends waiting for the channel's next room.
        self._urgent = 0

    async def wait(self, address: str, cost: int, urgent: bool = False) -> Ticket:
        """Waits for the send's turn. It counts as starting now until the caller says
        it reached the wire (`Ticket.on_wire`), which it must do, sent or not. An
        `urgent` send does not queue behind the channel's reservations: it takes the
        next room in the window, and the bulk waiting there moves one place back."""
        if self.pace.per_address is None:
            return await self._admit([self.window], cost, urgent)
        if address not in self.addresses:
            self.addresses[address] = TokenBucket(self.pace.per_address)
            self.address_windows[address] = WindowLimit(self.pace.per_address)
        self._waiting[address] += 1
        try:
            await asyncio.sleep(self.addresses[address].reserve(cost))
            return await self._admit([self.window, self.address_windows[address]], cost,
                                     urgent)
        finally:
            self._waiting[address] -= 1
            if not self._waiting[address]:
                del self._waiting[address]

    async def _admit(self, windows: list[WindowLimit], cost: int, urgent: bool) -> Ticket:
        # Counted in the chat's window and the channel's at the moment the send
        # starts, not when the chat's turn came and then the channel made it wait.
        if urgent:
            return await self._admit_first(windows, cost)
        await asyncio.sleep(self.overall.reserve(cost))
        while True:
            if self._urgent:  # a reply is waiting for the next room: it goes first
                await asyncio.sleep(PENDING_POLL)
                continue
            wait, ticket = admit_all(windows, cost, pending=True)
            if ticket is not None:
                return ticket
            await asyncio.sleep(wait)

    async def _admit_first(self, windows: list[WindowLimit], cost: int) -> Ticket:
        """An urgent send waits for its chat's window on its own, then holds the bulk
        back until it has the channel's next room (in a full window every bulk send is
        waiting for that room too, and a reply would otherwise wait a second more)."""
        for window in windows[1:]:
            while (wait := window.delay(cost)) > 0:
                await asyncio.sleep(wait)
        self._urgent += 1
        try:
            while True:
                wait, ticket = admit_all(windows, cost, pending=True)
                if ticket is not None:
                    return ticket
                await asyncio.sleep(wait)
        finally:
            self._urgent -= 1

    def forget_idle(self) -> None:
        """Drops per-address buckets that are full again, so memory stays bounded; not
        while a send to the address waits (a stalled loop can find its bucket full)."""
        for address in [a for a, bucket in self.addresses.items()
                        if bucket.idle() and a not in self._waiting]:
            if not self.address_windows[address].busy():
                del self.addresses[address], self.address_windows[address]

    def batch_size(self, horizon: float) -> int:
        """How many messages to claim at once: about `horizon` seconds of sending, so
        a conversation reply never waits long behind a claimed batch of bulk."""
        return max(1, int(self.pace.rate * horizon))
