"""`mashwara telegram set-webhook` and `mashwara telegram poll`."""

from __future__ import annotations

import asyncio
import re
import signal
import threading

import click

from bot.core import config
from bot.services import Services

SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


def _services() -> Services:
    try:
        services = Services(config.load())
    except config.ConfigError as error:
        raise click.ClickException(str(error)) from None
    if not services.settings.telegram_enabled:
        raise click.ClickException("TELEGRAM_BOT_TOKEN is not set: the Telegram channel is off.")
    return services


def handler(services: Services):
    """The webhook's update handler, for polling (the CLI wires webhooks to bot)."""
    from webhooks.telegram import handle_update

    return lambda data: handle_update(services, data)


@click.group()
def telegram() -> None:
    """The Telegram bot: webhook registration, or long polling."""


@telegram.command("set-webhook")
def set_webhook() -> None:
    """Tell Telegram to send updates to MASHWARA_PUBLIC_URL/webhooks/telegram, signed
    with TELEGRAM_WEBHOOK_SECRET."""
    from bot.channels.telegram.poll import set_webhook as register

    settings = _services().settings
    if not settings.public_url.startswith("https://"):
        raise click.ClickException("MASHWARA_PUBLIC_URL must be the bot's public https:// "
                                   "address; without one, use `mashwara telegram poll`.")
    if not SECRET.match(settings.telegram_webhook_secret):
        raise click.ClickException(
            "TELEGRAM_WEBHOOK_SECRET must be 1-256 letters, digits, _ or -; make one with "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'")
    url = asyncio.run(register(settings))
    click.echo(f"Telegram will send updates to {url}")


@telegram.command()
def poll() -> None:
    """Fetch updates by long polling (no public address needed; removes the webhook).
    Run `mashwara worker` beside it to send the replies."""
    from bot.channels.telegram.poll import poll as fetch

    services = _services()
    services.upgrade()
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    click.echo("Polling Telegram for updates (Ctrl+C to stop).")
    asyncio.run(fetch(services.settings, handler(services), stop))
