"""What a coordinator does to a meeting: create it, invite people, change or cancel it,
mark attendance, send the outcome. Each function runs inside the caller's transaction
and raises `MeetingError` with a message fit to show the coordinator."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.config import Settings
from bot.core.db import insert_ignore
from bot.core.refusal import Refusal
from bot.meetings import reminders, texts
from bot.meetings.rsvp import ACTIVE, offer_digits
from bot.outbound.notify import notify, translator
from bot.store import (
    Contact,
    ContactStatus,
    GroupMember,
    Invitation,
    Meeting,
    MeetingStatus,
    Priority,
    Response,
)


class MeetingError(Refusal):
    pass


@dataclass
class Fanout:
    """How a message to many invitees went."""

    sent: int = 0
    stopped: int = 0  # they sent STOP
    unreachable: int = 0  # no address we can use


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise MeetingError("meeting.error.time_zone", name=repr(name)) from None


def to_utc(local: dt.datetime, time_zone: str) -> dt.datetime:
    return local.replace(tzinfo=zone(time_zone)).astimezone(dt.UTC)


def _must_be_future(starts_at: dt.datetime, now: dt.datetime) -> None:
    if starts_at <= now:
        raise MeetingError("meeting.error.past")


def new_code(db: Session) -> str:
    """Four digits no other upcoming meeting uses."""
    taken = set(db.scalars(select(Meeting.checkin_code).where(Meeting.status.in_(ACTIVE))))
    while (code := f"{secrets.randbelow(9000) + 1000}") in taken:
        pass
    return code


def create(db: Session, *, title: dict, local_start: dt.datetime, time_zone: str,
           now: dt.datetime, duration_minutes: int = 120, place: dict | None = None,
           description: dict | None = None, organiser_id: int | None = None,
           quorum: int | None = None, reminder_minutes: Iterable[int] = (1440, 120)) -> Meeting:
    if not any(title.values()):
        raise MeetingError("meeting.error.title")
    starts_at = to_utc(local_start, time_zone)
    _must_be_future(starts_at, now)
    if duration_minutes <= 0 or (quorum is not None and quorum < 0):
        raise MeetingError("meeting.error.positive")
    if organiser_id is not None and db.get(Contact, organiser_id) is None:
        raise MeetingError("meeting.error.organiser", id=organiser_id)
    meeting = Meeting(
        title=title, description=description, place=place, starts_at=starts_at,
        time_zone=time_zone, duration_minutes=duration_minutes, organiser_id=organiser_id,
        quorum=quorum, reminder_minutes=sorted({int(m) for m in reminder_minutes}, reverse=True),
        status=MeetingStatus.SCHEDULED, checkin_code=new_code(db), created_at=now,
    )
    db.add(meeting)
    db.flush()
    reminders.schedule(db, meeting, now)
    return meeting


def add_invitees(db: Session, meeting: Meeting, contact_ids: Iterable[int] = (),
                 group_ids: Iterable[int] = ()) -> int:
    """Adds people (one invitation each, however they were named). Returns how many
    were new."""
    wanted = set(contact_ids)
    for group_id in group_ids:
        wanted |= set(db.scalars(select(GroupMember.contact_id)
                                 .where(GroupMember.group_id == group_id)))
    added = 0
    for contact_id in sorted(wanted):
        values = {"meeting_id": meeting.id, "contact_id": contact_id,
                  "response": Response.NONE, "reconfirm": False, "attended": False}
        added += insert_ignore(db, Invitation, values) is not None
    return added


def _open(meeting: Meeting, now: dt.datetime) -> None:
    if meeting.status not in ACTIVE:
        raise MeetingError("meeting.error.status", id=meeting.id, status=meeting.status)
    _must_be_future(meeting.starts_at, now)


def invitees(db: Session, meeting: Meeting, *, sent: bool | None = True,
             responses: Iterable[str] | None = None) -> list[tuple[Invitation, Contact]]:
    query = (select(Invitation, Contact).join(Contact, Contact.id == Invitation.contact_id)
             .where(Invitation.meeting_id == meeting.id).order_by(Invitation.id))
    if sent is not None:
        query = query.where(Invitation.invited_at.is_not(None) if sent
                            else Invitation.invited_at.is_(None))
    if responses is not None:
        query = query.where(Invitation.response.in_(tuple(responses)))
    return [tuple(row) for row in db.execute(query)]


def send_invitations(db: Session, meeting: Meeting, settings: Settings,
                     now: dt.datetime) -> Fanout:
    """Invites everyone added and not yet invited, once, on their preferred channel."""
    _open(meeting, now)
    pending = invitees(db, meeting, sent=False)
    if not pending:
        raise MeetingError("meeting.error.nobody_left", id=meeting.id)
    result = Fanout()
    for invitation, contact in pending:
        if _reach(db, meeting, invitation, contact, settings, now, "meetings.invitation",
                  result):
            invitation.invited_at = now
    return result


def _reach(db, meeting, invitation, contact, settings, now, headline, result: Fanout,
           ask: bool = True) -> bool:
    if contact.status != ContactStatus.ACTIVE or contact.stopped_at is not None:
        result.stopped += 1
        return False
    t = translator(contact, settings)
    text = texts.details(meeting, t, settings, headline)
    choices = ()
    if ask and offer_digits(db, contact.id, invitation.id, meeting.starts_at, now):
        choices = texts.answer_choices(t)
    elif ask:
        text += "\n" + texts.answer_words(t)
    queued = notify(db, contact, text, now=now, settings=settings, choices=choices,
                    priority=Priority.BULK)
    if queued is None:
        result.unreachable += 1
        return False
    result.sent += 1
    return True


def change(db: Session, meeting: Meeting, settings: Settings, now: dt.datetime, *,
           local_start: dt.datetime | None = None, time_zone: str | None = None,
           place: dict | None = None, duration_minutes: int | None = None,
           title: dict | None = None) -> Fanout | None:
    """A new time or place: everyone invited hears it; those who said YES or MAYBE are
    asked to confirm again, and reminders follow the new time. A new title is used in
    what is sent from now on, and alone it sends nothing: None when nobody was told
    (nothing they were told has changed)."""
    _open(meeting, now)
    if title is not None and not any(title.values()):
        raise MeetingError("meeting.error.title")
    told = (meeting.starts_at, meeting.time_zone, meeting.place, meeting.duration_minutes)
    if time_zone is not None or local_start is not None:
        zone_name = time_zone or meeting.time_zone
        start = local_start or texts.local_start(meeting).replace(tzinfo=None)
        meeting.starts_at = to_utc(start, zone_name)
        meeting.time_zone = zone_name
        _must_be_future(meeting.starts_at, now)
    if place is not None:
        meeting.place = place
    if duration_minutes is not None:
        meeting.duration_minutes = duration_minutes
    if title is not None:
        meeting.title = title
    if (meeting.starts_at, meeting.time_zone, meeting.place, meeting.duration_minutes) == told:
        return None
    meeting.status, meeting.changed_at = MeetingStatus.CHANGED, now
    reminders.schedule(db, meeting, now)
    result = Fanout()
    for invitation, contact in invitees(db, meeting):
        again = invitation.response in (Response.YES, Response.MAYBE)
        invitation.reconfirm = again
        headline = "meetings.changed" if again else "meetings.changed_info"
        _reach(db, meeting, invitation, contact, settings, now, headline, result, ask=True)
    return result


def cancel(db: Session, meeting: Meeting, settings: Settings, now: dt.datetime) -> Fanout:
    """Tells every invitee who did not say NO; no reminder goes out after this."""
    _open(meeting, now)
    meeting.status, meeting.cancelled_at = MeetingStatus.CANCELLED, now
    reminders.cancel(db, meeting, now)
    result = Fanout()
    for invitation, contact in invitees(db, meeting):
        if invitation.response != Response.NO:
            _reach(db, meeting, invitation, contact, settings, now, "meetings.cancelled",
                   result, ask=False)
    return result
