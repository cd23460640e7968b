"""Fixtures: the fake providers, and services whose channels point at them."""

from __future__ import annotations

import pytest

from bot.services import Services
from tests.builders import running, web_app
from tests.fakes.telegram import FakeTelegram
from tests.fakes.twilio import FakeTwilio

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "test-auth-token"
BOT_TOKEN = "123456:TEST-token"
WEBHOOK_SECRET = "test-webhook-secret"
PUBLIC_URL = "https://bot.example.org"
TWILIO_NUMBER = "+15005550006"


@pytest.fixture
def fake_telegram():
    server = FakeTelegram().start()
    yield server
    server.stop()


@pytest.fixture
def fake_twilio():
    server = FakeTwilio(ACCOUNT_SID, AUTH_TOKEN).start()
    yield server
    server.stop()


@pytest.fixture
def channel_settings(settings, fake_telegram, fake_twilio):
    return settings.with_overrides(
        public_url=PUBLIC_URL,
        telegram_bot_token=BOT_TOKEN, telegram_webhook_secret=WEBHOOK_SECRET,
        telegram_api_url=f"{fake_telegram.url}/bot",
        twilio_account_sid=ACCOUNT_SID, twilio_auth_token=AUTH_TOKEN,
        twilio_from=TWILIO_NUMBER, twilio_api_url=fake_twilio.url,
        # Pacing has its own tests; here it must not slow the suite down.
        telegram_rate=1000.0, telegram_chat_rate=1000.0, sms_rate=1000.0,
    )


@pytest.fixture
def channel_services(channel_settings):
    with running(channel_settings) as built:
        yield built


@pytest.fixture
def channel_client(channel_services):
    return web_app(channel_services).test_client()


@pytest.fixture
def down_client(channel_settings, tmp_path):
    """The app on a store that cannot be reached (a database file that cannot be opened)."""
    from bot.app import create_app

    services = Services(channel_settings.with_overrides(
        database_url=f"sqlite:///{tmp_path}/missing/dir/mashwara.db"))
    yield create_app(services=services).test_client()
    services.database.dispose()
