"""Who came: check-in by code (`HERE 4821`), marking by the coordinator, and the
outcome sent afterwards."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.config import Settings
from bot.core.db import insert_ignore
from bot.meetings import texts
from bot.meetings.service import Fanout, MeetingError, invitees
from bot.outbound.notify import notify, translator
from bot.store import (
    ContactStatus,
    Invitation,
    Meeting,
    MeetingStatus,
    Priority,
    Response,
)

# Check-in opens an hour before the start and closes two hours after the end.
OPENS_BEFORE = dt.timedelta(hours=1)
CLOSES_AFTER = dt.timedelta(hours=2)


def meeting_for_code(db: Session, code: str, contact_id: int,
                     now: dt.datetime) -> Meeting | None:
    """The meeting open for check-in with this code that the person was invited to.
    Someone not invited is told the code is unknown: a guessed code must neither
    reveal a meeting nor bring its outcome; the coordinator can mark a walk-in."""
    candidates = db.scalars(select(Meeting).join(Invitation).where(
        Meeting.checkin_code == code, Meeting.status != MeetingStatus.CANCELLED,
        Meeting.starts_at <= now + OPENS_BEFORE, Invitation.contact_id == contact_id,
        Invitation.invited_at.is_not(None)))
    return next((m for m in candidates if now <= m.ends_at + CLOSES_AFTER), None)


def mark(db: Session, meeting: Meeting, contact_id: int, now: dt.datetime) -> Invitation:
    """Records attendance; a walk-in the coordinator marks gets an invitation row."""
    values = {"meeting_id": meeting.id, "contact_id": contact_id, "response": Response.NONE,
              "reconfirm": False, "attended": False, "created_at": now}
    insert_ignore(db, Invitation, values)
    invitation = db.scalars(select(Invitation).where(
        Invitation.meeting_id == meeting.id, Invitation.contact_id == contact_id)).one()
    if not invitation.attended:
        invitation.attended, invitation.attended_at = True, now
    return invitation


def outcome(db: Session, meeting: Meeting, summary: dict, settings: Settings, now: dt.datetime,
            everyone: bool = False) -> Fanout:
    """Sends the summary to those who came (or to every invitee) and closes the meeting."""
    if meeting.status == MeetingStatus.CANCELLED:
        raise MeetingError("meeting.error.cancelled", id=meeting.id)
    if meeting.starts_at > now:
        raise MeetingError("meeting.error.not_started", id=meeting.id)
    if not any(summary.values()):
        raise MeetingError("meeting.error.no_outcome")
    people = [(i, c) for i, c in invitees(db, meeting, sent=None)
              if everyone and i.invited_at is not None or i.attended]
    if not people:
        raise MeetingError("meeting.error.nobody_attended")
    meeting.outcome, meeting.status = summary, MeetingStatus.HELD
    result = Fanout()
    for _invitation, contact in people:
        if contact.stopped_at is not None or contact.status != ContactStatus.ACTIVE:
            result.stopped += 1
            continue
        t = translator(contact, settings)
        text = t("meetings.outcome", title=texts.title(meeting, t, settings),
                 summary=texts.localized(summary, t.language, settings.default_language))
        sent = notify(db, contact, text, now=now, settings=settings,
                      priority=Priority.BULK) is not None
        result.sent += sent
        result.unreachable += not sent
    return result
