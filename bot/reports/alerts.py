"""Urgent reports alert coordinators at once, on the destinations in the settings.

Each destination (a Telegram chat, a duty phone) is an identity of a contact with
status staff: the outbox needs an identity, and a STAFF contact is never registered,
so it is in no export, broadcast or audience. An alert names the category, the
province and the code; never the reporter, and never the report's text, which
coordinators read in the export or the dashboard (a group chat or an SMS is not a
safe place for it).

An anonymous report's alert is held for a random time (two minutes up to
MASHWARA_ANONYMOUS_ALERT_DELAY_MINUTES) and its log row carries only the hour it was
written: sent at once, its time would date the reporter's last message to the second.
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.contacts.lookup import identify
from bot.core.config import Settings
from bot.outbound.outbox import enqueue
from bot.store import ContactStatus, HeldAlert, Identity, Priority, Report
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


# Never sooner than this: by then the conversation has left the message log (it is
# removed a minute after its last reply has left, by a tick every 20 seconds), so a
# coordinator who opens the dashboard on the alert does not find it there.
SHORTEST_DELAY = dt.timedelta(minutes=2)


def delay(settings: Settings) -> dt.timedelta:
    """How long an anonymous report's alert waits: uniform, never under two minutes."""
    spread = settings.anonymous_alert_delay_minutes * 60 - SHORTEST_DELAY.total_seconds()
    return SHORTEST_DELAY + dt.timedelta(seconds=secrets.randbelow(max(int(spread), 1)))


def hour_of(moment: dt.datetime) -> dt.datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def urgent_report(db: Session, code: str, *, settings: Settings, now: dt.datetime) -> int:
    """Queues one alert per destination (held, for an anonymous report). Returns how
    many were queued now."""
    report = db.scalars(select(Report).where(Report.code == code)).one()
    if report.anonymous:
        db.add(HeldAlert(report_code=report.code, due_at=now + delay(settings)))
        return 0
    return _queue(db, report, settings, now, now)


def release_due(db: Session, *, settings: Settings, now: dt.datetime) -> int:
    """Queues the held alerts that are due; returns how many reports were alerted."""
    due = db.scalars(select(HeldAlert).where(HeldAlert.due_at <= now)
                     .order_by(HeldAlert.due_at).limit(100)).all()
    for held in due:
        report = db.get(Report, held.report_code)
        _queue(db, report, settings, now, hour_of(now))
        db.delete(held)
    return len(due)


def _queue(db: Session, report: Report, settings: Settings, now: dt.datetime,
           stamp: dt.datetime) -> int:
    t = Translator(settings.default_language, settings.default_language)
    place = places.load(settings.places).get(report.province)
    where = place.name(t.language) if place else t("report.alert_located")
    text = t("report.alert", code=report.code, category=t(f"report.category.{report.category}"),
             place=where)
    identities = staff_identities(db, settings, now)
    for identity in identities:
        enqueue(db, identity, text, now=stamp, language=t.language, priority=Priority.ALERT)
    return len(identities)
