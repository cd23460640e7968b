"""Contract: our real Telegram sender against a Prism mock of the Bot API's OpenAPI
spec (tests/specs/telegram_botapi_8.2.mock.json, see tests/specs/README.md)."""

from __future__ import annotations

import asyncio
import threading

import pytest

from bot.channels.base import OutboundMessage, Verdict
from bot.channels.telegram.sender import TelegramSender
from bot.text.render import Choice
from tests.fakes.prism import RecordingProxy, start_prism


@pytest.fixture(scope="module")
def telegram_mock():
    process, url = start_prism("telegram_botapi_8.2.mock.json")
    proxy = RecordingProxy(url, strip=r"^/bot[^/]+")
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    yield proxy
    proxy.shutdown()
    process.terminate()
    process.wait(timeout=10)


MESSAGES = {
    "plain text": ("Your report R-7K3Q was received.", ()),
    "Dari with buttons": ("آیا در جلسه شرکت می‌کنید؟", (Choice("1", "بلی"), Choice("2", "نخیر"))),
    "long text in parts": ("کلمه " * 1000, (Choice("#", "More"),)),
}


@pytest.mark.parametrize("text,choices", MESSAGES.values(), ids=MESSAGES.keys())
def test_outbound_messages_match_the_bot_api_spec(channel_settings, telegram_mock, text,
                                                  choices):
    settings = channel_settings.with_overrides(telegram_api_url=f"{telegram_mock.url}/bot")
    sender = TelegramSender(settings)
    message = OutboundMessage(id=1, channel="telegram", address="7001234", text=text,
                              choices=choices)
    before = len(telegram_mock.answers)

    async def go():
        try:
            return await sender.send(message)
        finally:
            await sender.aclose()

    result = asyncio.run(go())
    answers = telegram_mock.answers[before:]
    assert answers and all(a.path == "/sendMessage" for a in answers)
    assert [a.request_violations() for a in answers] == [[] for _ in answers]
    assert [a.violations for a in answers] == [[] for _ in answers]
    assert result.verdict is Verdict.SENT


def test_the_mock_does_report_a_request_that_breaks_the_spec(telegram_mock):
    import requests

    requests.post(f"{telegram_mock.url}/bot123:abc/sendMessage", json={"text": "no chat"},
                  timeout=30)
    assert telegram_mock.answers[-1].request_violations()
