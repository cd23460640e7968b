"""Meetings: the list, create (and invite a group), change, cancel, and the roster with
each invitee's answer, attendance and the quorum. The work is bot.meetings.service's;
this module reads forms and shows results."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from bot.audit import trail as audit
from bot.core.clock import now
from bot.meetings import attendance, service
from bot.meetings.rsvp import ACTIVE
from bot.meetings.texts import local_start, localized
from bot.store import Group, Invitation, Meeting, Response
from dashboard.auth import services
from dashboard.i18n import current_language
from dashboard.i18n import gettext as _
from dashboard.nav import NavItem
from dashboard.page import page_blueprint
from dashboard.permissions import require
from dashboard.views.common import (
    actor,
    checked_id,
    default_zone,
    form_ids,
    form_texts,
    get_or_404,
    time_zones,
    title_of,
)

bp = page_blueprint("meetings", "/meetings")
NAV = NavItem(35, "meetings.index", "dash.nav.meetings", "meetings.view",
              section="people")


@bp.get("/")
@require("meetings.view")
def index():
    with services().database.read() as db:
        meetings = list(db.scalars(select(Meeting).order_by(Meeting.starts_at.desc()).limit(200)))
        answers = dict(db.execute(
            select(Invitation.meeting_id, func.count()).where(Invitation.response == Response.YES)
            .group_by(Invitation.meeting_id)).all())
        groups = list(db.scalars(select(Group).order_by(Group.name)))
    return render_template("meetings/index.html", meetings=meetings, yes=answers,
                           groups=groups, title_of=title_of, **_form_context())


def _form_context() -> dict:
    return {"time_zones": time_zones(), "zone": default_zone(),
            "default_language": services().settings.default_language}


def _zone() -> str:
    zone = request.form.get("tz", "") or default_zone()
    if zone not in time_zones():
        raise service.MeetingError("dash.meeting.bad_zone")
    return zone


def _local(value: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        raise service.MeetingError("dash.meeting.bad_time") from None


def _int(name: str, default: int | None = None, low: int = 0, high: int = 100_000) -> int | None:
    raw = request.form.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise service.MeetingError("dash.meeting.bad_number")
    return int(raw)


@bp.post("/")
@require("meetings.edit")
def create():
    settings, at = services().settings, now()
    group_ids = form_ids("group")
    try:
        with services().database.write() as db:
            meeting = service.create(
                db, title=form_texts("title"), local_start=_local(request.form.get("start", "")),
                time_zone=_zone(), now=at,
                duration_minutes=_int("duration", 120, 1, 24 * 60),
                place=form_texts("place") or None,
                quorum=_int("quorum"))
            invited = 0
            if group_ids:
                service.add_invitees(db, meeting, group_ids=group_ids)
                if request.form.get("invite"):
                    invited = service.send_invitations(db, meeting, settings, at).sent
            audit.record(db, actor(), "meeting.create", "meeting", meeting.id,
                         {"groups": group_ids, "invited": invited})
            meeting_id = meeting.id
    except service.MeetingError as error:
        flash(error.text(_), "error")
        return redirect(url_for("meetings.index"))
    flash(_("dash.meeting.created"))
    return redirect(url_for("meetings.show", meeting_id=meeting_id))


def _meeting(db, meeting_id: int) -> Meeting:
    return get_or_404(db, Meeting, meeting_id)


@bp.get("/<int:meeting_id>")
@require("meetings.view")
def show(meeting_id: int):
    with services().database.read() as db:
        meeting = _meeting(db, meeting_id)
        roster = service.invitees(db, meeting, sent=None)
        groups = list(db.scalars(select(Group).order_by(Group.name)))
    tally = {answer: 0 for answer in (Response.YES, Response.MAYBE, Response.NO, Response.NONE)}
    for invitation, _contact in roster:
        tally[invitation.response] = tally.get(invitation.response, 0) + 1
    return render_template(
        "meetings/show.html", meeting=meeting, roster=roster, tally=tally, groups=groups,
        title=title_of(meeting), start=local_start(meeting), active=meeting.status in ACTIVE,
        place=localized(meeting.place, current_language(), services().settings.default_language),
        **_form_context(),
        attended=sum(1 for i, _c in roster if i.attended),
        pending=sum(1 for i, _c in roster if i.invited_at is None))


def _act(meeting_id: int, work, action: str | None, done: str | Callable[[dict], str]):
    settings, at = services().settings, now()
    try:
        with services().database.write() as db:
            meeting = _meeting(db, meeting_id)
            details = work(db, meeting, settings, at)
            if action:
                audit.record(db, actor(), action, "meeting", meeting.id, details)
    except service.MeetingError as error:
        flash(error.text(_), "error")
    else:
        flash(_(done(details) if callable(done) else done))
    return redirect(url_for("meetings.show", meeting_id=meeting_id))


@bp.post("/<int:meeting_id>/invite")
@require("meetings.edit")
def invite(meeting_id: int):
    group_ids = form_ids("group")

    def work(db, meeting, settings, at):
        added = service.add_invitees(db, meeting, group_ids=group_ids)
        sent = service.send_invitations(db, meeting, settings, at).sent
        return {"groups": group_ids, "added": added, "invited": sent}
    return _act(meeting_id, work, "meeting.invite", "dash.meeting.invited_done")


@bp.post("/<int:meeting_id>/change")
@require("meetings.edit")
def change(meeting_id: int):
    def work(db, meeting, settings, at):
        start = request.form.get("start", "").strip()
        result = service.change(
            db, meeting, settings, at, local_start=_local(start) if start else None,
            place=form_texts("place") or None,
            duration_minutes=_int("duration", None, 1, 24 * 60),
            title=form_texts("title") or None)
        return {"told": result.sent} if result is not None else {"told": 0, "quiet": True}

    def done(details: dict) -> str:
        return "dash.meeting.saved_quietly" if details.get("quiet") else "dash.meeting.changed"
    return _act(meeting_id, work, "meeting.change", done)


@bp.post("/<int:meeting_id>/cancel")
@require("meetings.edit")
def cancel(meeting_id: int):
    def work(db, meeting, settings, at):
        return {"told": service.cancel(db, meeting, settings, at).sent}
    return _act(meeting_id, work, "meeting.cancel", "dash.meeting.cancelled")


@bp.post("/<int:meeting_id>/attended/<int:contact_id>")
@require("meetings.edit")
def mark_attended(meeting_id: int, contact_id: int):
    checked_id(contact_id)

    def work(db, meeting, settings, at):
        if db.scalar(select(Invitation.id).where(Invitation.meeting_id == meeting.id,
                                                 Invitation.contact_id == contact_id)) is None:
            abort(404)
        attendance.mark(db, meeting, contact_id, at)
    return _act(meeting_id, work, None, "dash.meeting.marked")
