"/api/v1/meetings and their invitations: read, and create a meeting (inviting groups)."

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from bot.audit import trail as audit
from bot.core.clock import now
from bot.meetings import service
from bot.store import Group, Invitation, Meeting, MeetingStatus, Response
from dashboard.api.community import token_actor
from dashboard.api.registry import (
    ApiError,
    Call,
    PageQuery,
    cursor_after,
    endpoint,
    get_or_404,
    page_of,
    paged,
)
from dashboard.api.schema import spec

STATUSES = (MeetingStatus.SCHEDULED, MeetingStatus.CHANGED, MeetingStatus.CANCELLED,
            MeetingStatus.HELD)
ANSWERS = (Response.NONE, Response.YES, Response.NO, Response.MAYBE)


def services():
    return current_app.extensions["mashwara"]


@dataclass
class MeetingOut:
    id: int
    title: str
    status: str = spec(enum=STATUSES)
    starts_at: dt.datetime = spec()
    time_zone: str = spec()
    duration_minutes: int = spec()
    place: str | None = spec()
    quorum: int | None = spec()
    invited: int = spec(description="invitations sent")
    yes: int = spec()
    no: int = spec()
    maybe: int = spec()
    attended: int = spec()


@dataclass
class MeetingIn:
    title: str = spec(min_length=1, max_length=200)
    start: str = spec(min_length=16, max_length=19, description="local time, 2026-12-01T10:00")
    time_zone: str = spec(min_length=1, max_length=64, description="IANA name, e.g. Asia/Kabul")
    duration_minutes: int = spec(120, minimum=1, maximum=1440)
    place: str | None = spec(None, max_length=200)
    quorum: int | None = spec(None, minimum=0, maximum=100_000)
    group_ids: list[int] = spec([], description="groups whose members are invited")
    invite: bool = spec(False, description="send the invitations now")


@dataclass
class InvitationOut:
    id: int
    contact_id: int
    response: str = spec(enum=ANSWERS)
    responded_at: dt.datetime | None = spec()
    invited_at: dt.datetime | None = spec()
    attended: bool = spec()


def _text(values: dict | None) -> str | None:
    from bot.meetings.texts import localized

    text = localized(values, services().settings.default_language, "en")
    return text or None


def meeting_out(db, meeting: Meeting) -> MeetingOut:
    rows = db.execute(select(Invitation.response, Invitation.attended, func.count()).where(
        Invitation.meeting_id == meeting.id, Invitation.invited_at.is_not(None))
        .group_by(Invitation.response, Invitation.attended)).all()
    answers = {answer: 0 for answer in ANSWERS}
    for response, _attended, n in rows:
        answers[response] = answers.get(response, 0) + n
    return MeetingOut(meeting.id, _text(meeting.title) or "", meeting.status, meeting.starts_at,
                      meeting.time_zone, meeting.duration_minutes, _text(meeting.place),
                      meeting.quorum, sum(n for *_x, n in rows), answers[Response.YES],
                      answers[Response.NO], answers[Response.MAYBE],
                      sum(n for _r, attended, n in rows if attended))



@endpoint("GET", "/v1/meetings", permission="meetings.view", tag="meetings",
          summary="Meetings, newest first", query=PageQuery, response=page_of(MeetingOut))
def list_meetings(call: Call):
    query = select(Meeting).order_by(Meeting.id.desc()).limit(call.query.limit + 1)
    after = cursor_after(call.query)
    if after is not None:
        query = query.where(Meeting.id < after)
    with services().database.read() as db:
        rows, cursor = paged(list(db.scalars(query)), call.query.limit, lambda m: m.id)
        return page_of(MeetingOut)([meeting_out(db, m) for m in rows], cursor)


@endpoint("GET", "/v1/meetings/<int:meeting_id>", permission="meetings.view", tag="meetings",
          summary="One meeting with its answer counts", response=MeetingOut, errors=(404,))
def get_meeting(call: Call, meeting_id: int):
    with services().database.read() as db:
        return meeting_out(db, get_or_404(db, Meeting, meeting_id, "meeting"))


@endpoint("POST", "/v1/meetings", permission="meetings.edit", tag="meetings",
          summary="Create a meeting, invite groups, and optionally send the invitations",
          body=MeetingIn, response=MeetingOut, status=201, errors=(422,))
def create_meeting(call: Call):
    body: MeetingIn = call.body
    settings, at = services().settings, now()
    try:
        local = dt.datetime.fromisoformat(body.start)
    except ValueError:
        raise ApiError(422, "invalid", "start must look like 2026-12-01T10:00") from None
    if local.tzinfo is not None or not 2000 <= local.year <= 2200:
        raise ApiError(422, "invalid", "start is a local time without offset, 2000-2200")
    language = settings.default_language
    try:
        with services().database.write() as db:
            missing = set(body.group_ids) - set(db.scalars(
                select(Group.id).where(Group.id.in_(body.group_ids))))
            if missing:
                raise ApiError(422, "invalid", "group_ids names a group that does not exist")
            meeting = service.create(
                db, title={language: body.title}, local_start=local, time_zone=body.time_zone,
                now=at, duration_minutes=body.duration_minutes, quorum=body.quorum,
                place={language: body.place} if body.place else None)
            service.add_invitees(db, meeting, group_ids=body.group_ids)
            sent = 0
            if body.invite and service.invitees(db, meeting, sent=False):
                sent = service.send_invitations(db, meeting, settings, at).sent
            audit.record(db, token_actor(call), "meeting.create", "meeting", meeting.id,
                         {"groups": body.group_ids, "invited": sent})
            return meeting_out(db, meeting)
    except service.MeetingError as error:
        raise ApiError(422, "invalid", str(error)) from None


@endpoint("GET", "/v1/meetings/<int:meeting_id>/invitations", permission="meetings.view",
          tag="meetings", summary="A meeting's invitations and answers", query=PageQuery,
          response=page_of(InvitationOut), errors=(404,))
def list_invitations(call: Call, meeting_id: int):
    query = (select(Invitation).where(Invitation.meeting_id == meeting_id)
             .order_by(Invitation.id).limit(call.query.limit + 1))
    after = cursor_after(call.query)
    if after is not None:
        query = query.where(Invitation.id > after)
    with services().database.read() as db:
        get_or_404(db, Meeting, meeting_id, "meeting")
        rows, cursor = paged(list(db.scalars(query)), call.query.limit, lambda i: i.id)
        return page_of(InvitationOut)([
            InvitationOut(i.id, i.contact_id, i.response, i.responded_at, i.invited_at,
                          i.attended) for i in rows], cursor)
