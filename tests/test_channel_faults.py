"""Faults: the provider failing for a while, and the worker killed mid-queue. Every
message arrives; none is sent twice once the provider has acknowledged it; messages
to one person arrive in order."""

from __future__ import annotations

import collections
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select, update

from bot.core.clock import now
from bot.outbound.outbox import enqueue
from bot.store import Direction, Identity, Message, Status
from tests.builders import make_contact
from tests.conftest import TEST_KEY

ROOT = Path(__file__).resolve().parent.parent


def queue_for(services, channel, addresses, per_person):
    """Queues `per_person` numbered messages for each address; their texts, in order."""
    texts = collections.defaultdict(list)
    for address in addresses:
        _, identity_id, _ = make_contact(services, channel=channel, address=address)
        with services.database.write() as db:
            identity = db.get(Identity, identity_id)
            for n in range(per_person):
                text = f"message {n} for {address}"
                enqueue(db, identity, text, now=now())
                texts[address].append(text)
    return texts


def fast_forward(services) -> None:
    """Makes every retry due now (the backoff is tested elsewhere)."""
    with services.database.write() as db:
        db.execute(update(Message).where(Message.status == Status.QUEUED)
                   .values(next_attempt_at=now()))


def drain_through_faults(services, rounds=200) -> None:
    for _ in range(rounds):
        services.dispatcher.run_once()
        fast_forward(services)
        with services.database.read() as db:
            left = db.scalar(select(Message.id).where(
                Message.direction == Direction.OUT,
                Message.status.in_((Status.QUEUED, Status.SENDING))).limit(1))
        if left is None:
            return
    raise AssertionError("messages still queued")


def by_person(calls, address_key, text_key):
    seen = collections.defaultdict(list)
    for call in calls:
        seen[str(call[address_key])].append(call[text_key])
    return seen


def test_telegram_failing_for_a_while_then_recovering(channel_services, fake_telegram):
    chats = [str(7_100_000 + n) for n in range(4)]
    texts = queue_for(channel_services, "telegram", chats, per_person=5)
    fake_telegram.fail(3, status=500, body={"ok": False, "error_code": 500,
                                            "description": "Internal Server Error"})
    fake_telegram.fail(2, status=429, body={"ok": False, "error_code": 429, "description":
                                            "Too Many Requests: retry after 1",
                                            "parameters": {"retry_after": 1}})
    fake_telegram.fail(2, drop=True)
    fake_telegram.fail(1, status=502, body={"ok": False, "error_code": 502,
                                            "description": "Bad Gateway"})
    drain_through_faults(channel_services)
    assert by_person(fake_telegram.sent(), "chat_id", "text") == texts  # once each, in order


def test_twilio_failing_for_a_while_then_recovering(channel_services, fake_twilio):
    phones = [f"+9370020000{n}" for n in range(4)]
    texts = queue_for(channel_services, "sms", phones, per_person=5)
    fake_twilio.fail(3, status=503, body={"code": 20503, "message": "Service Unavailable",
                                          "status": 503})
    fake_twilio.fail(2, status=429, body={"code": 20429, "message": "Too Many Requests",
                                          "status": 429})
    fake_twilio.fail(2, drop=True)
    drain_through_faults(channel_services)
    assert by_person(fake_twilio.sent(), "To", "Body") == texts


def test_a_worker_killed_mid_queue_loses_nothing(channel_services, channel_settings,
                                                 fake_telegram, tmp_path):
    chats = [str(7_200_000 + n) for n in range(30)]
    texts = queue_for(channel_services, "telegram", chats, per_person=2)
    fake_telegram.latency = 0.2
    worker = subprocess.Popen(
        [sys.executable, "-c", "from bot.cli.main import main; main()", "worker"],
        cwd=tmp_path, env=_worker_env(channel_settings, tmp_path),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(lambda: _count_sent(channel_services) >= 5)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    with channel_services.database.read() as db:
        acknowledged = {m.text for m in db.scalars(select(Message).where(
            Message.status == Status.SENT))}
    assert acknowledged, "the worker was killed before it recorded anything"
    assert len(acknowledged) < 60, "the worker finished before it was killed"

    channel_services.dispatcher.release_stale(dt.timedelta(0))  # what the leader does later
    drain_through_faults(channel_services)

    delivered = collections.Counter(call["text"] for call in fake_telegram.sent())
    assert set(delivered) == {t for person in texts.values() for t in person}
    twice = {text for text, times in delivered.items() if times > 1}
    assert not (twice & acknowledged), "a message the provider acknowledged went again"
    for person, sent in by_person(fake_telegram.sent(), "chat_id", "text").items():
        assert sorted(set(sent), key=sent.index) == texts[person]


def _count_sent(services) -> int:
    with services.database.read() as db:
        return len(db.scalars(select(Message.id).where(Message.status == Status.SENT)).all())


def _worker_env(settings, tmp_path) -> dict:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "MASHWARA_DATABASE_URL": settings.database_url,
        "MASHWARA_ENCRYPTION_KEY": TEST_KEY,
        "MASHWARA_INSTANCE_DIR": str(tmp_path / "instance"),
        "TELEGRAM_BOT_TOKEN": settings.telegram_bot_token,
        "TELEGRAM_API_URL": settings.telegram_api_url,
        "MASHWARA_TELEGRAM_RATE": "1000",
        "MASHWARA_TELEGRAM_CHAT_RATE": "1000",
    }


def _wait_for(condition, timeout=60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)
