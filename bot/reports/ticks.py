"""Clean-up for community input: wipe sent confirmations of anonymous reports, and
drop flood counts whose hour is over."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.core.clock import now
from bot.core.ticks import Tick
from bot.store import IN_FLIGHT, Message, ScrubAfterSend, quota

# Left a moment so that `mashwara chat` can still show the message it just sent.
GRACE = dt.timedelta(minutes=1)


def scrub_sent(db: Session, at: dt.datetime) -> int:
    """Wipes the text of listed messages that have left (or finally failed)."""
    ids = list(db.scalars(
        select(ScrubAfterSend.message_id)
        .join(Message, Message.id == ScrubAfterSend.message_id)
        .where(Message.status.not_in(IN_FLIGHT), Message.created_at <= at - GRACE)
        .limit(500)
    ))
    if ids:
        db.execute(update(Message).where(Message.id.in_(ids))
                   .values(text=None, choices=None))
        db.execute(delete(ScrubAfterSend).where(ScrubAfterSend.message_id.in_(ids)))
    return len(ids)


def scrub(services, at: dt.datetime | None = None) -> int:
    with services.database.write() as db:
        return scrub_sent(db, at or now())


def purge_quotas(services, at: dt.datetime | None = None) -> int:
    with services.database.write() as db:
        return quota.purge(db, at or now())


TICKS = (Tick("scrub-sent", 20, scrub), Tick("purge-quotas", 300, purge_quotas),)
