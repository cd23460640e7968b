"""The worker killed with SIGKILL in the middle of a 5,000-recipient broadcast (2,500 by
SMS through the fake Twilio, 2,500 on Telegram through the fake Bot API), then started
again: everyone gets the announcement, and duplicates are at most the messages that
were on the wire (claimed, no verdict recorded) when the worker died."""

from __future__ import annotations

import collections
import datetime as dt

import pytest
from sqlalchemy import func, select

from bot.store import Message, Status
from tests import faults
from tests.broadcasting import schedule

pytestmark = pytest.mark.faults
PEOPLE = 2500  # per channel


def statuses(services) -> dict[str, int]:
    with services.database.read() as db:
        return dict(db.execute(select(Message.status, func.count()).where(
            Message.broadcast_run_id.is_not(None)).group_by(Message.status)).all())


def test_sigkill_mid_broadcast_then_restart(channel_services, channel_settings, fake_telegram,
                                           fake_twilio, tmp_path):
    phones = [f"+9371{n:07d}" for n in range(PEOPLE)]
    chats = [str(8_000_000 + n) for n in range(PEOPLE)]
    faults.recipients(channel_services, "sms", phones)
    faults.recipients(channel_services, "telegram", chats)
    schedule(channel_services, texts={"en": "Shura meeting Monday 10:00."})
    fake_telegram.latency = fake_twilio.latency = 0.01
    # Larger claims than the default 100, so that the suite stays short on two cores.
    environment = faults.env(channel_settings, tmp_path, MASHWARA_DISPATCH_BATCH="250")
    log = tmp_path / "worker.log"

    worker = faults.start(["worker"], environment, tmp_path, log)
    try:
        faults.wait_for(lambda: statuses(channel_services).get(Status.SENT, 0) >= 1500, 90,
                        "a third of the broadcast to be sent")
    finally:
        faults.kill(worker)
    at_kill = statuses(channel_services)
    in_flight = at_kill.get(Status.SENDING, 0)
    assert at_kill.get(Status.SENT, 0) < 2 * PEOPLE, "the worker finished before the kill"

    # What the leader's release-stale tick does five minutes later (rows claimed by a
    # worker that died); the dead worker holds nothing any more.
    channel_services.dispatcher.release_stale(dt.timedelta(0))
    worker = faults.start(["worker"], environment, tmp_path, log)
    try:
        faults.wait_for(lambda: set(statuses(channel_services)) == {Status.SENT}
                        and sum(statuses(channel_services).values()) == 2 * PEOPLE, 100,
                        "every message to be sent after the restart")
    finally:
        faults.stop(worker)

    # A request the kill cut short arrives without its fields: not a delivery.
    deliveries = collections.Counter(
        [call["To"] for call in fake_twilio.sent() if "To" in call]
        + [str(call["chat_id"]) for call in fake_telegram.sent() if "chat_id" in call])
    assert set(deliveries) == set(phones) | set(chats)  # everyone got it
    duplicates = sum(deliveries.values()) - 2 * PEOPLE
    print(f"\nSIGKILL at {at_kill}: {in_flight} in flight, {duplicates} duplicate(s)"
          f" among {2 * PEOPLE} recipients")
    assert duplicates <= in_flight
