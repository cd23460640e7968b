"""Reporters kept safe: an anonymous report can be traced to nobody, in any table or
log; report answers never stay in the message log; the text is encrypted."""

import datetime as dt
import logging
import re

from sqlalchemy import select, text

from bot.core.crypto import keyring
from bot.store import Base, Direction, Message, ScrubAfterSend
from tests.builders import inbound
from tests.community import ANONYMOUS, NAMED, person, reports, say_all, scrub

SECRET = "Commander Zaman took my son from Paghman school on Tuesday."
PLACE = "Qargha village"


def anonymous_report(services, sim):
    answers = list(ANONYMOUS)
    answers[5], answers[6] = PLACE, SECRET
    replies = say_all(sim, answers)
    return re.search(r"R-\w{4}", replies[0]).group()


def raw_rows(services, table):
    with services.database.read() as db:
        return [dict(row) for row in db.execute(text(f'SELECT * FROM "{table.name}"')).mappings()]


def decoded_rows(services, table):
    with services.database.read() as db:
        return [dict(row) for row in db.execute(select(table)).mappings()]


def test_an_anonymous_report_leaves_no_link_in_any_table_or_log(services, caplog):
    caplog.set_level(logging.DEBUG)
    sim = person(services, province="herat")
    code = anonymous_report(services, sim)
    # The whole conversation, both ways, the confirmation carrying the code included.
    assert scrub(services) == 2 * len(ANONYMOUS)
    indexes = set(keyring().blind_indexes(sim.address))
    secrets = (SECRET, PLACE, sim.address, sim.address.lstrip("+"))
    inspected = []
    for table in Base.metadata.sorted_tables:
        inspected.append(table.name)
        for raw in raw_rows(services, table):
            values = [str(v) for v in raw.values() if v is not None]
            assert not any(s in v for s in secrets for v in values), table.name
            if table.name != "identities":
                assert not indexes & set(values), table.name
        for row in decoded_rows(services, table):
            clear = [str(v) for v in row.values() if v is not None]
            holds_report = any(code in v or SECRET in v for v in clear)
            if table.name == "reports":
                assert row["contact_id"] is None and row["created_at"] is None
                assert row["language"] == "en" and row["received_on"] is not None
                continue
            assert not holds_report, f"{table.name} holds the code or the text: {row}"
    assert {"reports", "messages", "sessions", "contacts", "identities"} <= set(inspected)
    (report,) = reports(services)
    assert (report.code, report.description, report.district) == (code, SECRET, PLACE)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert not any(s in logged for s in (SECRET, PLACE, code, sim.address))


def test_every_answer_to_a_report_is_redacted_from_the_message_log(services):
    sim = person(services)
    say_all(sim, NAMED)
    with services.database.read() as db:
        inbound = db.scalars(select(Message).where(
            Message.direction == Direction.IN, Message.contact_id == sim.contact_id)).all()
    assert len(inbound) == len(NAMED)
    assert [m.text for m in inbound] == [None] * len(NAMED)


def test_the_confirmation_of_an_anonymous_report_is_removed_only_once_sent(services):
    sim = person(services)
    answers = ANONYMOUS[:-1]
    say_all(sim, answers)
    services.inbox.receive(inbound("1", address=sim.address))
    # All the conversation but the confirmation, still queued: it must reach them first.
    assert scrub(services) == 2 * len(ANONYMOUS) - 1
    assert "R-" in sim.replies()[0]
    assert scrub(services) == 1
    with services.database.read() as db:
        assert db.scalars(select(ScrubAfterSend)).all() == []
        texts = db.scalars(select(Message.text).where(
            Message.contact_id == sim.contact_id, Message.direction == Direction.OUT)).all()
    assert not any(t and "R-" in t for t in texts)


def test_a_named_report_stays_linked_and_is_not_scrubbed(services):
    sim = person(services)
    say_all(sim, NAMED)
    assert scrub(services) == 0
    (report,) = reports(services)
    assert report.contact_id == sim.contact_id


def test_reports_can_be_read_after_a_key_rotation(services, settings):
    from cryptography.fernet import Fernet

    from bot.core import crypto

    say_all(person(services), NAMED)
    old = settings.encryption_keys[0]
    crypto.configure((Fernet.generate_key().decode(), old))
    try:
        assert reports(services)[0].description == NAMED[6]
    finally:
        crypto.configure((old,))


def test_the_scrub_tick_is_registered_and_runs(services):
    from bot.core.ticks import TICKS

    sim = person(services)
    say_all(sim, ANONYMOUS)
    assert TICKS["scrub-sent"].run(services) == 0  # just sent: `mashwara chat` shows it
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=2)
    assert TICKS["scrub-sent"].run(services, later) == 2 * len(ANONYMOUS)
