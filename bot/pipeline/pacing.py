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
import logging
import threading
import time

from sqlalchemy import Float, bindparam, cast, delete, func, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.channels.base import Pace
from bot.core.crypto import keyring
from bot.core.db import Database
from bot.store import PaceSlot

log = logging.getLogger(__name__)

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


# A send taken up to CATCH_UP late after its slot keeps the channel on its grid (the
# next slot is not pushed back); later than this, the grid moves on from now. And a
# send let go more than LATE after it asked the store gives its slot up and takes
# another: at most JITTER_MARGIN late in all, so no provider second holds more than the cap.
CATCH_UP = JITTER_MARGIN / 4
LATE = JITTER_MARGIN - CATCH_UP
# Takes the slot when it has come, and says how far off it is otherwise (the CTE's
# UPDATE and the outer SELECT see the same snapshot: `ahead` is from before the take).
PG_TAKE = text("""
WITH now AS (SELECT extract(epoch FROM clock_timestamp())::float8 AS at),
taken AS (
    UPDATE pace_slots SET next_at = greatest(next_at, (SELECT at FROM now) - :catch_up) + :step
    WHERE key = :key AND next_at <= (SELECT at FROM now)
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM taken),
       (SELECT next_at - (SELECT at FROM now) FROM pace_slots WHERE key = :key)
""")
# Per-recipient slots idle this long are deleted.
IDLE_SLOT_SECONDS = 60.0


class SharedSlots:
    """One key's sending slots, held in the store so that every worker, on any machine,
    takes from the same sequence (a generic cell-rate algorithm, on the store's clock).
    A send may start once `next_at` has come; taking it moves `next_at` on by the cost,
    in one conditional UPDATE, so two workers never take one slot.

    Slots are JITTER_MARGIN wider than 1/rate, and a send starts within JITTER_MARGIN
    of its slot (CATCH_UP + LATE), so no second at the provider holds more than the cap."""

    def __init__(self, database: Database, key: str, rate: float):
        self.database = database
        self.key = key
        self.spacing = (1.0 + JITTER_MARGIN) / rate
        if database.is_postgres:
            self._now = cast(func.extract("epoch", func.statement_timestamp()), Float)
            self._later, self._insert = func.greatest, pg_insert
        else:  # one machine: its clock is the store's
            self._now = bindparam("now", type_=Float)
            self._later, self._insert = func.max, sqlite_insert
        self._table = PaceSlot.__table__

    def _params(self) -> dict:
        return {} if self.database.is_postgres else {"now": time.time()}

    def take(self, cost: float = 1.0) -> float:
        """Takes the slot if it has come and returns 0; otherwise the seconds until it
        comes (another worker may take it first)."""
        step = cost * self.spacing
        if self.database.is_postgres:
            # One statement, one round trip, no transaction around it.
            with self.database.write_engine.connect() as connection:
                taken, ahead = connection.execution_options(isolation_level="AUTOCOMMIT") \
                    .execute(PG_TAKE, {"key": self.key, "step": step, "catch_up": CATCH_UP}).one()
        else:
            taken, ahead = self._sqlite_take(step)
        if taken:
            return 0.0
        if ahead is not None:
            return max(ahead, 0.001)
        return 0.0 if self._create(step) else 0.001

    def timed_take(self, cost: float = 1.0) -> tuple[float, float]:
        """take(), and when (time.monotonic()) the store was asked."""
        asked = time.monotonic()
        return asked, self.take(cost)

    def _sqlite_take(self, step: float) -> tuple[bool, float | None]:
        table, params = self._table, self._params()
        with self.database.write_engine.begin() as connection:
            taken = connection.execute(
                update(table)
                .where(table.c.key == self.key, table.c.next_at <= self._now)
                .values(next_at=self._later(table.c.next_at, self._now - CATCH_UP) + step)
                .returning(table.c.key), params).first()
            if taken is not None:
                return True, None
            ahead = connection.execute(
                select(table.c.next_at - self._now).where(table.c.key == self.key),
                params).scalar()
            if ahead is None:  # the key's first send (the write lock is ours already)
                connection.execute(insert(table).values(key=self.key, next_at=self._now + step),
                                   params)
                return True, None
            return False, ahead

    def _create(self, step: float) -> bool:
        """A key's first send: its row, with the slot taken."""
        table = self._table
        with self.database.write_engine.begin() as connection:
            return connection.execute(
                self._insert(table).values(key=self.key, next_at=self._now + step)
                .on_conflict_do_nothing().returning(table.c.key), self._params()).first() \
                is not None

    def pause(self, seconds: float) -> None:
        """The provider asked us to slow down: no slot for anyone for `seconds`."""
        table = self._table
        until = self._now + seconds
        with self.database.write_engine.begin() as connection:
            connection.execute(
                self._insert(table).values(key=self.key, next_at=until)
                .on_conflict_do_update(index_elements=[table.c.key],
                                       set_={"next_at": self._later(table.c.next_at, until)}),
                self._params())


