import threading

import pytest
from sqlalchemy import func, select

from bot.contacts.lookup import identify
from bot.core.clock import now
from bot.store import Contact, ConversationSession, Direction, Identity, Message, Status
from flows.engine import FLOWS
from tests import faults
from tests.builders import chat, inbound, make_contact, phone


def count(services, *where) -> int:
    with services.database.read() as db:
        return db.scalar(select(func.count()).select_from(Message).where(*where))


def test_a_duplicate_delivery_is_acknowledged_and_not_processed_again(services):
    message = inbound("hello", external_id="SM123")
    first = services.inbox.receive(message)
    again = services.inbox.receive(message)
    assert not first.duplicate and again.duplicate
    assert count(services, Message.direction == Direction.IN) == 1
    assert count(services, Message.direction == Direction.OUT) == 1


def test_the_same_provider_id_on_another_channel_is_a_different_message(services):
    services.inbox.receive(inbound("hello", channel="sim", external_id="42"))
    receipt = services.inbox.receive(inbound("hello", channel="other", external_id="42"))
    assert not receipt.duplicate


def test_two_messages_at_once_from_one_person_leave_a_consistent_session(services):
    """Each answer is taken against the session left by the one before it."""
    address = phone()
    services.inbox.receive(inbound("hi", address=address))
    barrier = threading.Barrier(2)
    errors = []

    def send(text):
        try:
            barrier.wait()
            services.inbox.receive(inbound(text, address=address))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=send, args=(t,)) for t in ("1", "1")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with services.database.read() as db:
        session = db.scalars(select(ConversationSession)).one()
    # language answered by one message, consent by the other: now at the name question
    assert session.flow == "registration" and session.state["step"] == 2
    assert count(services, Message.status == Status.HANDLED) == 3


@pytest.mark.postgresql_only
def test_a_new_number_written_from_twice_at_once_is_one_person(services):
    """Two first messages at once: the one that finds the number taken drops the contact
    it had made, and answers as the person the other made."""
    address, made, release = phone(), threading.Event(), threading.Event()

    def first_message():  # its transaction made the person, and has not committed yet
        with services.database.write() as db:
            identify(db, "sim", address, now())
            made.set()
            release.wait(30)

    first = threading.Thread(target=first_message)
    first.start()
    assert made.wait(30)
    second = threading.Thread(target=services.inbox.receive, args=(inbound("hi", address=address),))
    second.start()
    while not faults.waiting_on_a_lock(services):  # on the number's unique index
        assert second.is_alive()
    release.set()
    first.join(30)
    second.join(30)
    with services.database.read() as db:
        assert db.scalar(select(func.count()).select_from(Contact)) == 1
        identity = db.scalars(select(Identity)).one()
        replied = db.scalar(select(func.count()).select_from(Message).where(
            Message.direction == Direction.OUT, Message.identity_id == identity.id))
    assert replied == 1


BAD_INPUTS = {
    "empty": "",
    "very long": "word " * 1000,
    "only emoji": "🙂🙂🙂",
    "mixed scripts": "Kabul کابل ٣ abc",
    "bidi controls": "\u202e\u2066Amina\u2069",
    "NUL byte": "Am\x00ina",
    "persian digits where a name is expected": "۱۲۳",
    "lone surrogate-like junk": "\ufffd\ufffd",
}


@pytest.mark.parametrize("text", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_gets_a_reply_and_keeps_the_session(services, text):
    person = chat(services)
    person.say("hi")
    person.say("1")
    person.say("1")  # now asked for a name
    replies = person.say(text)
    assert replies, "every message gets an answer"
    with services.database.read() as db:
        session = db.scalars(select(ConversationSession)).one()
    assert session.flow == "registration" and session.state["step"] in (2, 3)
    assert count(services, Message.status == Status.ERRORED) == 0


def test_a_failing_flow_apologises_and_keeps_the_message(services, monkeypatch):
    _, _, address = make_contact(services)

    def broken(*_args):
        raise RuntimeError("bug")

    monkeypatch.setattr(FLOWS["menu"], "start", broken)
    person = chat(services, address=address)
    assert person.say("what?") == ["Sorry, something went wrong. Please send your message again."]
    with services.database.read() as db:
        errored = db.scalars(select(Message).where(Message.status == Status.ERRORED)).one()
    assert errored.text == "what?"


def test_an_unprocessed_message_is_picked_up_by_the_worker(services):
    from bot.pipeline.housekeeping import retry_inbound

    receipt = services.inbox.record(inbound("hi"))
    with services.database.write() as db:
        row = db.get(Message, receipt.message_id)
        row.created_at = row.created_at.replace(year=2020)
    assert retry_inbound(services) == 1
    assert count(services, Message.status == Status.HANDLED) == 1


def test_an_alert_destination_writing_back_is_logged_not_answered(services):
    from bot.store import Contact, ContactStatus

    contact_id, _, address = make_contact(services, registered=False)
    with services.database.write() as db:
        db.get(Contact, contact_id).status = ContactStatus.STAFF
    assert chat(services, address=address).say("hello?") == []
    with services.database.read() as db:
        assert db.get(Contact, contact_id).status == ContactStatus.STAFF
    assert count(services, Message.direction == Direction.IN) == 1


def test_a_report_answer_is_not_kept_when_processing_fails(services, monkeypatch):
    _, _, address = make_contact(services)
    person = chat(services, address=address)
    person.say("report")
    monkeypatch.setattr(FLOWS["report"], "resume", lambda *_: 1 / 0)
    assert person.say("they took my brother") == [
        "Sorry, something went wrong. Please send your message again."]
    with services.database.read() as db:
        errored = db.scalars(select(Message).where(Message.status == Status.ERRORED)).one()
    assert errored.text is None


def test_a_failing_flow_on_a_message_handled_later_apologises_and_keeps_it(
        services, monkeypatch):
    _, _, address = make_contact(services)
    receipt = services.inbox.record(inbound("what?", address=address))
    monkeypatch.setattr(FLOWS["menu"], "start", lambda *_: 1 / 0)
    services.inbox.process(receipt.message_id)
    with services.database.read() as db:
        row = db.get(Message, receipt.message_id)
        apology = db.scalars(select(Message).where(Message.direction == Direction.OUT)).one()
    assert (row.status, row.text) == (Status.ERRORED, "what?")
    assert apology.text == "Sorry, something went wrong. Please send your message again."
