"""Channel senders, looked up by channel name."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.exc import DBAPIError

from bot.channels import table
from bot.channels.base import Sender
from bot.channels.kannel.sender import build as build_kannel
from bot.channels.sim.sender import SimSender
from bot.channels.smsgate.sender import build as build_smsgate
from bot.channels.telegram.sender import factory as telegram_factory
from bot.channels.twilio.sender import factory as twilio_factory
from bot.core.config import Settings
from bot.core.db import Database

log = logging.getLogger(__name__)

# channel name -> factory; a factory returns None when its channel is not configured
FACTORIES: dict[str, Callable[[Settings], Sender | None]] = {
    "sim": lambda _settings: SimSender(),
    "telegram": telegram_factory,
    "sms": twilio_factory,
}


# The simulator and Telegram's Bot API say that a message was sent, never that it arrived:
# "sent" is as far as a message on these goes, so no delivery rate is made of them.
WITHOUT_DELIVERY_REPORTS = frozenset({"sim", "telegram"})


# kind -> builder of a sender for one row of the `channels` table
KINDS: dict[str, Callable[[table.ChannelConfig, str], Sender]] = {
    "kannel": build_kannel,
    "smsgate": build_smsgate,
}


def senders(settings: Settings, database: Database | None = None) -> dict[str, Sender]:
    """The environment's senders, and one for each enabled channel of the table (each
    with its own pace: the dispatcher keeps a pacer per channel name)."""
    built = {name: factory(settings) for name, factory in FACTORIES.items()}
    for config in _table_channels(database):
        if config.kind in KINDS:
            built[config.name] = KINDS[config.kind](config, settings.public_url)
    return {name: sender for name, sender in built.items() if sender is not None}


def _table_channels(database: Database | None) -> list[table.ChannelConfig]:
    if database is None:
        return []
    try:
        return table.all_channels(database, enabled_only=True)
    except DBAPIError:  # a store not yet migrated: the environment's channels only
        log.warning("the channels table cannot be read; table channels are not sending")
        return []
