"""Clean-up for community input: remove the sent messages of anonymous reports'
conversations, send their held alerts when due, and drop flood counts whose hour
(or day) is over."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.core.clock import now
from bot.core.ticks import Tick
from bot.reports import alerts
from bot.store import IN_FLIGHT, Message, ScrubAfterSend, quota

# Left a moment so that `mashwara chat` can still show the message it just sent.
GRACE = dt.timedelta(minutes=1)


def scrub_sent(db: Session, at: dt.datetime) -> int:
    """Removes listed messages that have left (or finally failed), or were received."""
    ids = list(db.scalars(
        select(ScrubAfterSend.message_id)
        .join(Message, Message.id == ScrubAfterSend.message_id)
        .where(Message.status.not_in(IN_FLIGHT), Message.created_at <= at - GRACE)
        .limit(500)
    ))
    if ids:
        db.execute(delete(ScrubAfterSend).where(ScrubAfterSend.message_id.in_(ids)))
        db.execute(delete(Message).where(Message.id.in_(ids)))
    return len(ids)


def scrub(services, at: dt.datetime | None = None) -> int:
    with services.database.write() as db:
        removed = scrub_sent(db, at or now())
    if removed:
        services.database.checkpoint()  # the WAL would keep the rows, contact id and all
    return removed


def purge_quotas(services, at: dt.datetime | None = None) -> int:
    with services.database.write() as db:
        return quota.purge(db, at or now())


def release_alerts(services, at: dt.datetime | None = None) -> int:
    with services.database.write() as db:
        return alerts.release_due(db, settings=services.settings, now=at or now())


TICKS = (Tick("scrub-sent", 20, scrub), Tick("purge-quotas", 300, purge_quotas),
         Tick("release-alerts", 30, release_alerts))
