"""At most so many reports (or feedback messages) per contact per hour.

Someone sending dozens a minute, by script or by mistake, is told to wait and
nothing more is stored; one row per contact and kind counts the current hour.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete
from sqlalchemy.orm import Session

from bot.store import InputQuota

WINDOW = dt.timedelta(hours=1)


def _current(db: Session, contact_id: int, kind: str, now: dt.datetime) -> InputQuota | None:
    row = db.get(InputQuota, (contact_id, kind))
    if row is not None and row.window_start <= now - WINDOW:
        db.delete(row)
        db.flush()
        return None
    return row


def available(db: Session, contact_id: int, kind: str, limit: int, now: dt.datetime) -> bool:
    row = _current(db, contact_id, kind, now)
    return row is None or row.count < limit


def take(db: Session, contact_id: int, kind: str, limit: int, now: dt.datetime) -> bool:
    """Counts one more; False (and nothing counted) when the hour's limit is reached."""
    row = _current(db, contact_id, kind, now)
    if row is None:
        db.add(InputQuota(contact_id=contact_id, kind=kind, window_start=now, count=1))
        return True
    if row.count >= limit:
        return False
    row.count += 1
    return True


def purge(db: Session, now: dt.datetime) -> int:
    """Drops counts whose hour is over, so no row outlives its purpose."""
    result = db.execute(delete(InputQuota).where(InputQuota.window_start <= now - WINDOW))
    return result.rowcount or 0
