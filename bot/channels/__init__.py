"""Channel senders, looked up by channel name."""

from __future__ import annotations

from collections.abc import Callable

from bot.config import Settings

from . import telegram, twilio
from .base import Sender
from .sim import SimSender

# channel name -> factory; a factory returns None when its channel is not configured
FACTORIES: dict[str, Callable[[Settings], Sender | None]] = {
    "sim": lambda _settings: SimSender(),
    "telegram": telegram.factory,
    "sms": twilio.factory,
}


def senders(settings: Settings) -> dict[str, Sender]:
    built = {name: factory(settings) for name, factory in FACTORIES.items()}
    return {name: sender for name, sender in built.items() if sender is not None}
