"""Telegram: one sendMessage per part of a message, through python-telegram-bot.

Choices become inline buttons whose callback data is the choice key (a press reads
like a typed reply); a text longer than Telegram's 4,096 characters goes as several
messages split on word boundaries, the buttons on the last. Errors become verdicts:
flood control waits the time Telegram asks, a blocked bot stops the address.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import warnings
import weakref

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import HTTPXRequest

from bot.channels.base import OutboundMessage, Pace, SendResult
from bot.channels.split import split
from bot.channels.wire import EVENT_HOOKS
from bot.core.config import Settings
from bot.text.render import Choice

# httpx logs each request's URL at INFO, and a Bot API URL holds the bot's token.
logging.getLogger("httpx").setLevel(logging.WARNING)

# Telegram refuses an empty text; a message that is only buttons gets this.
EMPTY = "\u2026"
CALLBACK_DATA_BYTES = 64


def keyboard(choices: tuple[Choice, ...]) -> InlineKeyboardMarkup | None:
    if not choices:
        return None
    for choice in choices:
        if len(choice.key.encode()) > CALLBACK_DATA_BYTES:
            raise ValueError(f"choice key over {CALLBACK_DATA_BYTES} bytes")
    # One button per row: labels are sentences in five languages, read on small screens.
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(c.label, callback_data=c.key)] for c in choices]
    )


def make_bot(settings: Settings, pool: int = 8, timeout: float = 15.0,
             request_class: type[HTTPXRequest] = HTTPXRequest) -> Bot:
    request = request_class(connection_pool_size=pool, read_timeout=timeout,
                            write_timeout=timeout, connect_timeout=timeout, pool_timeout=60,
                            httpx_kwargs={"event_hooks": EVENT_HOOKS})
    # PTB appends the token to base_url, exactly as TELEGRAM_API_URL is documented.
    return Bot(settings.telegram_bot_token, base_url=settings.telegram_api_url,
               request=request, get_updates_request=HTTPXRequest(read_timeout=60))


def verdict(error: TelegramError) -> SendResult:
    if isinstance(error, RetryAfter):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wait = error.retry_after
        seconds = wait.total_seconds() if isinstance(wait, dt.timedelta) else float(wait)
        return SendResult.retry(str(error), retry_after=seconds, code="429")
    if isinstance(error, Forbidden):
        return SendResult.stopped(str(error), code="403")
    if isinstance(error, TimedOut):
        return SendResult.retry(str(error), code="timeout")
    if isinstance(error, InvalidToken):
        # A configuration fault, not this message's: keep it until the token is fixed.
        return SendResult.retry(str(error), code="401")
    if isinstance(error, BadRequest | ChatMigrated):
        return SendResult.failed(str(error), code="400")
    if isinstance(error, NetworkError):  # 5xx and connection failures
        return SendResult.retry(str(error), code="5xx")
    return SendResult.failed(str(error), code=type(error).__name__)


class TelegramSender:
    channel = "telegram"

    def __init__(self, settings: Settings, timeout: float = 15.0,
                 request_class: type[HTTPXRequest] = HTTPXRequest):
        self.settings = settings
        self.timeout = timeout
        self.request_class = request_class
        self.pace = Pace(settings.telegram_rate, per_address=settings.telegram_chat_rate)
        # A bot's HTTP client belongs to the event loop it was made on.
        self._bots: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def _bot(self) -> Bot:
        loop = asyncio.get_running_loop()
        bot = self._bots.get(loop)
        if bot is None:
            bot = self._bots[loop] = make_bot(self.settings, self.settings.dispatch_concurrency,
                                                   self.timeout, self.request_class)
        return bot

    def cost(self, message: OutboundMessage) -> int:
        return len(split(message.text))

    async def send(self, message: OutboundMessage) -> SendResult:
        bot = self._bot()
        parts = split(message.text) or [EMPTY]
        try:
            markup = keyboard(message.choices)
        except ValueError as error:
            return SendResult.failed(str(error), code="callback_data")
        try:
            for number, part in enumerate(parts, start=1):
                last = number == len(parts)
                sent = await bot.send_message(int(message.address), part,
                                              reply_markup=markup if last else None)
        except TelegramError as error:
            return verdict(error)
        # message_id is unique only within a chat; our row id makes it unique here.
        return SendResult.sent(f"out-{message.id}-{sent.message_id}")

    async def aclose(self) -> None:
        bot = self._bots.pop(asyncio.get_running_loop(), None)
        if bot is not None:
            await bot.shutdown()


def factory(settings: Settings) -> TelegramSender | None:
    return TelegramSender(settings) if settings.telegram_enabled else None
