"""Token buckets that keep each channel within its provider's limits.

A send reserves its cost up front and sleeps until the reservation is due, so the
order of reservations is the order of sending. The burst is one send: messages
leave evenly spaced, which keeps every one-second window within the cap (a full
bucket would let a second's worth leave at once, on top of the steady rate).
"""

from __future__ import annotations

import asyncio
import threading
import time

from bot.channels.base import Pace


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


class Pacer:
    """One channel's buckets: the overall cap and, if set, one bucket per address."""

    def __init__(self, pace: Pace):
        self.pace = pace
        self.overall = TokenBucket(pace.rate)
        self.addresses: dict[str, TokenBucket] = {}

    async def wait(self, address: str, cost: int) -> None:
        if self.pace.per_address is not None:
            bucket = self.addresses.get(address)
            if bucket is None:
                bucket = self.addresses[address] = TokenBucket(self.pace.per_address)
            await asyncio.sleep(bucket.reserve(cost))
        await asyncio.sleep(self.overall.reserve(cost))

    def forget_idle(self) -> None:
        """Drops per-address buckets that are full again, so memory stays bounded."""
        for address in [a for a, bucket in self.addresses.items() if bucket.idle()]:
            del self.addresses[address]

    def batch_size(self, horizon: float) -> int:
        """How many messages to claim at once: about `horizon` seconds of sending, so
        a conversation reply never waits long behind a claimed batch of bulk."""
        return max(1, int(self.pace.rate * horizon))
