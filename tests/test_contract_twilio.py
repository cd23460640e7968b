"""Contract: our real Twilio sender against a Prism mock of Twilio's published
OpenAPI spec (tests/specs/twilio_api_v2010.json). Any request-side violation fails.
Response-side ones are Twilio's own examples breaking their schema, and are ignored."""

from __future__ import annotations

import asyncio

import pytest

from bot.channels.base import OutboundMessage, Verdict
from bot.channels.twilio.sender import TwilioSender
from bot.text.render import Choice
from tests.fakes.prism import recorded_mock


@pytest.fixture(scope="module")
def twilio_mock():
    with recorded_mock("twilio_api_v2010.json") as proxy:
        yield proxy


MESSAGES = {
    "English from a number": ({}, "Your report R-7K3Q was received.", ()),
    "Dari with numbered choices": ({}, "آیا در جلسه شرکت می‌کنید؟",
                                   (Choice("1", "بلی"), Choice("2", "نخیر"))),
    "from a Messaging Service": ({"twilio_from": "MG" + "0" * 32}, "hello", ()),
    "without a status callback": ({"public_url": ""}, "hello", ()),
    "long, in several segments": ({}, "word " * 200, ()),
}


@pytest.mark.parametrize("overrides,text,choices", MESSAGES.values(), ids=MESSAGES.keys())
def test_outbound_sms_matches_twilios_spec(channel_settings, twilio_mock, overrides, text,
                                           choices):
    settings = channel_settings.with_overrides(twilio_api_url=twilio_mock.url, **overrides)
    sender = TwilioSender(settings)
    message = OutboundMessage(id=1, channel="sms", address="+93700123456", text=text,
                              choices=choices, language="fa")
    before = len(twilio_mock.answers)
    result = asyncio.run(sender.send(message))
    (answer,) = twilio_mock.answers[before:]
    assert answer.request_violations() == []
    assert answer.status == 201 and answer.path.endswith("/Messages.json")
    assert result.verdict is Verdict.SENT and result.external_id


def test_the_mock_does_report_a_request_that_breaks_the_spec(twilio_mock):
    """The check above can fail: a message without a recipient is a violation."""
    import requests

    response = requests.post(
        f"{twilio_mock.url}/2010-04-01/Accounts/AC{'0' * 32}/Messages.json",
        data={"Body": "hello", "From": "+15005550006"}, auth=("AC" + "0" * 32, "token"),
        timeout=30)
    assert response.status_code == 422
    assert twilio_mock.answers[-1].request_violations()
