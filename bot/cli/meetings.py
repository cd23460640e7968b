"""`mashwara meetings`: the coordinator's side of meetings: create, invite, list, show,
change, cancel, attendance and outcome."""

from __future__ import annotations

import datetime as dt
import re

import click
from sqlalchemy import func, select

from bot.cli.context import contact_id, group_id, services, texts
from bot.core.clock import now
from bot.meetings import attendance, service
from bot.meetings.service import invitees
from bot.meetings.texts import local_start, localized
from bot.store import Invitation, Meeting, MeetingReminder

DURATION = re.compile(r"^(\d+)\s*([hm]?)$")


def _local(_ctx, _param, value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("T", " "))
    except ValueError:
        raise click.BadParameter("use a local date and time like '2026-12-01 10:00'") from None


def _offsets(_ctx, _param, value: str) -> list[int]:
    minutes = []
    for part in filter(None, (p.strip() for p in value.split(","))):
        match = DURATION.match(part)
        if not match:
            raise click.BadParameter("use hours or minutes, like 24h,2h or 90m")
        minutes.append(int(match[1]) * (1 if match[2] == "m" else 60))
    return minutes


def _run(work):
    """Runs `work(db, settings, now)` in one transaction; a MeetingError becomes a clear
    refusal and nothing is kept."""
    running = services()
    try:
        with running.database.write() as db:
            return work(db, running.settings, now())
    except service.MeetingError as error:
        raise click.ClickException(str(error)) from None


def _meeting(db, meeting_id: int) -> Meeting:
    meeting = db.get(Meeting, meeting_id)
    if meeting is None:
        raise service.MeetingError("meeting.error.unknown", id=meeting_id)
    return meeting


def _fanout(result: service.Fanout, what: str) -> str:
    text = f"{result.sent} {what} queued"
    if result.stopped:
        text += f", {result.stopped} not sent (they sent STOP or erased their data)"
    if result.unreachable:
        text += f", {result.unreachable} without a reachable address"
    return text + "."


def _invite(db, meeting, settings, at, groups, contacts) -> service.Fanout:
    service.add_invitees(db, meeting, [contact_id(db, c) for c in contacts],
                         [group_id(db, g) for g in groups])
    return service.send_invitations(db, meeting, settings, at)


invitee_options = [
    click.option("--group", "groups", multiple=True, help="Invite this group (name or id)."),
    click.option("--contact", "contacts", multiple=True,
                 help="Invite this contact (id or phone number)."),
]


def with_invitees(command):
    for option in reversed(invitee_options):
        command = option(command)
    return command


@click.group()
def meetings() -> None:
    """Meetings: create, invite, change, cancel, attendance and outcome."""


@meetings.command("create")
@click.option("--title", multiple=True, required=True,
              help="Title; repeat as 'fa:...' for each language.")
@click.option("--start", callback=_local, required=True,
              help="Local date and time, e.g. '2026-12-01 10:00'.")
@click.option("--tz", "time_zone", required=True, help="IANA time zone, e.g. Asia/Kabul.")
@click.option("--duration", default="2h", show_default=True, callback=_offsets)
@click.option("--place", multiple=True, help="Place; repeat as 'fa:...' per language.")
@click.option("--description", multiple=True, help="Description; 'fa:...' per language.")
@click.option("--organiser", help="Contact (id or phone) told about the quorum.")
@click.option("--quorum", type=int, help="YES answers needed.")
@click.option("--reminders", default="24h,2h", show_default=True, callback=_offsets,
              help="When to remind, before the start.")
@with_invitees
def create(title, start, time_zone, duration, place, description, organiser, quorum,
           reminders, groups, contacts) -> None:
    """Create a meeting; with --group or --contact, invite at once."""
    def work(db, settings, at):
        default = settings.default_language
        meeting = service.create(
            db, title=texts(title, default), local_start=start, time_zone=time_zone, now=at,
            duration_minutes=sum(duration), place=texts(place, default) or None,
            description=texts(description, default) or None, quorum=quorum,
            organiser_id=contact_id(db, organiser) if organiser else None,
            reminder_minutes=reminders)
        click.echo(f"Meeting {meeting.id} created; check-in code {meeting.checkin_code}.")
        if groups or contacts:
            click.echo(_fanout(_invite(db, meeting, settings, at, groups, contacts),
                               "invitations"))
    _run(work)


@meetings.command("invite")
@click.argument("meeting_id", type=int)
@with_invitees
def invite(meeting_id, groups, contacts) -> None:
    """Invite more people, and send every invitation not sent yet (each person once)."""
    _run(lambda db, settings, at: click.echo(_fanout(
        _invite(db, _meeting(db, meeting_id), settings, at, groups, contacts), "invitations")))


