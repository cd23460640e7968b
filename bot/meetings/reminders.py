"""Scheduled work about meetings, as rows: reminders to YES and MAYBE at each offset,
and the quorum check for the organiser a day before.

The tick claims a due row with a conditional UPDATE (`done_at IS NULL`) and queues
the messages in the same transaction, so a row is done once: two workers, or a
worker restarted half way, cannot send it twice.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from bot.core.clock import now as clock_now
from bot.core.config import Settings
from bot.core.ticks import Tick
from bot.meetings import texts
from bot.outbound.notify import notify, translator
from bot.store import (
    Contact,
    ContactStatus,
    Invitation,
    Meeting,
    MeetingReminder,
    MeetingStatus,
    Priority,
    ReminderKind,
    Response,
)

QUORUM_BEFORE = dt.timedelta(hours=24)
BATCH = 50


def schedule(db: Session, meeting: Meeting, now: dt.datetime) -> None:
    """(Re)makes the pending rows for the meeting's current time; rows already done
    stay, so a reminder that went out is not sent again for the same time."""
    db.execute(delete(MeetingReminder).where(MeetingReminder.meeting_id == meeting.id,
                                             MeetingReminder.done_at.is_(None)))
    due = [(ReminderKind.REMINDER, meeting.starts_at - dt.timedelta(minutes=m))
           for m in meeting.reminder_minutes]
    if meeting.quorum and meeting.organiser_id:
        due.append((ReminderKind.QUORUM, meeting.starts_at - QUORUM_BEFORE))
    done = {(kind, at) for kind, at in db.execute(
        select(MeetingReminder.kind, MeetingReminder.due_at)
        .where(MeetingReminder.meeting_id == meeting.id))}
    for kind, at in due:
        if at > now and (kind, at) not in done:
            db.add(MeetingReminder(meeting_id=meeting.id, kind=kind, due_at=at))


def cancel(db: Session, meeting: Meeting, now: dt.datetime) -> None:
    db.execute(update(MeetingReminder)
               .where(MeetingReminder.meeting_id == meeting.id, MeetingReminder.done_at.is_(None))
               .values(done_at=now, sent=0))


def claim(db: Session, row_id: int, now: dt.datetime) -> bool:
    """True if this transaction won the row."""
    won = db.execute(update(MeetingReminder)
                     .where(MeetingReminder.id == row_id, MeetingReminder.done_at.is_(None))
                     .values(done_at=now))
    return won.rowcount == 1


def due_ids(db: Session, now: dt.datetime) -> list[int]:
    return list(db.scalars(select(MeetingReminder.id)
                           .where(MeetingReminder.done_at.is_(None), MeetingReminder.due_at <= now)
                           .order_by(MeetingReminder.due_at).limit(BATCH)))


def run_due(db: Session, row_id: int, settings: Settings, now: dt.datetime) -> int | None:
    """Does one due row if this transaction wins it; the number of messages queued."""
    if not claim(db, row_id, now):
        return None
    row = db.get(MeetingReminder, row_id)
    meeting = db.get(Meeting, row.meeting_id)
    if meeting.status not in (MeetingStatus.SCHEDULED, MeetingStatus.CHANGED) \
            or meeting.starts_at <= now:
        row.sent = 0  # cancelled, or the worker was down until it started: too late
        return 0
    if superseded(db, row, now):
        row.sent = 0  # the worker was down: one reminder, the latest, is enough
        return 0
    send = remind if row.kind == ReminderKind.REMINDER else tell_quorum
    row.sent = send(db, meeting, settings, now)
    return row.sent


def superseded(db: Session, row: MeetingReminder, now: dt.datetime) -> bool:
    later = db.scalar(select(func.count()).where(
        MeetingReminder.meeting_id == row.meeting_id, MeetingReminder.kind == row.kind,
        MeetingReminder.due_at > row.due_at, MeetingReminder.due_at <= now))
    return bool(later)


def remind(db: Session, meeting: Meeting, settings: Settings, now: dt.datetime) -> int:
    people = db.execute(
        select(Invitation, Contact).join(Contact, Contact.id == Invitation.contact_id)
        .where(Invitation.meeting_id == meeting.id, Invitation.invited_at.is_not(None),
               Invitation.response.in_((Response.YES, Response.MAYBE)),
               Contact.status == ContactStatus.ACTIVE, Contact.stopped_at.is_(None))
        .order_by(Invitation.id)
    )
    sent = 0
    for _invitation, contact in people:
        t = translator(contact, settings)
        text = texts.details(meeting, t, settings, "meetings.reminder")
        sent += notify(db, contact, text, now=now, settings=settings,
                       priority=Priority.BULK) is not None
    return sent


def tell_quorum(db: Session, meeting: Meeting, settings: Settings, now: dt.datetime) -> int:
    organiser = db.get(Contact, meeting.organiser_id) if meeting.organiser_id else None
    if organiser is None or organiser.status != ContactStatus.ACTIVE:
        return 0
    counts = dict(db.execute(
        select(Invitation.response, func.count()).where(Invitation.meeting_id == meeting.id,
                                                        Invitation.invited_at.is_not(None))
        .group_by(Invitation.response)).all())
    yes = counts.get(Response.YES, 0)
    t = translator(organiser, settings)
    msgid = "meetings.quorum_met" if yes >= meeting.quorum else "meetings.quorum_short"
    text = texts.localize(t(msgid, title=texts.title(meeting, t, settings), yes=yes,
                            maybe=counts.get(Response.MAYBE, 0), quorum=meeting.quorum), t)
    queued = notify(db, organiser, text, now=now, settings=settings, priority=Priority.ALERT)
    return int(queued is not None)


def send_due(services) -> int:
    """Each due row in its own transaction, so one bad meeting does not hold up the rest."""
    at = clock_now()
    with services.database.read() as db:
        ids = due_ids(db, at)
    queued = 0
    for row_id in ids:
        with services.database.write() as db:
            queued += run_due(db, row_id, services.settings, at) or 0
    return queued


TICKS = (Tick("meeting-reminders", 30, send_due),)
