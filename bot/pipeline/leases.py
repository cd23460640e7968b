"""A lease row, so that one worker at a time runs the periodic jobs.

The holder renews it on every tick; if the holder dies, the lease runs out and
another worker takes over. A conditional UPDATE decides who holds it.
"""

from __future__ import annotations

import datetime as dt

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
