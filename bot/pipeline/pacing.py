"""Token buckets that keep each channel within its provider's limits.

A send reserves its cost up front and sleeps until the reservation is due, so the
order of reservations is the order of sending. The burst is one send: messages
leave evenly spaced (a full bucket would let a second's worth leave at once, on top
of the steady rate). A window limit adds the guarantee providers count by: no
window of one second (plus a margin for network jitter, so that it also holds where
the provider counts arrivals) holds more than the cap.
"""

from __future__ import annotations

import asyncio
import collections
import threading
import time

from bot.channels.base import Pace

# Fraction of a second added to the window, for jitter between us and the provider.
JITTER_MARGIN = 0.04


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


class WindowLimit:
    """At most `cap` units start in any `window` seconds, counted at the moment each
    send really starts (a send that woke late must not bunch up with the next)."""

    def __init__(self, cap: float, window: float = 1.0 + JITTER_MARGIN, clock=time.monotonic):
        self.cap = cap
        self.window = window
        self.clock = clock
        self.starts: collections.deque[tuple[float, float]] = collections.deque()
        self._lock = threading.Lock()

    def admit(self, cost: float) -> float:
        """Records a start now and returns 0, or returns how long to wait first. A cost
        above the cap is admitted into an empty window."""
        with self._lock:
            at = self.clock()
            while self.starts and self.starts[0][0] <= at - self.window:
                self.starts.popleft()
            used = sum(units for _, units in self.starts)
            if used and used + cost > self.cap:
                freed, index = used, 0
                while freed + cost > self.cap and index < len(self.starts):
                    freed -= self.starts[index][1]
                    index += 1
                return self.starts[index - 1][0] + self.window - at
            self.starts.append((at, cost))
            return 0.0


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

    async def wait(self, address: str, cost: int) -> None:
        if self.pace.per_address is not None:
            if address not in self.addresses:
                self.addresses[address] = TokenBucket(self.pace.per_address)
                self.address_windows[address] = WindowLimit(self.pace.per_address)
            await self._take(self.addresses[address], self.address_windows[address], cost)
        await self._take(self.overall, self.window, cost)

    @staticmethod
    async def _take(bucket: TokenBucket, window: WindowLimit, cost: int) -> None:
        await asyncio.sleep(bucket.reserve(cost))
        while (wait := window.admit(cost)) > 0:
            await asyncio.sleep(wait)

    def forget_idle(self) -> None:
        """Drops per-address buckets that are full again, so memory stays bounded."""
        for address in [a for a, bucket in self.addresses.items() if bucket.idle()]:
            window = self.address_windows[address]
            if not window.starts or window.starts[-1][0] <= window.clock() - window.window:
                del self.addresses[address], self.address_windows[address]

    def batch_size(self, horizon: float) -> int:
        """How many messages to claim at once: about `horizon` seconds of sending, so
        a conversation reply never waits long behind a claimed batch of bulk."""
        return max(1, int(self.pace.rate * horizon))
