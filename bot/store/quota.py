"""At most so many reports (or feedback messages) per contact per hour.

Someone sending dozens a minute, by script or by mistake, is told to wait and
nothing more is stored; one row per contact and kind counts the current hour.

An anonymous report must not be counted next to the person's id: that row would
say who reported, and when. It is counted per day under a keyed hash of the contact
id whose key is random, kept only in this process's memory and replaced every day,
so no one holding the database (with or without the encryption key) can tell whose
count it is. The cost: each process counts apart, and a restart forgets the day's
counts; the limit for anonymous reports is the hourly limit, per day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import threading

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.store import AnonymousQuota, InputQuota

WINDOW = dt.timedelta(hours=1)

_day_key: tuple[dt.date, bytes] | None = None
_day_key_lock = threading.Lock()


def _current(db: Session, contact_id: int, kind: str, now: dt.datetime) -> InputQuota | None:
    row = db.get(InputQuota, (contact_id, kind))
    if row is not None and row.window_start <= now - WINDOW:
        db.delete(row)
        db.flush()
        return None
    return row


def anonymous_key(contact_id: int, day: dt.date) -> str:
    """The day's key for `contact_id`: the same all day in this process, then gone."""
    global _day_key
    with _day_key_lock:
        if _day_key is None or _day_key[0] != day:
            _day_key = (day, secrets.token_bytes(32))
        key = _day_key[1]
    return hmac.new(key, str(contact_id).encode(), hashlib.sha256).hexdigest()


def _anonymous_count(db: Session, contact_id: int, now: dt.datetime) -> int:
    day = now.astimezone(dt.UTC).date()
    return db.scalar(select(func.coalesce(func.sum(AnonymousQuota.count), 0)).where(
        AnonymousQuota.key == anonymous_key(contact_id, day), AnonymousQuota.day == day))


def _used(db: Session, contact_id: int, kind: str, now: dt.datetime) -> int:
    row = _current(db, contact_id, kind, now)
    named = row.count if row is not None else 0
    return named + (_anonymous_count(db, contact_id, now) if kind == "report" else 0)


def available(db: Session, contact_id: int, kind: str, limit: int, now: dt.datetime) -> bool:
    return _used(db, contact_id, kind, now) < limit


def take(db: Session, contact_id: int, kind: str, limit: int, now: dt.datetime,
         anonymous: bool = False) -> bool:
    """Counts one more; False (and nothing counted) when the hour's limit is reached."""
    if _used(db, contact_id, kind, now) >= limit:
        return False
    if anonymous:
        day = now.astimezone(dt.UTC).date()
        key = anonymous_key(contact_id, day)
        row = db.get(AnonymousQuota, key)
        if row is None:
            db.add(AnonymousQuota(key=key, day=day, count=1))
        else:
            row.count += 1
        return True
    row = _current(db, contact_id, kind, now)
    if row is None:
        db.add(InputQuota(contact_id=contact_id, kind=kind, window_start=now, count=1))
    else:
        row.count += 1
    return True


def purge(db: Session, now: dt.datetime) -> int:
    """Drops counts whose hour (or, anonymous, whose day) is over."""
    result = db.execute(delete(InputQuota).where(InputQuota.window_start <= now - WINDOW))
    days = db.execute(delete(AnonymousQuota).where(
        AnonymousQuota.day < now.astimezone(dt.UTC).date()))
    return (result.rowcount or 0) + (days.rowcount or 0)
