"""Long polling and webhook registration against the fake Bot API."""

from __future__ import annotations

import asyncio
import threading
import time

from sqlalchemy import select

from bot.channels.telegram.poll import ALLOWED_UPDATES, poll, set_webhook
from bot.cli.telegram import handler
from bot.store import Direction, Message
from tests.fakes.fixtures import PUBLIC_URL, WEBHOOK_SECRET
from tests.fakes.payloads import tg_callback, tg_text

CHAT = 7_400_001


def texts_in(services):
    with services.database.read() as db:
        return [m.text for m in db.scalars(select(Message).where(
            Message.direction == Direction.IN).order_by(Message.id))]


def polling(services, stop):
    return threading.Thread(target=lambda: asyncio.run(
        poll(services.settings, handler(services), stop, poll_seconds=1)), daemon=True)


def wait_until(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_polling_feeds_the_inbox_and_acknowledges_only_handled_updates(
        channel_services, fake_telegram):
    press = tg_callback(CHAT, "1")
    fake_telegram.updates = [tg_text(CHAT, "hello"), press]
    stop = threading.Event()
    thread = polling(channel_services, stop)
    thread.start()
    try:
        wait_until(lambda: len(fake_telegram.calls("answerCallbackQuery")) == 1)
        wait_until(lambda: len(fake_telegram.calls("getUpdates")) >= 3)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert fake_telegram.calls("deleteWebhook")
    assert texts_in(channel_services) == ["hello", "1"]
    offsets = [c.params.get("offset") for c in fake_telegram.calls("getUpdates")]
    assert str(press["update_id"] + 1) in offsets
    (answer,) = fake_telegram.calls("answerCallbackQuery")
    assert answer.params["callback_query_id"] == press["callback_query"]["id"]


def test_an_update_is_fetched_again_while_the_store_is_down(channel_services, fake_telegram,
                                                            monkeypatch):
    from webhooks.telegram import handle_update

    calls = []

    def flaky(data):
        calls.append(data["update_id"])
        if len(calls) == 1:
            raise RuntimeError("store down")
        return handle_update(channel_services, data)

    update = tg_text(CHAT, "hello")
    fake_telegram.updates = [update]
    stop = threading.Event()
    monkeypatch.setattr("bot.channels.telegram.poll.PAUSE_SECONDS", 0.1)
    thread = threading.Thread(target=lambda: asyncio.run(
        poll(channel_services.settings, flaky, stop, poll_seconds=1)), daemon=True)
    thread.start()
    try:
        wait_until(lambda: texts_in(channel_services) == ["hello"])
    finally:
        stop.set()
        thread.join(timeout=10)
    assert calls[:2] == [update["update_id"]] * 2


def test_set_webhook_registers_the_public_url_with_secret_and_updates(
        channel_settings, fake_telegram):
    url = asyncio.run(set_webhook(channel_settings))
    assert url == PUBLIC_URL + "/webhooks/telegram"
    hook = fake_telegram.webhook
    assert hook["url"] == url and hook["secret_token"] == WEBHOOK_SECRET
    assert hook["allowed_updates"] in (ALLOWED_UPDATES, str(ALLOWED_UPDATES).replace("'", '"'))
