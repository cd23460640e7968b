"""Lease rows: one holder at a time, for the periodic jobs and for sending a channel.

The holder renews its lease; if the holder dies, the lease runs out and another
worker takes over. A conditional UPDATE decides who holds it.

A `Tenure` is one process's hold on a lease for work that must never overlap between
two holders, such as sending through a channel at its provider's cap. By this
process's own clock, it is active only from `settle` seconds after the lease was
taken (the last holder's final window has passed) until `margin` seconds before the
lease could run out (clocks of two machines may differ by less than that). Each
fresh take starts a new term: work begun under an older term must not go on.
"""

from __future__ import annotations

import datetime as dt
import math
import time

from sqlalchemy import or_, update

from bot.core.clock import now
from bot.core.db import Database, insert_ignore
from bot.store import Lease


def acquire(database: Database, name: str, holder: str, ttl: dt.timedelta) -> bool:
    at = now()
    with database.write() as db:
        won = db.execute(
            update(Lease)
            .where(Lease.name == name, or_(Lease.holder == holder, Lease.expires_at < at))
            .values(holder=holder, expires_at=at + ttl)
        ).rowcount
        if won:
            return True
        return insert_ignore(
            db, Lease, {"name": name, "holder": holder, "expires_at": at + ttl}
        ) is not None


def release(database: Database, name: str, holder: str) -> None:
    with database.write() as db:
        db.execute(
            update(Lease)
            .where(Lease.name == name, Lease.holder == holder)
            .values(expires_at=now() - dt.timedelta(seconds=1))
        )


class Tenure:
    def __init__(self, database: Database, name: str, holder: str, ttl: dt.timedelta,
                 settle: float, margin: float, clock=time.monotonic):
        self.database, self.name, self.holder = database, name, holder
        self.ttl, self.settle, self.margin, self.clock = ttl, settle, margin, clock
        self.term = 0
        self.start = math.inf  # by `clock`: when this term may begin its work
        self.until = -math.inf  # by `clock`: when it must stop starting any

    def renew(self) -> bool:
        """Takes or renews the lease; True when this began a new term."""
        began = self.clock()
        if not acquire(self.database, self.name, self.holder, self.ttl):
            self.until = -math.inf
            return False
        fresh = began > self.until  # not held, or lapsed: another may have held it since
        if fresh:
            self.term += 1
            self.start = self.clock() + self.settle
        self.until = began + self.ttl.total_seconds() - self.margin
        return fresh

    @property
    def held(self) -> bool:
        return self.clock() < self.until

    def active(self, term: int | None = None) -> bool:
        """Whether work may start now (in `term`, if given)."""
        return (term is None or term == self.term) and self.start <= self.clock() < self.until

    def release(self) -> None:
        self.until = -math.inf
        release(self.database, self.name, self.holder)
