"""Telegram without a public address: long polling (getUpdates), and registering the
webhook when there is one. Updates go to the same handler as the webhook's."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable

from telegram.error import Conflict, RetryAfter, TelegramError

from bot.channels.telegram.sender import make_bot
from bot.core.config import Settings

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]
WEBHOOK_PATH = "/webhooks/telegram"
POLL_SECONDS = 30
PAUSE_SECONDS = 5.0

# update as a dict -> the Bot API call to make in answer (answerCallbackQuery), or None
Handler = Callable[[dict], dict | None]


async def set_webhook(settings: Settings) -> str:
    url = settings.public_url.rstrip("/") + WEBHOOK_PATH
    async with make_bot(settings) as bot:
        await bot.set_webhook(url, secret_token=settings.telegram_webhook_secret,
                              allowed_updates=ALLOWED_UPDATES)
    return url


async def poll(settings: Settings, handle: Handler, stop: threading.Event,
               poll_seconds: int = POLL_SECONDS) -> None:
    """Fetches updates until `stop` is set. An update is acknowledged (the offset
    moves past it) only once it has been handled, so a crash never loses one."""
    async with make_bot(settings) as bot:
        # Telegram refuses getUpdates while a webhook is set.
        await bot.delete_webhook()
        offset = None
        while not stop.is_set():
            try:
                updates = await bot.get_updates(offset=offset, timeout=poll_seconds,
                                                allowed_updates=ALLOWED_UPDATES)
            except RetryAfter as error:
                await _pause(stop, _seconds(error))
                continue
            except Conflict:
                log.error("another process is polling this bot or its webhook is set")
                await _pause(stop, PAUSE_SECONDS)
                continue
            except TelegramError as error:
                log.warning("getUpdates failed: %s", type(error).__name__)
                await _pause(stop, PAUSE_SECONDS)
                continue
            offset = await _handle_all(bot, updates, handle, offset, stop)


async def _handle_all(bot, updates, handle: Handler, offset, stop) -> int | None:
    for update in updates:
        try:
            answer = await asyncio.to_thread(handle, update.to_dict())
        except Exception:
            log.exception("telegram update %s not handled; fetching it again", update.update_id)
            await _pause(stop, PAUSE_SECONDS)
            return offset
        offset = update.update_id + 1
        if answer and answer.get("method") == "answerCallbackQuery":
            # Too late or already answered: only the spinner is at stake.
            with contextlib.suppress(TelegramError):
                await bot.answer_callback_query(answer["callback_query_id"])
    return offset


def _seconds(error: RetryAfter) -> float:
    from bot.channels.telegram.sender import verdict

    return verdict(error).retry_after or PAUSE_SECONDS


async def _pause(stop: threading.Event, seconds: float) -> None:
    await asyncio.to_thread(stop.wait, seconds)


def poll_in_thread(settings: Settings, handle: Handler) -> tuple[threading.Thread,
                                                                 threading.Event]:
    stop = threading.Event()

    def run():
        try:
            asyncio.run(poll(settings, handle, stop))
        except Exception:
            log.exception("telegram polling stopped")

    thread = threading.Thread(target=run, name="telegram-poll", daemon=True)
    thread.start()
    return thread, stop
