"""`mashwara channels add|list|show|test|disable|enable|remove`: SMS channels as data."""

from __future__ import annotations

import click

from bot.channels import table
from bot.cli.context import services as _services
from bot.contacts.lookup import identify
from bot.core.clock import now
from bot.outbound.notify import translator
from bot.outbound.outbox import enqueue
from bot.store import Message, Status


@click.group()
def channels() -> None:
    """SMS channels besides the environment's Telegram and Twilio: Kannel links to an
    operator, Android phones running SMS Gateway. The worker picks up a change when it
    starts again."""


def _ready():
    services = _services()
    services.upgrade()
    return services


def _fail(error: table.ChannelError):
    raise click.ClickException(str(error)) from None


def _get(services, name: str) -> table.ChannelConfig:
    try:
        return table.get(services.database, name)
    except table.ChannelError as error:
        _fail(error)


@channels.command("add")
@click.argument("kind", type=click.Choice(table.KINDS))
@click.argument("name")
@click.option("--url", required=True, help="Where Mashwara sends: smsbox's sendsms URL "
              "(http://HOST:13013/cgi-bin/sendsms), or the gateway's API.")
@click.option("--username", help="The sendsms user (kannel.conf `sendsms-user`).")
@click.option("--password", help="Its password; kept encrypted.")
@click.option("--from", "sender", help="Sender number or id the messages carry.")
@click.option("--rate", type=float, default=1.0, show_default=True,
              help="SMS segments per second this channel may send.")
@click.option("--prefixes", multiple=True,
              help="Number prefixes this channel takes (+9370 ...); repeat or separate "
                   "with commas.")
@click.option("--signing-key", help="smsgate: the app's webhook signing key (Settings > "
              "Webhooks); without it one is made, to type into the app.")
def add(kind, name, url, username, password, sender, rate, prefixes, signing_key) -> None:
    """Add channel NAME of KIND (kannel or smsgate)."""
    services = _ready()
    flat = tuple(p.strip() for given in prefixes for p in given.split(",") if p.strip())
    try:
        config = table.add(services.database, kind, name, url, username=username,
                           password=password, sender=sender, rate=rate, prefixes=flat,
                           signing_key=signing_key, at=now())
    except table.ChannelError as error:
        _fail(error)
    click.echo(f"Channel {config.name} added ({config.kind}, {config.rate:g} SMS/s).")
    _show(services, config)
    if config.kind == "smsgate":
        _register(services, config)


@channels.command("register")
@click.argument("name")
def register(name: str) -> None:
    """smsgate: register the channel's webhooks with the gateway again."""
    services = _ready()
    config = _get(services, name)
    if config.kind != "smsgate":
        raise click.ClickException("only smsgate channels have webhooks to register")
    _register(services, config)


def _register(services, config: table.ChannelConfig) -> None:
    import httpx

    from bot.channels.smsgate.sender import register_webhooks

    if not services.settings.public_url:
        raise click.ClickException("set MASHWARA_PUBLIC_URL, then `mashwara channels "
                                   f"register {config.name}`")
    try:
        count = register_webhooks(config, services.settings.public_url)
    except httpx.HTTPError as error:
        raise click.ClickException(
            f"the gateway did not take the webhooks ({type(error).__name__}); check --url "
            f"and the credentials, then `mashwara channels register {config.name}`") from None
    click.echo(f"{count} webhooks registered with the gateway.")


@channels.command("list")
def list_channels() -> None:
    """Every channel: kind, state, pace, prefixes."""
    services = _ready()
    rows = table.all_channels(services.database)
    if not rows:
        click.echo("No channels in the table (Telegram and Twilio come from the environment).")
    for config in rows:
        state = config.state if config.enabled else "disabled"
        click.echo(f"{config.name:<16} {config.kind:<8} {state:<9} {config.rate:g}/s  "
                   f"{' '.join(config.prefixes) or 'all numbers'}")


@channels.command("show")
@click.argument("name")
def show(name: str) -> None:
    """The channel's inbound URLs (and, for Kannel, the sms-service group)."""
    services = _ready()
    config = _get(services, name)
    click.echo(f"{config.name}: {config.kind}, sends to {config.url}, "
               f"{config.rate:g} SMS/s, {'enabled' if config.enabled else 'disabled'}")
    _show(services, config)


def _show(services, config: table.ChannelConfig) -> None:
    public = services.settings.public_url
    if not public:
        click.echo("Set MASHWARA_PUBLIC_URL (the address the gateway reaches Mashwara on) "
                   "to see the inbound URLs.", err=True)
        return
    click.echo("Inbound URLs (keep them secret: the long part is the channel's key):")
    for purpose, url in table.inbound_urls(config, public).items():
        click.echo(f"  {purpose}: {url}")
    if config.kind == "kannel":
        click.echo("\nPaste into kannel.conf:\n")
        click.echo(table.kannel_service_group(config, public))
    if config.kind == "smsgate":
        click.echo(f"\nIn the app, Settings > Webhooks > Signing Key: {config.signing_key}")


@channels.command("test")
@click.argument("name")
@click.argument("phone")
def test(name: str, phone: str) -> None:
    """Send one test message to PHONE through channel NAME, now."""
    services = _ready()
    config = _get(services, name)
    with services.database.write() as db:
        identity = identify(db, config.name, phone, now())
        say = translator(identity.contact, services.settings)
        message_id = enqueue(db, identity, say("channels.test", channel=config.name),
                             now=now(), language=say.language)
        identity_id = identity.id
    if config.name not in services.dispatcher.senders:
        raise click.ClickException(f"{name} cannot send (disabled, or a kind not sending yet)")
    services.dispatcher.run_once([config.name], identity_id=identity_id)
    with services.database.read() as db:
        row = db.get(Message, message_id)
        status, error = row.status, row.error
    services.dispatcher.close()
    if status != Status.SENT:
        raise click.ClickException(f"not sent ({status}): {error or 'no answer'}")
    click.echo(f"Sent through {name}.")


@channels.command("disable")
@click.argument("name")
def disable(name: str) -> None:
    """Stop sending through NAME (its messages wait until it is enabled again)."""
    try:
        table.set_enabled(_ready().database, name, False)
    except table.ChannelError as error:
        _fail(error)
    click.echo(f"{name} disabled.")


@channels.command("enable")
@click.argument("name")
def enable(name: str) -> None:
    """Send through NAME again."""
    try:
        table.set_enabled(_ready().database, name, True)
    except table.ChannelError as error:
        _fail(error)
    click.echo(f"{name} enabled.")


@channels.command("remove")
@click.argument("name")
@click.confirmation_option(prompt="Remove this channel? Its history stays.")
def remove(name: str) -> None:
    """Remove NAME (its people and messages stay)."""
    try:
        table.remove(_ready().database, name)
    except table.ChannelError as error:
        _fail(error)
    click.echo(f"{name} removed.")
