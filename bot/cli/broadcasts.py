"""`mashwara broadcasts`: compose, schedule, watch and control announcements.

Output is English for coordinators; what recipients read is in their language.
"""

from __future__ import annotations

import datetime as dt
import sys
import time

import click
from sqlalchemy import select

from bot.audit import trail as audit
from bot.broadcasts import compose, control, runner
from bot.broadcasts.hooks import RECIPIENT_COLUMNS, recipient_rows
from bot.broadcasts.runner import channels
from bot.broadcasts.schedule import local
from bot.cli.broadcast_options import (
    WEEKDAYS,
    audience_options,
    draft_from,
    load,
    schedule_options,
)
from bot.cli.context import services as build_services
from bot.contacts.lookup import identify
from bot.core.clock import now
from bot.core.config import LANGUAGES
from bot.core.exports import write_csv
from bot.outbound.outbox import enqueue
from bot.store import Broadcast, Group, Message, Recurrence
from locales import Translator, fallback_chain


@click.group()
def broadcasts() -> None:
    """Announcements to many people at once: compose, schedule, control, report."""


def _fmt(at: dt.datetime | None, zone: str) -> str:
    return local(at, zone).strftime("%Y-%m-%d %H:%M %Z") if at else "-"


def print_preview(preview: compose.Preview) -> None:
    for version in preview.versions.values():
        click.echo(f"[{version.language}] {version.characters} characters, {version.encoding},"
                   f" {version.segments} SMS segment(s)")
        click.echo("    " + version.text.replace("\n", "\n    "))
    click.echo(f"Audience: {preview.total} recipient(s)")
    for channel, (people, cost) in preview.by_channel().items():
        unit = "SMS segments" if channel == "sms" else "messages"
        click.echo(f"  {channel}: {people} recipient(s), {cost} {unit}")
    for warning in preview.warnings:
        click.secho(f"Warning: {warning}", fg="yellow")
    for error in preview.errors:
        click.secho(f"Error: {error}", fg="red", err=True)


def _group_ids(db, names: tuple[str, ...]) -> list[int]:
    found = dict(db.execute(select(Group.name, Group.id).where(Group.name.in_(names))).all())
    missing = [n for n in names if n not in found]
    if missing:
        raise click.BadParameter(f"no group named {', '.join(missing)}", param_hint="--group")
    return [found[n] for n in names]


@broadcasts.command("create")
@click.option("--name", required=True, help="A label for coordinators (not sent).")
@click.option("--text", "texts", nargs=2, multiple=True, metavar="LANG TEXT",
              help="The text in one language, e.g. --text fa 'جلسه فردا'. Repeat per language.")
@click.option("--text-file", "text_files", nargs=2, multiple=True, metavar="LANG FILE",
              type=(str, click.File(encoding="utf-8")), help="The text of LANG from a file.")
@audience_options
@schedule_options
@click.option("--stop-hint/--no-stop-hint", default=True, show_default=True,
              help="End each text with how to stop announcements, in its language.")
