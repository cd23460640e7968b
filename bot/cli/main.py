"""The `mashwara` command."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import sys
import threading

import click

from bot.cli.context import services as _services
from bot.core import config


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log debugging detail.")
def main(verbose: bool) -> None:
    """Mashwara: community feedback, concern reports, meetings and announcements over
    SMS and Telegram. Settings come from the environment or a .env file."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Its "Running job ... executed successfully" lines every few seconds drown the rest;
    # the worker logs one line for each tick that did work.
    logging.getLogger("apscheduler").setLevel(logging.DEBUG if verbose else logging.WARNING)


def this_command() -> str:
    """How to start this same `mashwara` from the current directory: the bare name only
    when the shell would find this one (inside .venv it usually would not)."""
    running = os.path.realpath(sys.argv[0])
    on_path = shutil.which("mashwara")
    if on_path and os.path.realpath(on_path) == running:
        return "mashwara"
    return os.path.relpath(running) if os.path.exists(running) else "mashwara"


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def run(host: str, port: int) -> None:
    """Web and worker in one process (SQLite by default); migrates the store first."""
    from waitress import serve

    from bot.app import create_app
    from bot.worker import Worker

    services = _services()
    services.upgrade()
    worker = Worker(services)
    worker.start()
    settings = services.settings
    if settings.telegram_enabled and not settings.public_url:
        from bot.channels.telegram.poll import poll_in_thread
        from bot.cli.telegram import handler

        poll_in_thread(settings, handler(services))
        click.echo("Telegram: polling for updates (no MASHWARA_PUBLIC_URL is set).")
    click.echo(f"Mashwara is running on http://{host}:{port}/  (Ctrl+C to stop)")
    click.echo(f"Talk to it from another terminal: {this_command()} chat --lang fa")
    try:
        serve(create_app(services=services), host=host, port=port, threads=8, _quiet=True)
    finally:
        worker.stop()


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int, help="gunicorn processes")
def web(host: str, port: int, workers: int) -> None:
    """The web half alone, under gunicorn (production). Run `mashwara worker` beside it."""
    from gunicorn.app.base import BaseApplication

    from bot.app import create_app

    class Gunicorn(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("accesslog", None)

        def load(self):
            return create_app()

    Gunicorn().run()


@main.command()
def worker() -> None:
    """The worker half alone: sends queued messages and runs scheduled work."""
    from bot.worker import Worker

    services = _services()
    running = Worker(services)
    running.start()
    done = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: done.set())
    done.wait()
    running.stop()


@main.group()
def db() -> None:
    """The store's schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply the Alembic migrations up to the newest."""
    services = _services()
    services.upgrade()
    click.echo("The store is up to date.")


@db.command("revision")
@click.argument("message")
def db_revision(message: str) -> None:
    """Write a new migration from the difference between the models and the store
    (for developers: run `mashwara db upgrade` first)."""
    from bot.core.migrate import revision

    revision(_services().database, message)


@main.command()
@click.option("--lang", type=click.Choice(config.LANGUAGES), default=None,
              help="Language to greet you in before you choose one.")
@click.option("--as", "address", default="+93700000001", show_default=True,
              help="The phone number you pretend to be.")
def chat(lang: str | None, address: str) -> None:
    """Talk to the flows in this terminal, as a community member on the simulator channel."""
    from bot.pipeline.simulator import Simulator

    logging.getLogger("alembic").setLevel(logging.WARNING)  # not into the conversation
    services = _services()
    services.upgrade()
    sim = Simulator(services, address, language=lang)
    turn = threading.Lock()  # one of: your message and its replies, or a look for pushes
    stop = threading.Event()
    threading.Thread(target=_pushed, args=(sim, turn, stop), daemon=True).start()
    click.echo(f"Simulator: you are {address}. Say hello to begin; Ctrl+D to leave.")
    try:
        while True:
            try:
                text = input("> ")
            except (EOFError, KeyboardInterrupt):
                click.echo()
                return
            with turn:
                _show(sim.say(text))
    finally:
        stop.set()


def _pushed(sim, turn: threading.Lock, stop: threading.Event) -> None:
    """Shows what reaches the person unasked (an invitation, an announcement, a report's
    new status) as it arrives, not after the next Enter."""
    while not stop.wait(1.0):
        with turn:
            arrived = sim.replies(wait=0)
        if arrived:
            click.echo()
            _show(arrived)
            click.echo("> ", nl=False)


def _show(replies: list[str]) -> None:
    for line in replies:
        click.echo(click.style(line, fg="green"))


def _date(_ctx, _param, value: str | None):
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use a date like 2026-11-23") from None


@main.command("export")
@click.argument("name")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv",
              show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="File to write; CSV goes to standard output without it.")
@click.option("--since", callback=_date,
              help="From this day, e.g. 2026-11-01, in the deployment's time zone.")
@click.option("--until", callback=_date,
              help="Up to this day, included, in the deployment's time zone.")
