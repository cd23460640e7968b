"""Broadcasts end to end with a frozen clock: the worker's tick fires and fans out,
the existing dispatcher sends through the simulator (and a recording SMS sender)."""

import datetime as dt

import pytest
from sqlalchemy import select, update

from bot.broadcasts import control, runner
from bot.channels import FACTORIES
from bot.channels.base import SendResult
from bot.contacts.erasure import erase_contact
from bot.core.clock import now
from bot.outbound.outbox import enqueue
from bot.store import (
    Broadcast,
    BroadcastRun,
    BroadcastStatus,
    Contact,
    Identity,
    Message,
    RunStatus,
    Status,
)
from tests.broadcasting import at, outbox, schedule
from tests.builders import make_contact

START = at("2026-11-23 06:00")  # 10:30 in Kabul, a Monday


class FakeSms:
    """Stands in for Twilio: records what it was given and says it was sent."""

    channel = "sms"

    def __init__(self):
        self.sent = []

    async def send(self, message):
        self.sent.append(message)
        return SendResult.sent(f"SM{message.id}")


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


@pytest.fixture
def sms(monkeypatch):
    fake = FakeSms()
    monkeypatch.setitem(FACTORIES, "sms", lambda _settings: fake)
    return fake


def drain(services) -> int:
    sent = 0
    while done := services.dispatcher.run_once():
        sent += done
    return sent


def counts(services, broadcast_id):
    with services.database.read() as db:
        return control.counts(db, control.run_ids(db, broadcast_id))


def status(services, broadcast_id):
    with services.database.read() as db:
        return db.get(Broadcast, broadcast_id).status


def test_an_immediate_broadcast_reaches_everyone_once(services, clock):
    for _ in range(3):
        make_contact(services)
    broadcast_id = schedule(services)
    assert runner.tick(services)["fired"] == 1
    assert runner.tick(services)["fired"] == 0
    assert drain(services) == 3
    assert counts(services, broadcast_id).sent == 3
    runner.tick(services)
    assert status(services, broadcast_id) == BroadcastStatus.DONE


def test_a_scheduled_broadcast_waits_for_its_time(services, clock):
    make_contact(services)
    broadcast_id = schedule(services, send_at=START + dt.timedelta(hours=2))
    runner.tick(services)
    assert outbox(services) == [] and drain(services) == 0
    clock.move_to(START + dt.timedelta(hours=2), tick=False)
    runner.tick(services)
    assert drain(services) == 1
    assert counts(services, broadcast_id).sent == 1


def test_a_recurring_broadcast_fires_each_week_until_its_end(services, clock):
    contact_id, _, _ = make_contact(services)
    broadcast_id = schedule(services, send_at=START, recurrence="weekly", weekdays=(0, 3),
                            ends_at=START + dt.timedelta(days=8))
    for day in range(10):
        clock.move_to(START + dt.timedelta(days=day, minutes=1), tick=False)
        runner.tick(services)
        drain(services)
        runner.tick(services)
    fired = [m.created_at for m in outbox(services)]
    assert fired == [START + dt.timedelta(days=d, minutes=1) for d in (0, 3, 7)]
    assert {m.contact_id for m in outbox(services)} == {contact_id}
    assert status(services, broadcast_id) == BroadcastStatus.DONE


def test_two_workers_claiming_the_same_occurrence_make_one_run(services, clock):
    make_contact(services)
    broadcast_id = schedule(services)
    with services.database.read() as db:
        fire_at = db.get(Broadcast, broadcast_id).next_fire_at
    first = runner.claim(services, broadcast_id, fire_at)
    second = runner.claim(services, broadcast_id, fire_at)
    assert first is not None and second is None


def test_quiet_hours_hold_sms_until_morning_but_not_telegram_or_sim(services, clock, sms):
    clock.move_to(at("2026-11-23 17:45"), tick=False)  # 22:15 in Kabul
    make_contact(services, channel="sms")
    make_contact(services, channel="sim")
    schedule(services, quiet=("21:00", "07:00"))
    runner.tick(services)
    assert drain(services) == 1 and sms.sent == []
    clock.move_to(at("2026-11-24 02:29"), tick=False)  # 06:59
    runner.tick(services)
    assert drain(services) == 0
    clock.move_to(at("2026-11-24 02:30"), tick=False)  # 07:00 in Kabul
    runner.tick(services)
    assert drain(services) == 1 and len(sms.sent) == 1


def test_a_held_sms_does_not_hold_up_a_reply_to_the_same_person(services, clock, sms):
    clock.move_to(at("2026-11-23 17:45"), tick=False)  # 22:15 in Kabul
    _, identity_id, _ = make_contact(services, channel="sms")
    schedule(services, quiet=("21:00", "07:00"))
    runner.tick(services)
    with services.database.write() as db:
        enqueue(db, db.get(Identity, identity_id), "Your report R-7K3Q is received.",
                now=now())
    assert drain(services) == 1
    assert [m.text for m in sms.sent] == ["Your report R-7K3Q is received."]


