"""Each paced sender says when its request has been written to the provider, so that
pacing counts a send from then (bot/channels/wire.py), not from when its turn came."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.channels.base import OutboundMessage
from bot.channels.telegram.sender import TelegramSender
from bot.channels.twilio.sender import TwilioSender
from bot.channels.wire import ON_WIRE


@pytest.mark.parametrize("kind", ["telegram", "sms"])
def test_a_sender_says_when_its_request_is_on_the_wire(channel_settings, fake_telegram,
                                                       fake_twilio, kind):
    fake_telegram.latency = fake_twilio.latency = 0.3
    sender = (TelegramSender(channel_settings) if kind == "telegram"
              else TwilioSender(channel_settings))
    address = "8000001" if kind == "telegram" else "+93700000001"
    said: list[float] = []

    async def send():
        ON_WIRE.set(lambda: said.append(time.monotonic()))
        result = await sender.send(OutboundMessage(1, kind, address, "Hello"))
        if hasattr(sender, "aclose"):
            await sender.aclose()
        return result, time.monotonic()

    result, answered = asyncio.run(send())
    arrived = (fake_telegram if kind == "telegram" else fake_twilio).requests[-1].at
    assert result.verdict.name == "SENT"
    assert len(said) == 1
    # Written before the provider had it, and well before its answer came back.
    assert said[0] <= arrived + 0.01 and answered - said[0] >= 0.25
