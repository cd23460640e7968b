"""`mashwara meetings show | change | cancel | attend | outcome`."""

from __future__ import annotations

import click
from sqlalchemy import select

from bot.cli.context import contact_id, texts
from bot.cli.meetings import _counts, _fanout, _local, _meeting, _offsets, _run, meetings
from bot.meetings import attendance, service
from bot.meetings.service import invitees
from bot.meetings.texts import local_start, localized
from bot.store import MeetingReminder


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
def change(meeting_id, start, time_zone, place, duration) -> None:
    """Move a meeting or its place: every invitee is told, YES and MAYBE asked again."""
    if not (start or time_zone or place or duration):
        raise click.UsageError("say what changes: --start, --tz, --place or --duration")

    def work(db, settings, at):
        result = service.change(
            db, _meeting(db, meeting_id), settings, at, local_start=start,
            time_zone=time_zone, place=texts(place, settings.default_language) or None,
            duration_minutes=sum(duration) if duration else None)
        click.echo(_fanout(result, "change notices"))
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