@click.option("--status", help="Only rows with this status.")
@click.option("--category", help="Only rows of this category or topic.")
@click.option("--province", help="Only rows from this province code.")
def export(name, fmt, output, since, until, status, category, province) -> None:
    """Export NAME (reports, feedback, rsvps, contacts ...) as CSV or XLSX.

    Exports hold personal data in clear: keep the file safe and delete it when done."""
    from bot.core.exports import EXPORTS, day_filters, write_csv, write_xlsx
    from bot.text import places

    services = _services()
    if name not in EXPORTS:
        raise click.BadParameter(f"choose one of: {', '.join(sorted(EXPORTS))}", param_hint="NAME")
    if fmt == "xlsx" and not output:
        raise click.BadParameter("XLSX needs a file: add -o FILE.xlsx", param_hint="--output")
    chosen = EXPORTS[name]
    zone = places.load(services.settings.places).timezone
    filters = day_filters(zone, since, until, status=status, category=category,
                          province=province)
    with services.database.read() as db:
        rows = chosen.rows(db, filters)
        if fmt == "xlsx":
            written = write_xlsx(output, chosen.columns, rows, name)
        elif output:
            with open(output, "w", encoding="utf-8", newline="") as stream:
                written = write_csv(stream, chosen.columns, rows)
        else:
            written = write_csv(sys.stdout, chosen.columns, rows)
    _audit_export(services, name, fmt, filters, written)
    click.echo(f"{written} {name} rows exported.", err=True)


def _audit_export(services, name, fmt, filters, written: int) -> None:
    from bot.audit import trail as audit
    from bot.core.exports import filter_details

    with services.database.write() as db:
        audit.record(db, audit.cli_actor(), "export", "export", name,
                     {"format": fmt, "rows": written, **filter_details(filters)})


@main.group()
def keys() -> None:
    """Encryption keys for names, numbers and message texts."""


@keys.command("generate")
def keys_generate() -> None:
    """Print a new encryption key."""
    from cryptography.fernet import Fernet

    click.echo(Fernet.generate_key().decode())


@keys.command("rotate")
def keys_rotate() -> None:
    """Re-encrypt everything under the FIRST key of MASHWARA_ENCRYPTION_KEY.

    Put the new key first and keep the old ones after it, run this (again if it was
    interrupted: finished values are skipped), then remove the old keys."""
    from bot.store.keys import rotate, targets

    services = _services()
    if len(services.settings.encryption_keys) < 2:
        raise click.ClickException(
            "set MASHWARA_ENCRYPTION_KEY to the new key followed by the old one(s)")
    click.echo(f"Tables with encrypted fields: {', '.join(t.table.name for t in targets())}")
    changed = rotate(services.database, lambda table, n: click.echo(f"  {table}: +{n}"))
    from bot.audit import trail as audit

    with services.database.write() as db:
        audit.record(db, audit.cli_actor(), "keys.rotate", details={"values": changed})
    click.echo(f"{changed} values re-encrypted or re-indexed. The old keys can now be removed.")


@main.group()
def flows() -> None:
    """The conversation flows."""


@flows.command("check")
@click.option("--segments", is_flag=True, help="Print what each message costs in SMS.")
@click.option("--write-budgets", is_flag=True,
              help="Record today's SMS costs as the budgets (after a reviewed change).")
def flows_check(segments: bool, write_budgets: bool) -> None:
    """Check the flows, the keywords, that every language has every message, the SMS
    budget of each message and the glossary's words."""
    from bot import features
    from flows import cost
    from flows.check import problems

    features.install()
    if write_budgets:
        cost.write_budgets()
    if segments:
        _print_segments(cost.table(cost.budgets()["domains"]))
    found = problems()
    for problem in found:
        click.echo(f"- {problem}", err=True)
    if found:
        sys.exit(1)
    click.echo("Flows, keywords and translations are complete.")


def _print_segments(costs: dict[str, dict[str, int]]) -> None:
    from locales import LANGUAGES

    click.echo(f"{'message':40}" + "".join(f"{lang:>4}" for lang in LANGUAGES))
    for msgid, row in costs.items():
        click.echo(f"{msgid:40}" + "".join(f"{row.get(lang, '-'):>4}" for lang in LANGUAGES))


# Each feature's commands live in bot/cli/; imported here, last, to keep start-up
# of the core commands light and the feature modules free of CLI wiring.
from bot.cli.broadcasts import broadcasts  # noqa: E402
from bot.cli.channels import channels  # noqa: E402
from bot.cli.consultations import consultations  # noqa: E402
from bot.cli.contacts import contacts  # noqa: E402
from bot.cli.groups import groups  # noqa: E402
from bot.cli.meetings import meetings  # noqa: E402
from bot.cli.partners import partners, refer, revoke_referral  # noqa: E402
from bot.cli.recommendations import recommendations  # noqa: E402
from bot.cli.reports import reports  # noqa: E402
from bot.cli.telegram import telegram  # noqa: E402
from bot.cli.users import users  # noqa: E402

for group in (broadcasts, channels, consultations, contacts, groups, meetings, recommendations,
              reports, telegram, users):
    main.add_command(group)
main.add_command(partners)
reports.add_command(refer)
reports.add_command(revoke_referral)

from bot.cli.backup import backup, restore  # noqa: E402

main.add_command(backup)
main.add_command(restore)