class SharedPacer:
    """The dispatcher's Pacer, with its slots in the store: several workers together
    keep each channel (and each Telegram chat) within its cap, and together reach it.
    Inside one worker the sends of a channel queue for its slots in order, one asking
    the store at a time."""

    def __init__(self, pace: Pace, database: Database, channel: str):
        self.pace = pace
        self.database = database
        self.channel = channel
        self.overall = SharedSlots(database, channel, pace.rate)
        self._turn: asyncio.Lock | None = None
        self._stamps: set[asyncio.Task] = set()
        self._units, self._due, self._slack = 0, 0.0, 0.0
        self._swept = time.monotonic()

    def _address_slots(self, address: str) -> SharedSlots:
        key = f"{self.channel}:{keyring().blind_index(address)[:48]}"
        return SharedSlots(self.database, key, self.pace.per_address)

    async def wait(self, address: str, cost: int) -> None:
        # One message per address is on its way at a time (the dispatcher's claim), so
        # a recipient's slots need no queue of their own.
        recipient = None
        if self.pace.per_address is not None:
            recipient = self._address_slots(address)
            await self._take(recipient, cost)
        if self._turn is None:
            self._turn = asyncio.Lock()
        async with self._turn:
            await self._from_block(cost)
        if recipient is not None:
            # The wait for the channel's slot may have been long: the recipient's next
            # slot counts from now, when this one really goes (beside the send, which
            # must not wait for it; their next message is claimed after its verdict).
            stamp = asyncio.create_task(asyncio.to_thread(recipient.pause,
                                                          cost * recipient.spacing))
            self._stamps.add(stamp)
            stamp.add_done_callback(self._stamps.discard)

    async def _from_block(self, cost: int) -> None:
        """The channel's slots, taken from the store a block at a time at high rates
        (as many as fit in LATE), so a fast channel asks the store less often. Each
        send of a block keeps to its own slot: one that would start too late lets the
        rest of the block go and takes anew."""
        spacing = self.overall.spacing
        while True:
            if self._units >= cost:
                await asyncio.sleep(max(0.0, self._due - time.monotonic()))
                if time.monotonic() - self._due <= self._slack:
                    self._units -= cost
                    self._due += cost * spacing
                    return
                self._units = 0
            want = max(cost, int(LATE / spacing))
            asked, wait = await self._ask(self.overall, want)
            answered = time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            elif answered - asked <= LATE:
                # The block's slots count from the answer (never early); what is left of
                # LATE is what each send of it may be late by.
                self._units, self._due, self._slack = want, answered, LATE - (answered - asked)

    @staticmethod
    async def _ask(slots: SharedSlots, cost: int) -> tuple[float, float]:
        if slots.database.is_postgres:
            # On the loop itself: one short autocommit statement, and no hop between
            # threads between the store's answer and the send (on a busy machine a
            # hop can take longer than LATE).
            return slots.timed_take(cost)
        # SQLite's write lock may be held a while by a long transaction.
        return await asyncio.to_thread(slots.timed_take, cost)

    @staticmethod
    async def _take(slots: SharedSlots, cost: int) -> None:
        while True:
            asked, wait = await SharedPacer._ask(slots, cost)
            if wait > 0:
                await asyncio.sleep(wait)
            elif time.monotonic() - asked <= LATE:
                return
            else:  # the answer came back too late to keep to the slot
                log.debug("%s: slot given up, taken %.3f s ago", slots.key,
                          time.monotonic() - asked)

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