@click.option("--dry-run", is_flag=True, help="Show the preview; store and send nothing.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def create(dry_run: bool, yes: bool, **options) -> None:
    """Compose a broadcast, preview it, and schedule it (or send it now)."""
    services = build_services()
    settings, at = services.settings, now()
    with services.database.read() as db:
        options["groups"] = _group_ids(db, options["group"])
        options["exclude_groups"] = _group_ids(db, options["exclude_group"])
        draft = draft_from(options, settings, at)
        preview = compose.preview(db, draft, default_language=settings.default_language,
                                  channels=runner.channels(services), now=at,
                                  large_audience=settings.broadcast_confirm_above)
    print_preview(preview)
    if preview.errors:
        raise click.ClickException("Nothing was stored; fix the errors above.")
    if dry_run:
        return
    if not yes and (preview.total > settings.broadcast_confirm_above or preview.warnings):
        click.confirm(f"Send to {preview.total} people?", abort=True)
    with services.database.write() as db:
        broadcast = compose.store(db, draft, now=now())
        broadcast_id, zone, fire_at = broadcast.id, broadcast.timezone, broadcast.next_fire_at
        audit.record(db, audit.cli_actor(), "broadcast.create", "broadcast", broadcast_id,
                     {"recipients": preview.total, "fire_at": fire_at.isoformat()})
    click.echo(f"Broadcast {broadcast_id} scheduled for {_fmt(fire_at, zone)}.")
    if fire_at <= now():
        _fire_now(services, broadcast_id)


def _fire_now(services, broadcast_id: int) -> None:
    with click.progressbar(length=1, label="Writing the outbox") as bar:
        def advance(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        runs = runner.fire_due(services, only=broadcast_id, progress=advance)
    if not runs:
        click.echo("A worker picked it up first; it is writing the outbox.")
    click.echo("The worker sends at each channel's pace. Watch it with"
               f" `mashwara broadcasts show {broadcast_id} --watch`.")


@broadcasts.command("list")
def list_() -> None:
    """Every broadcast, newest first, with its progress."""
    services = build_services()
    with services.database.read() as db:
        rows = db.scalars(select(Broadcast).order_by(Broadcast.id.desc())).all()
        for b in rows:
            c = control.counts(db, control.run_ids(db, b.id))
            repeat = "" if b.recurrence == Recurrence.NONE else f" ({b.recurrence})"
            click.echo(f"{b.id:>5}  {b.status:<10} {b.name[:40]:<40} next"
                       f" {_fmt(b.next_fire_at, b.timezone)}{repeat}  sent"
                       f" {c.sent + c.delivered}/{c.total}")
    if not rows:
        click.echo("No broadcasts yet: `mashwara broadcasts create --help`.")


def _show(db, broadcast_id: int) -> control.Counts:
    b = load(db, broadcast_id)
    click.echo(f"Broadcast {b.id}: {b.name} [{b.status}]")
    days = ",".join(WEEKDAYS[d] for d in b.weekdays or ())
    click.echo(f"  from {_fmt(b.send_at, b.timezone)}; repeat {b.recurrence}"
               f"{' on ' + days if days else ''};"
               f" until {_fmt(b.ends_at, b.timezone)}; next {_fmt(b.next_fire_at, b.timezone)}")
    quiet = f"{b.quiet_start}-{b.quiet_end}" if b.quiet_start else "none"
    click.echo(f"  quiet hours (SMS): {quiet}; audience: {b.audience or 'everyone'}")
    for language, text in sorted(b.texts.items()):
        click.echo(f"  [{language}] " + text.replace("\n", "\n       "))
    ids = control.run_ids(db, b.id)
    total = control.counts(db, ids)
    for run_id in ids:
        c = control.counts(db, [run_id])
        click.echo(f"  run {run_id}: queued {c.queued}, sent {c.sent}, delivered"
                   f" {c.delivered}, failed {c.failed}, opted out {c.stopped}, cancelled"
                   f" {c.cancelled}, SMS segments {c.segments}")
    return total


@broadcasts.command("show")
@click.argument("broadcast_id", type=int)
@click.option("--watch", is_flag=True, help="Follow the sending with a progress bar.")
def show(broadcast_id: int, watch: bool) -> None:
    """A broadcast's texts, schedule, runs and delivery counts."""
    services = build_services()
    with services.database.read() as db:
        counts = _show(db, broadcast_id)
    if watch and counts.queued:
        _watch(services, broadcast_id, counts)


def _watch(services, broadcast_id: int, counts: control.Counts) -> None:
    with click.progressbar(length=counts.total, label="Sending") as bar:
        while counts.queued:
            time.sleep(1)
            with services.database.read() as db:
                counts = control.counts(db, control.run_ids(db, broadcast_id))
            bar.update(counts.finished - bar.pos)


def _control(broadcast_id: int, action, verb: str, event: str) -> None:
    services = build_services()
    with services.database.write() as db:
        try:
            changed = action(db, load(db, broadcast_id))
        except control.ControlError as error:
            raise click.ClickException(str(error)) from None
        audit.record(db, audit.cli_actor(), event, "broadcast", broadcast_id,
                     {"messages": changed})
    click.echo(f"Broadcast {broadcast_id} {verb}: {changed} message(s).")


@broadcasts.command("pause")
@click.argument("broadcast_id", type=int)
def pause(broadcast_id: int) -> None:
    """Hold the messages not yet sent (and any further occurrence)."""
    _control(broadcast_id, control.pause, "paused; held", "broadcast.pause")


@broadcasts.command("resume")
@click.argument("broadcast_id", type=int)
def resume(broadcast_id: int) -> None:
    """Send the held messages again, from where the pause stopped."""
    _control(broadcast_id, lambda db, b: control.resume(db, b, now()), "resumed; queued",
             "broadcast.resume")


@broadcasts.command("cancel")
@click.argument("broadcast_id", type=int)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def cancel(broadcast_id: int, yes: bool) -> None:
    """Stop for good: unsent messages are cancelled and it never fires again."""
    if not yes:
        click.confirm(f"Cancel broadcast {broadcast_id} for good?", abort=True)
    _control(broadcast_id, lambda db, b: control.cancel(db, b, now()), "cancelled; dropped",
             "broadcast.cancel")


def _text(texts: dict[str, str], language: str, default: str) -> str:
    chosen = next(lang for lang in fallback_chain(language, default) if lang in texts)
    return Translator(language, default)("broadcasts.test", text=texts[chosen])


def _default_channel(services) -> str:
    settings = services.settings
    return "sms" if settings.sms_enabled else "telegram" if settings.telegram_enabled else "sim"


@broadcasts.command("test")
@click.argument("broadcast_id", type=int)
@click.option("--to", "address", required=True,
              help="Your own number (or Telegram chat id) to receive the test.")
@click.option("--channel", help="sms, telegram or sim [default: SMS if configured].")
@click.option("--lang", type=click.Choice(LANGUAGES), help="Which language version to send.")
def test(broadcast_id: int, address: str, channel: str | None, lang: str | None) -> None:
    """Send one copy of a broadcast to one address, marked as a test, and wait for it."""
    services = build_services()
    channel = channel or _default_channel(services)
    if channel not in channels(services):
        raise click.BadParameter(f"{channel} is not configured here", param_hint="--channel")
    default = services.settings.default_language
    with services.database.write() as db:
        texts = load(db, broadcast_id).texts
        language = lang or default
        identity = identify(db, channel, address, now(), language)
        message_id = enqueue(db, identity, _text(texts, language, default), now=now(),
                             language=language)
        identity_id = identity.id
    services.dispatcher.run_once(identity_id=identity_id)
    with services.database.read() as db:
        row = db.get(Message, message_id)
        status, error = row.status, row.error
    click.echo(f"Test message {message_id} on {channel}: {status}"
               + (f" ({error})" if error else ""))


@broadcasts.command("report")
@click.argument("broadcast_id", type=int)
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="File to write; standard output without it.")
def report(broadcast_id: int, output: str | None) -> None:
    """Every message of a broadcast as CSV: contact id, channel, status, segments, times.

    No phone numbers or texts: join on the contact id with `mashwara export contacts`
    if you must, and keep that file safe."""
    services = build_services()
    with services.database.read() as db:
        load(db, broadcast_id)
        rows = recipient_rows(db, broadcast_id)
        if output:
            with open(output, "w", encoding="utf-8", newline="") as stream:
                written = write_csv(stream, RECIPIENT_COLUMNS, rows)
        else:
            written = write_csv(sys.stdout, RECIPIENT_COLUMNS, rows)
    click.echo(f"{written} messages in the report.", err=True)
