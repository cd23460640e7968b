"""Channel senders, looked up by channel name."""

from __future__ import annotations

from collections.abc import Callable

from bot.channels.base import Sender
from bot.channels.sim.sender import SimSender
from bot.channels.telegram.sender import factory as telegram_factory
from bot.channels.twilio.sender import factory as twilio_factory
from bot.core.config import Settings

# channel name -> factory; a factory returns None when its channel is not configured
FACTORIES: dict[str, Callable[[Settings], Sender | None]] = {
    "sim": lambda _settings: SimSender(),
    "telegram": telegram_factory,
    "sms": twilio_factory,
}


def senders(settings: Settings) -> dict[str, Sender]:
    built = {name: factory(settings) for name, factory in FACTORIES.items()}
    return {name: sender for name, sender in built.items() if sender is not None}
