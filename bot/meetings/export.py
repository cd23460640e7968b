"""`mashwara export rsvps`: one row per invitation. No phone numbers: a coordinator who
needs them has the contacts export."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.exports import Filters, export
from bot.meetings.texts import local_start, localized
from bot.store import Contact, Invitation, Meeting


def rsvp_rows(db: Session, filters: Filters):
    query = (select(Invitation, Meeting, Contact)
             .join(Meeting, Meeting.id == Invitation.meeting_id)
             .join(Contact, Contact.id == Invitation.contact_id)
             .order_by(Meeting.starts_at, Meeting.id, Invitation.id))
    query = filters.apply(query, at=Meeting.starts_at, status=Invitation.response,
                          province=Contact.province)
    for invitation, meeting, contact in db.execute(query.execution_options(yield_per=500)):
        yield (meeting.id, localized(meeting.title, "en", "en"), meeting.starts_at,
               local_start(meeting).strftime("%Y-%m-%d %H:%M"), meeting.time_zone,
               meeting.status, contact.id, contact.name, contact.language,
               invitation.response, invitation.responded_at, invitation.reconfirm,
               invitation.invited_at, invitation.attended, invitation.attended_at)


EXPORTS = (
    export(rsvp_rows, "rsvps",
    ("meeting_id", "meeting", "starts_at", "local_start", "time_zone", "meeting_status",
     "contact_id", "name", "language", "response", "responded_at", "reconfirm", "invited_at",
     "attended", "attended_at"),
    "invitations and answers, one row per person and meeting (--status: a response)",),
)
