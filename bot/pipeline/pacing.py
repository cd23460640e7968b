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

from sqlalchemy import Float, bindparam, delete, func
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.channels.base import Pace
from bot.core.crypto import keyring
from bot.core.db import Database
from bot.store import PaceSlot

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


# A send that wakes later than this after its slot gives the slot up and takes a new
# one: a late start could bunch with the next slot inside one provider second.
LATE = 0.75 * JITTER_MARGIN
# Per-recipient slots idle this long are deleted.
IDLE_SLOT_SECONDS = 60.0


class SharedSlots:
    """One key's sending slots, held in the store so that every worker, on any machine,
    takes from the same sequence (a generic cell-rate algorithm): a reservation moves
    the key's `next_at` on by its cost in one atomic upsert, on the store's clock.
    Slots are `JITTER_MARGIN` wider than 1/rate, so that no second at the provider
    holds more than the cap even when a send starts up to LATE after its slot."""

    def __init__(self, database: Database, key: str, rate: float):
        self.database = database
        self.key = key
        self.spacing = (1.0 + JITTER_MARGIN) / rate
        if database.is_postgres:
            self._now = func.extract("epoch", func.statement_timestamp())
            self._later, self._upsert = func.greatest, pg_insert
        else:  # one machine: its clock is the store's
            self._now = bindparam("now", type_=Float)
            self._later, self._upsert = func.max, sqlite_insert
        self._table = PaceSlot.__table__

    def _set(self, first, moved) -> tuple[float, float]:
        """next_at = `first` for a new key, else `moved`; returns (next_at, now)."""
        table = self._table
        statement = (self._upsert(table).values(key=self.key, next_at=first)
                     .on_conflict_do_update(index_elements=[table.c.key],
                                            set_={"next_at": moved})
                     .returning(table.c.next_at, self._now))
        params = {} if self.database.is_postgres else {"now": time.time()}
        with self.database.write_engine.begin() as connection:
            next_at, at = connection.execute(statement, params).one()
        return next_at, at

    def reserve(self, cost: float = 1.0) -> float:
        """Takes the next slot for `cost` units; the seconds to wait before sending."""
        step = cost * self.spacing
        next_at, at = self._set(self._now + step,
                                self._later(self._table.c.next_at, self._now) + step)
        return max(0.0, next_at - step - at)

    def pause(self, seconds: float) -> None:
        """The provider asked us to slow down: no slot for anyone for `seconds`."""
        self._set(self._now + seconds, self._later(self._table.c.next_at, self._now + seconds))


class SharedPacer:
    """The dispatcher's Pacer, with its slots in the store: several workers together
    keep each channel (and each Telegram chat) within its cap, and together reach it."""

    def __init__(self, pace: Pace, database: Database, channel: str):
        self.pace = pace
        self.database = database
        self.channel = channel
        self.overall = SharedSlots(database, channel, pace.rate)
        self._swept = time.monotonic()

    def _address_slots(self, address: str) -> SharedSlots:
        key = f"{self.channel}:{keyring().blind_index(address)[:48]}"
        return SharedSlots(self.database, key, self.pace.per_address)

    async def wait(self, address: str, cost: int) -> None:
        if self.pace.per_address is not None:
            await self._take(self._address_slots(address), cost)
        await self._take(self.overall, cost)

    @staticmethod
    async def _take(slots: SharedSlots, cost: int) -> None:
        loop = asyncio.get_running_loop()
        while True:
            asked = loop.time()
            wait = await asyncio.to_thread(slots.reserve, cost)
            # Counted from before the store answered: the store's clock read somewhere
            # between, so a slow answer counts as lateness, never as time in hand.
            await asyncio.sleep(max(0.0, asked + wait - loop.time()))
            if loop.time() - (asked + wait) <= LATE:
                return

    def forget_idle(self) -> None:
        """Deletes per-recipient slots left idle (at most once a minute)."""
        if self.pace.per_address is None or time.monotonic() - self._swept < IDLE_SLOT_SECONDS:
            return
        self._swept = time.monotonic()
        cutoff = time.time() - IDLE_SLOT_SECONDS
        with self.database.write_engine.begin() as connection:
            connection.execute(delete(PaceSlot).where(PaceSlot.key.startswith(f"{self.channel}:"),
                                                      PaceSlot.next_at < cutoff))

    def batch_size(self, horizon: float) -> int:
        return max(1, int(self.pace.rate * horizon))
