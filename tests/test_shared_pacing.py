"""Three real `mashwara worker` processes on PostgreSQL send one broadcast together,
through the fake Twilio and the fake Bot API. Counted where the providers count, at the
fake servers in any one second: together they never exceed a channel's cap nor one
chat's. How close together they come to the cap is printed: on a quiet machine near
0.96 of it; on a machine whose cores are all busy the store answers slowly, a send
that could not keep to its slot gives it up, and the figure falls (never the cap)."""

from __future__ import annotations

import bisect

import pytest
from sqlalchemy import select

from bot.core.clock import now
from bot.core.crypto import keyring
from bot.outbound.outbox import enqueue
from bot.store import Identity, Message, Status
from tests import faults
from tests.broadcasting import schedule

pytestmark = [pytest.mark.slow, pytest.mark.postgresql_only]
WORKERS = 3
TELEGRAM_CAP, SMS_CAP, CHAT_CAP = 30, 20, 1
PEOPLE = {"telegram": 240, "sms": 160}  # eight seconds of sending each, at the caps
ONE_CHAT_MESSAGES = 6


def most_in_any_second(arrivals: list[float], units: list[int] | None = None) -> float:
    """The most units that arrived within any one second (sliding), at the provider."""
    order = sorted(range(len(arrivals)), key=arrivals.__getitem__)
    at = [arrivals[i] for i in order]
    cost = [units[i] if units else 1 for i in order]
    return max(sum(cost[i:bisect.bisect_left(at, at[i] + 1.0)]) for i in range(len(at)))


def rate(arrivals: list[float], units: list[int] | None = None) -> float:
    """Units per second while sending, the last arrival's units not yet paid for."""
    order = sorted(range(len(arrivals)), key=arrivals.__getitem__)
    total = sum(units[i] if units else 1 for i in order[:-1])
    return total / (arrivals[order[-1]] - arrivals[order[0]])


def sent_count(services) -> int:
    with services.database.read() as db:
        return len(db.scalars(select(Message.id).where(Message.status == Status.SENT)).all())


def test_three_workers_together_hold_each_cap_and_reach_it(channel_services, channel_settings,
                                                           fake_telegram, fake_twilio,
                                                           tmp_path):
    phones = [f"+9372{n:07d}" for n in range(PEOPLE["sms"])]
    chats = [str(7_000_000 + n) for n in range(PEOPLE["telegram"])]
    faults.recipients(channel_services, "sms", phones)
    faults.recipients(channel_services, "telegram", chats)
    with channel_services.database.write() as db:
        busy_chat = db.scalars(select(Identity).where(
            Identity.address_index == keyring().blind_index(chats[0]))).one()
        for n in range(ONE_CHAT_MESSAGES):
            enqueue(db, busy_chat, f"Reply {n}", now=now())
    schedule(channel_services, texts={"en": "Shura meeting Monday 10:00."})
    expected = sum(PEOPLE.values()) + ONE_CHAT_MESSAGES
    environment = faults.env(channel_settings, tmp_path, MASHWARA_TELEGRAM_RATE=str(TELEGRAM_CAP),
                             MASHWARA_SMS_RATE=str(SMS_CAP),
                             MASHWARA_TELEGRAM_CHAT_RATE=str(CHAT_CAP),
                             MASHWARA_SHARED_PACING="true")
    workers = [faults.start(["worker"], environment, tmp_path, tmp_path / f"worker{n}.log")
               for n in range(WORKERS)]
    try:
        faults.wait_for(lambda: sent_count(channel_services) == expected, 120,
                        "the broadcast to be sent")
    finally:
        for worker in workers:
            faults.stop(worker)

    telegram = fake_telegram.calls("sendMessage")
    sms = [r for r in fake_twilio.requests if r.path.endswith("/Messages.json")]
    assert len(telegram) == PEOPLE["telegram"] + ONE_CHAT_MESSAGES and len(sms) == PEOPLE["sms"]
    sms_units = [1] * len(sms)  # one segment each: the text is short
    one_chat = [r.at for r in telegram if str(r.params["chat_id"]) == chats[0]]
    figures = {"telegram": (most_in_any_second([r.at for r in telegram]),
                            rate([r.at for r in telegram]), TELEGRAM_CAP),
               "sms": (most_in_any_second([r.at for r in sms], sms_units),
                       rate([r.at for r in sms], sms_units), SMS_CAP)}
    print(f"\n{WORKERS} workers: " + "; ".join(
        f"{name}: at most {most:g} in a second, {got:.1f}/s, {got / cap:.2f} of the cap {cap}"
        for name, (most, got, cap) in figures.items())
        + f"; one chat: at most {most_in_any_second(one_chat):g} in a second")
    for _name, (most, _got, cap) in figures.items():
        assert most <= cap
    assert len(one_chat) == 1 + ONE_CHAT_MESSAGES
    assert most_in_any_second(one_chat) <= CHAT_CAP
