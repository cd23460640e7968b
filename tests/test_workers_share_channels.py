"""Three `mashwara worker` processes on one store send a broadcast through the fake
Telegram and Twilio servers, each channel by the one worker holding its lease: counted
at the provider, no one-second window holds more than a channel's cap (overall, and to
one Telegram chat), everyone gets the broadcast exactly once, and when the holder of a
channel is killed another worker takes the channel over."""

from __future__ import annotations

import bisect
import collections
import subprocess

import pytest
from sqlalchemy import func, select

from bot.core.clock import now
from bot.core.crypto import keyring
from bot.outbound.outbox import enqueue
from bot.store import Identity, Lease, Message, Priority, Status
from tests import faults
from tests.broadcasting import schedule
from tests.fakes.fixtures import ACCOUNT_SID, AUTH_TOKEN, BOT_TOKEN, TWILIO_NUMBER
from tests.fakes.serve import remote

pytestmark = [pytest.mark.faults, pytest.mark.postgresql_only]
TELEGRAM_CAP, CHAT_CAP, SMS_CAP = 30, 1, 40
# About six seconds of sending on each channel at its cap.
CHATS, PHONES = 180, 240
# A chat that also has these queued messages of its own, paced at one a second.
BUSY_CHAT, OWN_MESSAGES = "7999999", 4
WORKERS = 3


def most_in_one_second(times: list[float]) -> int:
    times = sorted(times)
    return max((bisect.bisect_left(times, at + 1.0) - i for i, at in enumerate(times)),
               default=0)


def statuses(services) -> dict[str, int]:
    with services.database.read() as db:
        return dict(db.execute(select(Message.status, func.count())
                               .group_by(Message.status)).all())


def holders(services) -> dict[str, str]:
    with services.database.read() as db:
        return {lease.name: lease.holder for lease in db.scalars(
            select(Lease).where(Lease.name.like("send:%"), Lease.expires_at > now()))}


def setup_broadcast(services) -> tuple[list[str], list[str]]:
    phones = [f"+9372{n:07d}" for n in range(PHONES)]
    chats = [str(7_000_000 + n) for n in range(CHATS)]
    faults.recipients(services, "sms", phones)
    faults.recipients(services, "telegram", [*chats, BUSY_CHAT])
    with services.database.write() as db:
        busy = db.scalar(select(Identity).where(
            Identity.address_index == keyring().blind_index(BUSY_CHAT)))
        for n in range(OWN_MESSAGES):
            enqueue(db, busy, f"Your question {n} was received.", now=now(),
                    priority=Priority.BULK)
    schedule(services, texts={"en": "Shura meeting Monday 10:00."})
    return phones, [*chats, BUSY_CHAT]


@pytest.fixture
def providers(settings):
    """The fake Telegram and Twilio, each in a process of its own, so that the arrival
    times they record are not held up by this process's threads."""
    with remote("telegram", 0.05) as telegram, \
            remote("twilio", 0.05, ACCOUNT_SID, AUTH_TOKEN) as twilio:
        yield telegram, twilio, settings.with_overrides(
            telegram_bot_token=BOT_TOKEN, telegram_api_url=f"{telegram.url}/bot",
            twilio_account_sid=ACCOUNT_SID, twilio_auth_token=AUTH_TOKEN,
            twilio_from=TWILIO_NUMBER, twilio_api_url=twilio.url)


def start_workers(settings, tmp_path) -> list[subprocess.Popen]:
    environment = faults.env(
        settings, tmp_path, MASHWARA_TELEGRAM_RATE=str(TELEGRAM_CAP),
        MASHWARA_TELEGRAM_CHAT_RATE=str(CHAT_CAP), MASHWARA_SMS_RATE=str(SMS_CAP))
    return [faults.start(["worker"], environment, tmp_path, tmp_path / f"worker{n}.log")
            for n in range(WORKERS)]


def arrivals(providers) -> dict[str, list[dict]]:
    """What each provider took, with its arrival time; a request that a kill cut
    short arrives without its fields and is not a delivery."""
    telegram, twilio, _ = providers
    return {"telegram": [r for r in telegram.recorded("/sendMessage") if "chat_id" in r["params"]],
            "sms": [r for r in twilio.recorded("/Messages.json") if "To" in r["params"]]}


def everyone_sent(services, total: int) -> bool:
    counts = statuses(services)
    return set(counts) == {Status.SENT} and counts[Status.SENT] == total


def assert_within_caps(seen: dict[str, list[dict]]) -> None:
    assert most_in_one_second([r["at"] for r in seen["telegram"]]) <= TELEGRAM_CAP
    assert most_in_one_second([r["at"] for r in seen["sms"]]) <= SMS_CAP
    busy = [r["at"] for r in seen["telegram"] if str(r["params"]["chat_id"]) == BUSY_CHAT]
    # Each at least once (exactly once, but for a send a killed holder had in flight).
    assert len(busy) >= OWN_MESSAGES + 1
    assert most_in_one_second(busy) <= CHAT_CAP


def deliveries(seen: dict[str, list[dict]]) -> collections.Counter:
    return collections.Counter([r["params"]["To"] for r in seen["sms"]]
                               + [str(r["params"]["chat_id"]) for r in seen["telegram"]])


@pytest.fixture
def sending(services, providers, tmp_path):
    """The broadcast queued and three workers started; they are stopped afterwards."""
    phones, chats = setup_broadcast(services)
    workers = start_workers(providers[2], tmp_path)
    yield set(phones) | set(chats), PHONES + len(chats) + OWN_MESSAGES, workers
    for worker in workers:
        faults.stop(worker)


def test_three_workers_hold_each_cap_together_and_send_once(services, providers, sending):
    everyone, total, _ = sending
    faults.wait_for(lambda: everyone_sent(services, total), 120, "every message to be sent")
    seen = arrivals(providers)
    assert_within_caps(seen)
    got = deliveries(seen)
    assert set(got) == everyone
    assert got[BUSY_CHAT] == OWN_MESSAGES + 1
    assert sum(got.values()) == total  # nobody twice


def test_a_killed_holder_hands_its_channel_to_another_worker(services, providers, sending):
    everyone, total, workers = sending
    faults.wait_for(lambda: len(arrivals(providers)["telegram"]) >= 40,
                    90, "a good part of the Telegram broadcast")
    holder = holders(services)["send:telegram"]
    faults.kill(next(w for w in workers if f":{w.pid}:" in holder))
    in_flight = statuses(services).get(Status.SENDING, 0)
    # Well before the five minutes after which stale claims are released anyway.
    faults.wait_for(lambda: everyone_sent(services, total), 60,
                    "another worker to finish the broadcast")
    assert holders(services).get("send:telegram", holder) != holder
    seen = arrivals(providers)
    assert_within_caps(seen)
    got = deliveries(seen)
    assert set(got) == everyone
    duplicates = sum(got.values()) - total
    print(f"\nkilled the Telegram holder with {in_flight} claimed: {duplicates} duplicate(s)")
    assert duplicates <= in_flight
