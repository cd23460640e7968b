"""Urgent reports alert coordinators at once, on the destinations in the settings.

Each destination (a Telegram chat, a duty phone) is an identity of a contact with
status staff: the outbox needs an identity, and a STAFF contact is never registered,
so it is in no export, broadcast or audience. An alert names the category, the
province and the code; never the reporter, and never the report's text, which
coordinators read in the export or the dashboard (a group chat or an SMS is not a
safe place for it).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.contacts.lookup import identify
from bot.core.config import Settings
from bot.outbound.outbox import enqueue
from bot.store import ContactStatus, Identity, Priority, Report
from bot.text import places
from locales import Translator


def destinations(settings: Settings) -> list[tuple[str, str]]:
    return ([("telegram", chat) for chat in settings.alert_telegram_chats]
            + [("sms", number) for number in settings.alert_sms])


def staff_identities(db: Session, settings: Settings, now: dt.datetime) -> list[Identity]:
    found = []
    for channel, address in destinations(settings):
        identity = identify(db, channel, address, now, settings.default_language)
        # A coordinator who also registered as a member keeps that status.
        if identity.contact.status != ContactStatus.ACTIVE:
            identity.contact.status = ContactStatus.STAFF
        found.append(identity)
    return found


def urgent_report(db: Session, code: str, *, settings: Settings, now: dt.datetime) -> int:
    """Queues one alert per destination. Returns how many."""
    report = db.scalars(select(Report).where(Report.code == code)).one()
    t = Translator(settings.default_language, settings.default_language)
    place = places.load(settings.places).get(report.province)
    where = place.name(t.language) if place else t("report.alert_located")
    text = t("report.alert", code=report.code, category=t(f"report.category.{report.category}"),
             place=where)
    identities = staff_identities(db, settings, now)
    for identity in identities:
        enqueue(db, identity, text, now=now, language=t.language, priority=Priority.ALERT)
    return len(identities)
