"""`mashwara broadcasts test` (one send to a coordinator's phone first) and `report`."""

from __future__ import annotations

import sys

import click

from bot.broadcasts.hooks import RECIPIENT_COLUMNS, recipient_rows
from bot.broadcasts.runner import channels
from bot.cli.broadcast_options import load
from bot.cli.context import services as build_services
from bot.contacts.lookup import identify
from bot.core.clock import now
from bot.core.config import LANGUAGES
from bot.core.exports import write_csv
from bot.outbound.outbox import enqueue
from bot.store import Message
from locales import Translator, fallback_chain


def _text(texts: dict[str, str], language: str, default: str) -> str:
    chosen = next(lang for lang in fallback_chain(language, default) if lang in texts)
    return Translator(language, default)("broadcasts.test", text=texts[chosen])


def _default_channel(services) -> str:
    settings = services.settings
    return "sms" if settings.sms_enabled else "telegram" if settings.telegram_enabled else "sim"


@click.command("test")
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
        row = enqueue(db, identity, _text(texts, language, default), now=now(),
                      language=language)
        db.flush()
        message_id, identity_id = row.id, identity.id
    services.dispatcher.run_once(identity_id=identity_id)
    with services.database.read() as db:
        row = db.get(Message, message_id)
        status, error = row.status, row.error
    click.echo(f"Test message {message_id} on {channel}: {status}"
               + (f" ({error})" if error else ""))


@click.command("report")
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