@meetings.command("list")
@click.option("--all", "everything", is_flag=True, help="Past and cancelled meetings too.")
def list_meetings(everything: bool) -> None:
    """Upcoming meetings with their answers so far."""
    def work(db, settings, at):
        query = select(Meeting).order_by(Meeting.starts_at)
        if not everything:
            query = query.where(Meeting.starts_at > at - dt.timedelta(days=1))
        for meeting in db.scalars(query):
            counts = _counts(db, meeting.id)
            click.echo(f"{meeting.id:>4}  {local_start(meeting):%Y-%m-%d %H:%M} "
                       f"{meeting.time_zone}  {meeting.status:9}  "
                       f"{localized(meeting.title, settings.default_language, 'en')}  "
                       f"yes {counts.get('yes', 0)} / maybe {counts.get('maybe', 0)} / "
                       f"no {counts.get('no', 0)} / none {counts.get('none', 0)}")
    _run(work)


def _counts(db, meeting_id: int) -> dict:
    return dict(db.execute(select(Invitation.response, func.count())
                           .where(Invitation.meeting_id == meeting_id)
                           .group_by(Invitation.response)).all())


@meetings.command("show")
@click.argument("meeting_id", type=int)
def show(meeting_id: int) -> None:
    """A meeting, its reminders and every invitee's answer (no phone numbers)."""
    def work(db, settings, at):
        meeting = _meeting(db, meeting_id)
        default = settings.default_language
        click.echo(f"Meeting {meeting.id}: {localized(meeting.title, default, 'en')}"
                   f" [{meeting.status}]")
        click.echo(f"  starts   {local_start(meeting):%Y-%m-%d %H:%M} {meeting.time_zone}"
                   f" ({meeting.duration_minutes} min)")
        click.echo(f"  place    {localized(meeting.place, default, 'en') or '-'}")
        click.echo(f"  check-in {meeting.checkin_code}   quorum {meeting.quorum or '-'}"
                   f"   answers {_counts(db, meeting.id)}")
        for row in db.scalars(select(MeetingReminder).where(
                MeetingReminder.meeting_id == meeting.id).order_by(MeetingReminder.due_at)):
            state = f"done, {row.sent} sent" if row.done_at else "due"
            click.echo(f"  {row.kind:8} {row.due_at:%Y-%m-%d %H:%M} UTC  {state}")
        for invitation, contact in invitees(db, meeting, sent=None):
            flags = " attended" if invitation.attended else ""
            flags += " (asked to confirm again)" if invitation.reconfirm else ""
            flags += "" if invitation.invited_at else " (not invited yet)"
            click.echo(f"  {contact.id:>6} {contact.name or '':24} {invitation.response:5}{flags}")
    _run(work)


@meetings.command("change")
@click.argument("meeting_id", type=int)
@click.option("--start", callback=_local, help="New local date and time.")
@click.option("--tz", "time_zone", help="New IANA time zone.")
@click.option("--place", multiple=True, help="New place; 'fa:...' per language.")
@click.option("--duration", callback=lambda c, p, v: _offsets(c, p, v) if v else None)
@click.option("--title", multiple=True,
              help="New title, every language's: 'fa:...' per language. Nobody is told.")
def change(meeting_id, start, time_zone, place, duration, title) -> None:
    """Move a meeting or its place: every invitee is told, YES and MAYBE asked again."""
    if not (start or time_zone or place or duration or title):
        raise click.UsageError("say what changes: --start, --tz, --place, --duration or --title")

    def work(db, settings, at):
        default = settings.default_language
        result = service.change(
            db, _meeting(db, meeting_id), settings, at, local_start=start,
            time_zone=time_zone, place=texts(place, default) or None,
            duration_minutes=sum(duration) if duration else None,
            title=texts(title, default) or None)
        click.echo("Saved; nothing invitees were told has changed, so nobody is told."
                   if result is None else _fanout(result, "change notices"))
    _run(work)


@meetings.command("cancel")
@click.argument("meeting_id", type=int)
@click.confirmation_option(prompt="Cancel the meeting and tell every invitee?")
def cancel(meeting_id) -> None:
    """Cancel a meeting: everyone invited who did not say NO is told."""
    _run(lambda db, settings, at: click.echo(_fanout(
        service.cancel(db, _meeting(db, meeting_id), settings, at), "cancellation notices")))


@meetings.command("attend")
@click.argument("meeting_id", type=int)
@click.argument("contacts", nargs=-1, required=True)
def attend(meeting_id, contacts) -> None:
    """Mark CONTACTS (ids or phone numbers) as present at the meeting."""
    def work(db, settings, at):
        meeting = _meeting(db, meeting_id)
        for given in contacts:
            attendance.mark(db, meeting, contact_id(db, given), at)
        click.echo(f"{len(contacts)} marked present.")
    _run(work)


@meetings.command("outcome")
@click.argument("meeting_id", type=int)
@click.option("--text", multiple=True, required=True,
              help="The summary; repeat as 'fa:...' for each language.")
@click.option("--all", "everyone", is_flag=True, help="To every invitee, not only attendees.")
def outcome(meeting_id, text, everyone) -> None:
    """After the meeting: send its outcome to those who came (or everyone invited)."""
    def work(db, settings, at):
        summary = texts(text, settings.default_language)
        result = attendance.outcome(db, _meeting(db, meeting_id), summary, settings, at,
                                    everyone=everyone)
        click.echo(_fanout(result, "outcome messages"))
    _run(work)
