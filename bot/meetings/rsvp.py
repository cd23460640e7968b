"""Answers: which invitations a person can still answer, and recording an answer.

An invitation is open while its meeting is scheduled or changed and has not started.
After an invitation, digits 1 / 2 / 3 answer it through an `rsvp` session, opened
only when the person is not in the middle of another conversation (an idle main
menu does not count); the words YES / NO / MAYBE work either way.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store import ConversationSession, Invitation, Meeting, MeetingStatus

SESSION_FLOW = "rsvp"
# Flows whose open session an invitation may take over: nobody is mid-answer there.
IDLE_FLOWS = ("menu",)
SESSION_DAYS = 3
ACTIVE = (MeetingStatus.SCHEDULED, MeetingStatus.CHANGED)
PASSED_WINDOW = dt.timedelta(days=7)


def open_invitations(db: Session, contact_id: int, now: dt.datetime,
                     among: list[int] | None = None) -> list[tuple[Invitation, Meeting]]:
    query = (
        select(Invitation, Meeting).join(Meeting, Meeting.id == Invitation.meeting_id)
        .where(Invitation.contact_id == contact_id, Invitation.invited_at.is_not(None),
               Meeting.status.in_(ACTIVE), Meeting.starts_at > now)
        .order_by(Meeting.starts_at, Meeting.id)
    )
    if among is not None:
        query = query.where(Invitation.id.in_(among))
    return [tuple(row) for row in db.execute(query)]


def closed_reason(db: Session, contact_id: int, now: dt.datetime,
                  among: list[int] | None = None) -> tuple[str, Meeting] | None:
    """Why an answer came too late: ("cancelled" | "passed", meeting), most recent first;
    None when there was nothing recent to answer."""
    query = (
        select(Meeting).join(Invitation, Invitation.meeting_id == Meeting.id)
        .where(Invitation.contact_id == contact_id, Invitation.invited_at.is_not(None),
               Meeting.starts_at > now - PASSED_WINDOW)
        .order_by(Meeting.starts_at.desc())
    )
    if among is not None:
        query = query.where(Invitation.id.in_(among))
    for meeting in db.scalars(query):
        if meeting.status == MeetingStatus.CANCELLED:
            return "cancelled", meeting
        if meeting.starts_at <= now:
            return "passed", meeting
    return None


def record(invitation: Invitation, response: str, now: dt.datetime) -> None:
    invitation.response = response
    invitation.responded_at = now
    invitation.reconfirm = False


def upcoming(db: Session, contact_id: int, now: dt.datetime) -> list[tuple[Invitation, Meeting]]:
    """Meetings the person is invited to that have not ended, for the Meetings menu."""
    rows = db.execute(
        select(Invitation, Meeting).join(Meeting, Meeting.id == Invitation.meeting_id)
        .where(Invitation.contact_id == contact_id, Invitation.invited_at.is_not(None),
               Meeting.status.in_(ACTIVE), Meeting.starts_at > now - dt.timedelta(days=1))
        .order_by(Meeting.starts_at, Meeting.id)
    )
    return [(i, m) for i, m in rows if m.ends_at > now]


def offer_digits(db: Session, contact_id: int, invitation_id: int, starts_at: dt.datetime,
                 now: dt.datetime) -> bool:
    """Opens (or extends) the `rsvp` session so that 1 / 2 / 3 answer this invitation.
    False when the person is in another conversation: that one is left alone."""
    session = db.get(ConversationSession, contact_id)
    if session is not None and session.expires_at <= now:
        db.delete(session)
        db.flush()
        session = None
    expires = min(starts_at, now + dt.timedelta(days=SESSION_DAYS))
    if session is None:
        db.add(ConversationSession(contact_id=contact_id, flow=SESSION_FLOW, started_at=now,
                                   updated_at=now, expires_at=expires,
                                   state={"invitations": [invitation_id]}))
        return True
    if session.flow in IDLE_FLOWS:
        session.flow, session.state, session.started_at = SESSION_FLOW, {}, now
    if session.flow != SESSION_FLOW:
        return False
    pending = [i for i in session.state.get("invitations", []) if i != invitation_id]
    # A new state object: SQLAlchemy does not see changes inside a JSON value.
    session.state = {"invitations": [*pending, invitation_id]}
    session.updated_at = now
    session.expires_at = max(expires, session.expires_at)
    return True
