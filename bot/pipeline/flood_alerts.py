"""Coordinators are told when a number floods the bot: on the alert destinations
(bot/alerts.py), at most once an hour per contact. The alert names the contact's id,
which a coordinator can open in the dashboard; never the number.

The audit trail remembers each alert (action `contact.flooding`), which is also what
keeps it to once an hour.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.audit import trail as audit
from bot.core.config import Settings
from bot.outbound.outbox import enqueue
from bot.reports.alerts import staff_identities
from bot.store import AuditEvent, Priority
from locales import Translator

QUIET = dt.timedelta(hours=1)


def _alerted_lately(db: Session, contact_id: int, now: dt.datetime) -> bool:
    return db.scalar(select(AuditEvent.id).where(
        AuditEvent.action == "contact.flooding", AuditEvent.target_id == str(contact_id),
        AuditEvent.at > now - QUIET).limit(1)) is not None


def tell_coordinators(db: Session, contact_id: int, *, settings: Settings,
                      now: dt.datetime) -> int:
    """Queues one alert per destination unless this contact was reported in the last
    hour. Returns how many were queued."""
    if _alerted_lately(db, contact_id, now):
        return 0
    audit.record(db, "system", "contact.flooding", "contact", contact_id,
                 {"per_minute": settings.inbound_per_minute})
    t = Translator(settings.default_language, settings.default_language)
    text = t("flood.alert", contact=contact_id, limit=settings.inbound_per_minute)
    identities = staff_identities(db, settings, now)
    for identity in identities:
        enqueue(db, identity, text, now=now, language=t.language, priority=Priority.ALERT)
    return len(identities)
