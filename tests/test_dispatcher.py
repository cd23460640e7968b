import asyncio
import datetime as dt
import threading

from sqlalchemy import select

from bot.channels.base import OutboundMessage, SendResult
from bot.core.clock import now
from bot.outbound.outbox import enqueue
from bot.pipeline.dispatcher import Dispatcher
from bot.pipeline.receipts import record_receipt
from bot.store import Identity, Message, Priority, Status
from tests.builders import make_contact


class Recorder:
    """A sender that records what it was given and answers as told."""

    channel = "sim"

    def __init__(self, answer=None):
        self.sent = []
        self.answer = answer or (lambda message: SendResult.sent(f"x-{message.id}"))
        self.lock = threading.Lock()

    async def send(self, message):
        with self.lock:
            self.sent.append(message)
        await asyncio.sleep(0)
        return self.answer(message)


def queue(services, identity_id, texts, priority=Priority.CONVERSATION):
    with services.database.write() as db:
        identity = db.get(Identity, identity_id)
        return [enqueue(db, identity, t, now=now(), priority=priority) for t in texts]


def statuses(services):
    with services.database.read() as db:
        return {m.id: m for m in db.scalars(select(Message))}


def test_messages_to_one_person_leave_in_order_one_at_a_time(services, settings):
    _, identity_id, address = make_contact(services)
    queue(services, identity_id, ["one", "two", "three"])
    sender = Recorder()
    dispatcher = Dispatcher(services.database, {"sim": sender}, settings)
    while dispatcher.run_once():
        pass
    assert [m.text for m in sender.sent] == ["one", "two", "three"]
    assert all(m.address == address for m in sender.sent)


