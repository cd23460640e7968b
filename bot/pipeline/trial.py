"""One test message through one channel, sent now: what `channels test`, the channel's
dashboard page and its API route do to show that a link works."""

from __future__ import annotations

from dataclasses import dataclass

from bot.channels import KINDS
from bot.channels.table import ChannelConfig, ChannelError
from bot.contacts.lookup import identify
from bot.core.clock import now
from bot.core.config import Settings
from bot.core.db import Database
from bot.outbound.notify import translator
from bot.outbound.outbox import enqueue
from bot.pipeline.dispatcher import Dispatcher
from bot.store import Message, Status


@dataclass(frozen=True)
class Trial:
    message_id: int
    sent: bool
    status: str
    error: str | None


def send_test(database: Database, settings: Settings, config: ChannelConfig,
              phone: str) -> Trial:
    """Queued at conversation priority to PHONE (in their language when they are known)
    and sent at once by a dispatcher of this channel alone: one message, so the worker's
    pace is not at stake. The message stays in the log like any other."""
    if not config.enabled or config.kind not in KINDS:
        raise ChannelError(f"{config.name} is disabled; enable it first", "name")
    with database.write() as db:
        identity = identify(db, config.name, phone, now())
        say = translator(identity.contact, settings)
        message_id = enqueue(db, identity, say("channels.test", channel=config.name),
                             now=now(), language=say.language)
        identity_id = identity.id
    dispatcher = Dispatcher(database, {config.name: KINDS[config.kind](
        config, settings.public_url)}, settings)
    try:
        dispatcher.run_once([config.name], identity_id=identity_id)
    finally:
        dispatcher.close()
    with database.read() as db:
        row = db.get(Message, message_id)
        return Trial(message_id, row.status == Status.SENT, row.status, row.error)
