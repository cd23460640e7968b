"""Session rows as the engine writes them with Core (flows/sessions.py): a new flow in
the row is a new conversation, a row closed during a turn is opened again, a waiting
conversation is only taken when none is open, and the state is encrypted on disk. And
how many statements an inbound message costs."""

import contextlib
import datetime as dt

from sqlalchemy import event, text

from bot.core.clock import now
from bot.store import PendingFlow
from flows import sessions
from tests.builders import inbound, make_contact, phone

HOUR, MINUTE = dt.timedelta(hours=1), dt.timedelta(minutes=1)


def save(services, contact_id, flow, state, at):
    with services.database.write() as db:
        sessions.save(db, contact_id, flow, state, at, at + HOUR)


def read(services, contact_id):
    with services.database.read() as db:
        return sessions.read(db, contact_id)


def test_the_same_flow_keeps_its_start_and_a_new_flow_starts_again(services):
    contact_id, _, _ = make_contact(services)
    began = now()
    save(services, contact_id, "report", {"step": 1}, began)
    save(services, contact_id, "report", {"step": 2}, began + MINUTE)
    row = read(services, contact_id)
    assert (row.flow, row.state, row.started_at) == ("report", {"step": 2}, began)
    assert row.expires_at == began + MINUTE + HOUR
    save(services, contact_id, "feedback", {}, began + 2 * MINUTE)
    row = read(services, contact_id)
    assert (row.flow, row.started_at) == ("feedback", began + 2 * MINUTE)


def test_a_session_closed_during_the_turn_is_opened_again(services):
    contact_id, _, _ = make_contact(services)
    at = now()
    with services.database.write() as db:
        sessions.save(db, contact_id, "report", {"step": 1}, at, at + HOUR)
        sessions.close(db, contact_id)
        assert sessions.read(db, contact_id) is None
        sessions.save(db, contact_id, "menu", {}, at, at + HOUR)
    assert read(services, contact_id).flow == "menu"


def test_a_waiting_conversation_is_taken_only_when_none_is_open(services):
    contact_id, _, _ = make_contact(services)
    at = now()
    with services.database.write() as db:
        db.add(PendingFlow(contact_id=contact_id, flow="feedback", trigger="t", created_at=at))
        sessions.save(db, contact_id, "report", {}, at, at + HOUR)
        assert sessions.take_pending(db, contact_id) is None
        sessions.close(db, contact_id)
        taken = sessions.take_pending(db, contact_id)
        assert (taken.flow, taken.trigger) == ("feedback", "t")
        assert sessions.take_pending(db, contact_id) is None


def test_the_state_is_encrypted_on_disk(services):
    contact_id, _, _ = make_contact(services)
    save(services, contact_id, "report", {"description": "soldiers at the well"}, now())
    with services.database.read() as db:
        stored = db.execute(text("SELECT state FROM sessions WHERE contact_id = :c"),
                            {"c": contact_id}).scalar()
    assert "soldiers" not in stored
    assert read(services, contact_id).state == {"description": "soldiers at the well"}


@contextlib.contextmanager
def statements(services):
    """The SQL statements sent on the write engine meanwhile (BEGIN left out: on SQLite
    it is a statement, on PostgreSQL the driver's)."""
    sent = []

    def listen(_conn, _cursor, statement, *_args):
        if not statement.startswith("BEGIN"):
            sent.append(statement)

    engine = services.database.write_engine
    event.listen(engine, "before_cursor_execute", listen)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", listen)


def test_a_registration_costs_few_statements_per_message(services):
    """Each statement costs tens of microseconds of CPU in SQLAlchemy, often more than
    it takes in the database, so the count is much of the inbound path's cost. A
    message in the middle of a conversation: identity with the contact lock, message,
    session with the flood counts, session upsert, reply. The first also makes the
    contact; the second writes its language; the last writes the registration, closes
    it and opens the menu (and looks for a waiting conversation, as none is open in
    between)."""
    address, counts = phone(), []
    for said in ("hello", "1", "1", "Amina", "14", "Dand", "2"):
        with statements(services) as sent:
            services.inbox.receive(inbound(said, address=address))
        counts.append(len(sent))
    assert counts == [10, 6, 5, 5, 5, 5, 9]