def test_sms_still_queued_when_quiet_hours_begin_waits(services, clock, sms):
    clock.move_to(at("2026-11-23 16:25"), tick=False)  # 20:55 in Kabul
    make_contact(services, channel="sms")
    schedule(services, quiet=("21:00", "07:00"))
    runner.fire_due(services)  # fanned out, but the dispatcher has not got to it
    clock.move_to(at("2026-11-23 16:31"), tick=False)  # 21:01
    runner.tick(services)
    assert drain(services) == 0 and sms.sent == []
    (row,) = outbox(services)
    assert (row.status, row.next_attempt_at) == (Status.WAITING, at("2026-11-24 02:30"))


def test_pause_holds_resume_sends_and_cancel_drops(services, clock):
    for _ in range(4):
        make_contact(services)
    broadcast_id = schedule(services)
    runner.tick(services)
    services.dispatcher.settings = services.settings.with_overrides(dispatch_batch=1)
    assert services.dispatcher.run_once() == 1
    with services.database.write() as db:
        assert control.pause(db, db.get(Broadcast, broadcast_id)) == 3
    assert drain(services) == 0
    runner.tick(services)
    assert status(services, broadcast_id) == BroadcastStatus.PAUSED
    with services.database.write() as db:
        assert control.resume(db, db.get(Broadcast, broadcast_id), now()) == 3
    assert services.dispatcher.run_once() == 1
    with services.database.write() as db:
        assert control.cancel(db, db.get(Broadcast, broadcast_id), now()) == 2
    assert drain(services) == 0
    c = counts(services, broadcast_id)
    assert (c.sent, c.cancelled, c.queued) == (2, 2, 0)
    with services.database.read() as db:
        assert db.get(Broadcast, broadcast_id).next_fire_at is None


def test_a_pause_during_fan_out_holds_the_chunks_still_to_come(services, clock):
    for _ in range(6):
        make_contact(services)
    broadcast_id = schedule(services)

    def pause_after_first_chunk(done, total):
        if done == 2:
            with services.database.write() as db:
                control.pause(db, db.get(Broadcast, broadcast_id))

    from tests.broadcasting import fire

    fire(services, broadcast_id, channels=("sim",), chunk=2, progress=pause_after_first_chunk)
    assert sorted(m.status for m in outbox(services)) == [Status.PAUSED] * 6
    with services.database.read() as db:
        run = db.scalars(select(BroadcastRun)).one()
        assert run.status == RunStatus.PAUSED and run.fanned_out_at is not None


def test_someone_who_sends_stop_mid_broadcast_gets_nothing_more(services, clock):
    stays, _, _ = make_contact(services)
    leaves, _, _ = make_contact(services)
    broadcast_id = schedule(services)
    runner.fire_due(services)
    with services.database.write() as db:
        db.get(Contact, leaves).stopped_at = now()
    runner.tick(services)
    drain(services)
    sent = {m.contact_id for m in outbox(services) if m.status == Status.SENT}
    assert sent == {stays}
    assert counts(services, broadcast_id).stopped == 1


def test_an_erased_person_gets_no_queued_broadcast(services, clock):
    contact_id, _, _ = make_contact(services)
    runner.fire_due(services, only=schedule(services))
    with services.database.write() as db:
        erase_contact(db, db.get(Contact, contact_id))
    assert drain(services) == 0
    assert [m.status for m in outbox(services)] == [Status.CANCELLED]


def test_delivery_receipts_and_failures_show_in_the_counts(services, clock, sms):
    for _ in range(4):
        make_contact(services, channel="sms")
    broadcast_id = schedule(services, quiet=None)
    runner.tick(services)
    drain(services)
    ids = [m.id for m in outbox(services)]
    with services.database.write() as db:  # as the status callbacks will record them
        db.execute(update(Message).where(Message.id.in_(ids[:2])).values(status="delivered"))
        db.execute(update(Message).where(Message.id == ids[2]).values(status="undelivered"))
    c = counts(services, broadcast_id)
    assert (c.delivered, c.failed, c.sent, c.total) == (2, 1, 1, 4)
    assert c.segments == 3 * outbox(services)[0].segments


def test_the_worker_fires_due_broadcasts_from_its_tick(services, clock):
    from bot.worker import Worker

    make_contact(services)
    broadcast_id = schedule(services)
    Worker(services).run_ticks()
    assert drain(services) == 1
    assert counts(services, broadcast_id).sent == 1


def test_a_worker_killed_mid_broadcast_and_restarted_sends_once_to_everyone(services, clock):
    contacts = {make_contact(services)[0] for _ in range(7)}
    broadcast_id = schedule(services)

    class Killed(Exception):
        pass

    def die_half_way(done, total):
        if done >= 3:
            raise Killed

    from tests.broadcasting import fire

    with pytest.raises(Killed):  # killed while writing the outbox ...
        fire(services, broadcast_id, channels=("sim",), chunk=3, progress=die_half_way)
    claimed = services.dispatcher.claim(2)  # ... and again holding two messages
    assert len(claimed) == 2
    clock.move_to(START + dt.timedelta(minutes=10), tick=False)
    runner.tick(services)  # the restarted worker: finishes the fan-out
    assert services.dispatcher.release_stale(dt.timedelta(minutes=5)) == 2
    drain(services)
    rows = outbox(services)
    assert sorted(m.contact_id for m in rows) == sorted(contacts)
    assert {m.status for m in rows} == {Status.SENT}
    runner.tick(services)
    assert status(services, broadcast_id) == BroadcastStatus.DONE
