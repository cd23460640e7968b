"""Each paced sender says when its request has been written to the provider, so that
pacing counts a send from then (bot/channels/wire.py), not from when its turn came."""

from __future__ import annotations

import asyncio
import socket
import time

import pytest

from bot.channels.base import OutboundMessage
from bot.channels.kannel.sender import KannelSender
from bot.channels.smsgate.sender import SmsGateSender
from bot.channels.table import ChannelConfig
from bot.channels.telegram.sender import TelegramSender
from bot.channels.twilio.sender import TwilioSender
from bot.channels.wire import ON_WIRE
from tests.fakes.sendsms import FakeSendsms
from tests.fakes.server import FakeServer


class FakeGateway(FakeServer):
    def answer(self, request):
        return 202, {"id": request.params.get("id"), "state": "Pending"}


@pytest.fixture
def local_sms():
    """A Kannel sendsms interface and an SMSGate API, each with its sender."""
    kannel, gateway = FakeSendsms().start(), FakeGateway().start()

    def config(kind, url):
        return ChannelConfig(kind=kind, name=kind, url=url, username="u", password="p",
                             secret="s" * 32, signing_key=None, sender=None, rate=1.0,
                             prefixes=(), enabled=True, state="up")

    yield {"kannel": (KannelSender(config("kannel", kannel.url + "/cgi-bin/sendsms"), ""),
                      kannel),
           "smsgate": (SmsGateSender(config("smsgate", gateway.url + "/3rdparty/v1"), ""),
                       gateway)}
    kannel.stop()
    gateway.stop()


@pytest.mark.parametrize("kind", ["telegram", "sms", "kannel", "smsgate"])
def test_a_sender_says_when_its_request_is_on_the_wire(channel_settings, fake_telegram,
                                                       fake_twilio, local_sms, kind):
    providers = {"telegram": (TelegramSender(channel_settings), fake_telegram),
                 "sms": (TwilioSender(channel_settings), fake_twilio), **local_sms}
    sender, provider = providers[kind]
    provider.latency = 0.3
    address = "8000001" if kind == "telegram" else "+93700000001"
    said: list[float] = []

    async def send():
        ON_WIRE.set(lambda: said.append(time.monotonic()))
        result = await sender.send(OutboundMessage(1, kind, address, "Hello"))
        await sender.aclose()
        return result, time.monotonic()

    result, answered = asyncio.run(send())
    assert result.verdict.name == "SENT"
    assert len(said) == 1
    # Said as the provider had it, and well before its answer came back.
    assert said[0] <= provider.requests[-1].at + 0.01 and answered - said[0] >= 0.25


def test_the_fake_provider_counts_a_request_from_when_it_arrived():
    """The rates the benchmarks and the shared-pacing test count at the fakes: a request
    that waited for the fake's handler (a busy machine) still counts from its arrival."""
    provider = FakeGateway()  # not serving yet: the kernel queues the connection
    client = socket.create_connection(provider.server_address)
    client.sendall(b"POST /3rdparty/v1/message HTTP/1.1\r\nHost: fake\r\n"
                   b"Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
    sent = time.monotonic()
    time.sleep(0.3)
    provider.start()
    try:
        assert client.recv(100).startswith(b"HTTP/1.1 202")
        assert abs(provider.requests[-1].at - sent) < 0.05
    finally:
        client.close()
        provider.stop()