def test_two_dispatchers_never_send_a_row_twice(services, settings):
    ids = []
    for _ in range(30):
        _, identity_id, _ = make_contact(services)
        ids += queue(services, identity_id, ["hello"])
    sender = Recorder()
    dispatchers = [Dispatcher(services.database, {"sim": sender}, settings) for _ in range(2)]

    def drain(dispatcher):
        while dispatcher.run_once():
            pass

    threads = [threading.Thread(target=drain, args=(d,)) for d in dispatchers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(m.id for m in sender.sent) == sorted(ids)


def test_conversation_replies_go_before_bulk(services, settings):
    _, first, _ = make_contact(services)
    _, second, _ = make_contact(services)
    queue(services, first, ["bulk"], priority=Priority.BULK)
    queue(services, second, ["reply"])
    sender = Recorder()
    Dispatcher(services.database, {"sim": sender},
               settings.with_overrides(dispatch_batch=1)).run_once()
    assert [m.text for m in sender.sent] == ["reply"]


def test_a_temporary_failure_is_retried_later_honouring_retry_after(services, settings):
    _, identity_id, _ = make_contact(services)
    (message_id,) = queue(services, identity_id, ["hello"])
    sender = Recorder(lambda m: SendResult.retry("429", retry_after=120, code="429"))
    dispatcher = Dispatcher(services.database, {"sim": sender}, settings)
    dispatcher.run_once()
    row = statuses(services)[message_id]
    assert row.status == Status.QUEUED and row.attempts == 1
    assert row.next_attempt_at >= now() + dt.timedelta(seconds=115)
    assert dispatcher.run_once() == 0  # not due yet


def test_too_many_temporary_failures_end_as_failed(services, settings):
    _, identity_id, _ = make_contact(services)
    (message_id,) = queue(services, identity_id, ["hello"])
    sender = Recorder(lambda m: SendResult.retry("timeout"))
    dispatcher = Dispatcher(services.database, {"sim": sender}, settings.with_overrides(
        max_attempts=2))
    for _ in range(2):
        dispatcher.run_once()
        with services.database.write() as db:
            db.get(Message, message_id).next_attempt_at = now()
    assert statuses(services)[message_id].status == Status.FAILED


def test_a_recipient_who_stopped_us_is_marked(services, settings):
    _, identity_id, _ = make_contact(services)
    queue(services, identity_id, ["hello"])
    sender = Recorder(lambda m: SendResult.stopped("blocked", code="403"))
    Dispatcher(services.database, {"sim": sender}, settings).run_once()
    with services.database.read() as db:
        assert db.get(Identity, identity_id).stopped_at is not None


def test_a_sender_exception_does_not_lose_the_message(services, settings):
    _, identity_id, _ = make_contact(services)
    (message_id,) = queue(services, identity_id, ["hello"])

    def explode(_message):
        raise ConnectionError("network down")

    Dispatcher(services.database, {"sim": Recorder(explode)}, settings).run_once()
    row = statuses(services)[message_id]
    assert row.status == Status.QUEUED and "network down" in row.error


def test_rows_claimed_by_a_dead_dispatcher_are_released(services, settings):
    _, identity_id, _ = make_contact(services)
    (message_id,) = queue(services, identity_id, ["hello"])
    dispatcher = Dispatcher(services.database, {"sim": Recorder()}, settings)
    assert len(dispatcher.claim(10)) == 1  # and then the process dies
    assert dispatcher.release_stale(dt.timedelta(minutes=5)) == 0
    with services.database.write() as db:
        db.get(Message, message_id).claimed_at = now() - dt.timedelta(minutes=10)
    assert dispatcher.release_stale(dt.timedelta(minutes=5)) == 1
    assert dispatcher.run_once() == 1


def test_a_reply_does_not_wait_for_that_persons_queued_broadcast_row(services, settings):
    _, identity_id, _ = make_contact(services)
    queue(services, identity_id, ["announcement"], priority=Priority.BULK)
    queue(services, identity_id, ["reply one", "reply two"])
    sender = Recorder()
    dispatcher = Dispatcher(services.database, {"sim": sender},
                            settings.with_overrides(dispatch_batch=1))
    while dispatcher.run_once():
        pass
    assert [m.text for m in sender.sent] == ["reply one", "reply two", "announcement"]


def test_a_busy_store_does_not_lose_a_verdict(services, settings, monkeypatch):
    from sqlalchemy.exc import OperationalError

    import bot.pipeline.dispatcher

    _, identity_id, _ = make_contact(services)
    (message_id,) = queue(services, identity_id, ["hello"])
    sender = Recorder()
    dispatcher = Dispatcher(services.database, {"sim": sender}, settings)
    real, attempts = dispatcher.record, []

    def busy_twice(outcomes):
        attempts.append(1)
        if len(attempts) < 3:
            raise OperationalError("UPDATE", {}, Exception("database is locked"))
        real(outcomes)

    monkeypatch.setattr(dispatcher, "record", busy_twice)
    monkeypatch.setattr(bot.pipeline.dispatcher, "RECORD_RETRIES", (0, 0, 0))
    dispatcher.run_once()
    assert len(sender.sent) == 1 and len(attempts) == 3
    assert statuses(services)[message_id].status == Status.SENT


def _while_a_report_holds(services, message_id, report, then):
    """Runs `then` in a thread while `report` (applied to the row, locked) is not yet
    committed, as a delivery report's request would be; returns once both are done."""
    with services.database.write() as db:
        row = db.scalars(select(Message).where(Message.id == message_id)
                         .with_for_update()).one()
        report(row)
        db.flush()
        worker = threading.Thread(target=then)
        worker.start()
        worker.join(0.5)  # `then` is now waiting for the row
    worker.join()


def test_a_delivery_report_committed_while_the_verdict_is_recorded_is_kept(services, settings):
    _, identity_id, address = make_contact(services)
    [message_id] = queue(services, identity_id, ["hello"])
    dispatcher = Dispatcher(services.database, {"sim": Recorder()}, settings)
    with services.database.write() as db:
        db.get(Message, message_id).status = Status.SENDING
    message = OutboundMessage(id=message_id, channel="sim", address=address, text="hello")

    def delivered(row):
        row.status, row.external_id = Status.DELIVERED, f"x-{message_id}"

    _while_a_report_holds(services, message_id, delivered, lambda: dispatcher.record(
        [(message, SendResult.sent(f"x-{message_id}"))]))
    assert statuses(services)[message_id].status == Status.DELIVERED


def test_two_reports_for_one_message_at_once_both_count(services):
    """Kannel's "sent by the SMSC" and "delivered" reports come together, both naming our
    id before the dispatcher has recorded the provider's acceptance."""
    _, identity_id, _ = make_contact(services)
    [message_id] = queue(services, identity_id, ["hello"])
    with services.database.write() as db:
        db.get(Message, message_id).status = Status.SENDING

    def smsc_took_it(row):  # what the first report does to the row
        row.status, row.external_id = Status.SENT, f"k{message_id}"

    _while_a_report_holds(services, message_id, smsc_took_it, lambda: record_receipt(
        services.database, "sim", f"k{message_id}", Status.DELIVERED, None, now(),
        message_id=message_id))
    assert statuses(services)[message_id].status == Status.DELIVERED
