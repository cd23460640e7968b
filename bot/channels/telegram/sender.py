"""Telegram: one sendMessage per part of a message, through python-telegram-bot.

The calls travel as JSON bodies (the Bot API takes JSON for every method without a
file, and Mashwara sends none) on `bot.channels.http.Http`: urllib3 on a thread pool
costs a third of the CPU of python-telegram-bot's default httpx transport per message.

Choices become inline buttons whose callback data is the choice key (a press reads
like a typed reply); a text longer than Telegram's 4,096 characters goes as several
messages split on word boundaries, the buttons on the last. Errors become verdicts:
flood control waits the time Telegram asks, a blocked bot stops the address.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import warnings

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
from telegram.request import BaseRequest, HTTPXRequest, RequestData

from bot.channels import http
from bot.channels.base import OutboundMessage, Pace, SendResult
from bot.channels.split import split
from bot.core.config import Settings
from bot.text.render import Choice

# httpx logs each request's URL at INFO, and a Bot API URL holds the bot's token;
# python-telegram-bot logs the URL and every call's parameters (chat, text) at DEBUG.
logging.getLogger("httpx").setLevel(logging.WARNING)
logging.getLogger("telegram").setLevel(logging.INFO)

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


class PooledRequest(BaseRequest):
    """python-telegram-bot's transport for sending: JSON bodies on `http.Http`. Every
    call has the timeout given here."""

    def __init__(self, size: int, timeout: float):
        self._timeout = timeout
        self._http = http.Http(size, timeout, "telegram")

    @property
    def read_timeout(self) -> float:
        return self._timeout

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        self._http.close()

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         **_timeouts) -> tuple[int, bytes]:
        headers = {"User-Agent": self.USER_AGENT}
        body = None
        if request_data is not None and request_data.parameters:
            headers["Content-Type"] = "application/json"
            # The parameters as JSON values (`json_payload` would send reply_markup as
            # a string within the JSON: the form encoding's way, not the spec's).
            body = json.dumps(request_data.parameters).encode()
        try:
            answer = await self._http.request(method, url, body=body, headers=headers)
        except http.Timeout as error:
            raise TimedOut from error
        except http.HTTPError as error:
            raise NetworkError(f"urllib3.{type(error).__name__}") from error
        return answer.status, answer.data


def make_bot(settings: Settings, request: BaseRequest | None = None) -> Bot:
    """A bot for `settings`; its calls go through `request` (by default httpx, for the
    calls outside sending: setting the webhook, polling)."""
    # PTB appends the token to base_url, exactly as TELEGRAM_API_URL is documented.
    return Bot(settings.telegram_bot_token, base_url=settings.telegram_api_url,
               request=request or HTTPXRequest(), get_updates_request=HTTPXRequest(read_timeout=60))


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

    def __init__(self, settings: Settings, timeout: float = 15.0):
        self.settings = settings
        self.pace = Pace(settings.telegram_rate, per_address=settings.telegram_chat_rate)
        self._bot = make_bot(settings, PooledRequest(settings.dispatch_concurrency, timeout))

    def cost(self, message: OutboundMessage) -> int:
        return len(split(message.text))

    async def send(self, message: OutboundMessage) -> SendResult:
        bot = self._bot
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
        await self._bot.shutdown()


def factory(settings: Settings) -> TelegramSender | None:
    return TelegramSender(settings) if settings.telegram_enabled else None
