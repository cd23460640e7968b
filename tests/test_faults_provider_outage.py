"""A provider answering 500 and 429 (with Retry-After) for a minute, to a real
`mashwara worker`: every message is delivered once the provider recovers, exactly once
each, in order for each person. Both channels fail at the same time.

MASHWARA_FAULT_OUTAGE_SECONDS sets the outage: 60 for the full minute (about 85 s in
all). CI uses 20 s: with the worker's backoff of 5, 10, 20, 40 s every message is
still refused three times in a row, by 500s and by 429s with Retry-After, before the
provider recovers; the other 40 s would only be waiting, twice (once per backend), in
a CI that must stay under 15 minutes on two cores."""

from __future__ import annotations

import collections
import os
import time

import pytest
from sqlalchemy import func, select

from bot.core.clock import now
from bot.outbound.outbox import enqueue
from bot.store import Direction, Identity, Message, Status
from tests import faults
from tests.fakes.server import Fault

pytestmark = pytest.mark.faults
OUTAGE = float(os.environ.get("MASHWARA_FAULT_OUTAGE_SECONDS", "20"))
PEOPLE, EACH = 20, 5

TELEGRAM_DOWN = (
    Fault(500, {"ok": False, "error_code": 500, "description": "Internal Server Error"}),
    Fault(429, {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 3",
                "parameters": {"retry_after": 3}}),
)
TWILIO_DOWN = (
    Fault(500, {"code": 20500, "message": "Internal Server Error", "status": 500}),
    Fault(429, {"code": 20429, "message": "Too Many Requests", "status": 429},
          headers={"Retry-After": "3"}),
)


def queue_for(services, channel: str, addresses: list[str]) -> dict[str, list[str]]:
    faults.recipients(services, channel, addresses)
    texts = collections.defaultdict(list)
    with services.database.write() as db:
        for identity in db.scalars(select(Identity).where(Identity.channel == channel)):
            for n in range(EACH):
                text = f"part {n} for {identity.address}"
                enqueue(db, identity, text, now=now())
                texts[identity.address].append(text)
    return texts


def unsent(services) -> int:
    with services.database.read() as db:
        return db.scalar(select(func.count()).select_from(Message).where(
            Message.direction == Direction.OUT, Message.status != Status.SENT))


def test_a_minute_of_500s_and_429s_then_everything_in_order(
        channel_services, channel_settings, fake_telegram, fake_twilio, tmp_path):
    expected = {**queue_for(channel_services, "sms", [f"+9372{n:07d}" for n in range(PEOPLE)]),
                **queue_for(channel_services, "telegram", [str(8_500_000 + n)
                                                           for n in range(PEOPLE)])}
    fake_telegram.fail_for(OUTAGE, *TELEGRAM_DOWN)
    fake_twilio.fail_for(OUTAGE, *TWILIO_DOWN)
    started = time.monotonic()
    worker = faults.start(["worker"], faults.env(channel_settings, tmp_path), tmp_path,
                          tmp_path / "worker.log")
    try:
        faults.wait_for(lambda: unsent(channel_services) == 0, OUTAGE + 90,
                        "every message to leave after the outage")
    finally:
        faults.stop(worker)
    took = time.monotonic() - started

    seen = collections.defaultdict(list)
    for call in fake_twilio.sent():
        seen[call["To"]].append(call["Body"])
    for call in fake_telegram.sent():
        seen[str(call["chat_id"])].append(call["text"])
    refused = fake_telegram.refused + fake_twilio.refused
    print(f"\nProvider outage of {OUTAGE:.0f} s: {refused} requests refused (500/429),"
          f" all {2 * PEOPLE * EACH} messages delivered {took:.0f} s after the start")
    assert refused > 2 * PEOPLE  # every person's first message was refused at least once
    assert dict(seen) == expected  # each exactly once, in order per person
