"""A phone number leaves no trace in the store or the logs: not in a provider's error
text, not in a database error, not after a registration is abandoned.

Twilio's error for a bad number quotes it ("The 'To' number +93... is not a valid
phone number"); before this the text was stored whole in messages.error and survived
erasure, and SQLAlchemy printed bound parameters (numbers, texts) in its errors."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from bot.contacts.erasure import erase_contact
from bot.core.clock import now
from bot.core.ticks import TICKS
from bot.store import Base, Contact, Message, Status
from tests.builders import chat, inbound, make_contact

NUMBER = "+93701112233"


def everything(services, but: tuple[str, ...] = ()) -> str:
    """Every table (but those named), raw and decrypted, as one text to search."""
    found = []
    with services.database.read() as db:
        for table in Base.metadata.sorted_tables:
            if table.name in but:
                continue
            found += [str(row) for row in db.execute(text(f'SELECT * FROM "{table.name}"'))]
            found += [str(row) for row in db.execute(select(table))]
    return "\n".join(found)


def drain(services) -> None:
    while services.dispatcher.run_once():
        pass


def test_a_provider_error_keeps_its_code_not_the_number_and_erasure_clears_it(
        channel_services, fake_twilio, caplog):
    caplog.set_level(logging.DEBUG)
    contact_id, _, _ = make_contact(channel_services, channel="sms", address=NUMBER)
    fake_twilio.invalid.add(NUMBER)
    channel_services.inbox.receive(inbound("help", channel="sms", address=NUMBER))
    drain(channel_services)
    with channel_services.database.read() as db:
        failed = db.scalars(select(Message).where(Message.status == Status.FAILED)).one()
    assert failed.error_code == "21211"
    assert failed.error.endswith("The 'To' number +########### is not a valid phone number.")
    assert NUMBER[1:] not in everything(channel_services, but=("identities",))  # its home
    with channel_services.database.write() as db:
        erase_contact(db, db.get(Contact, contact_id))
    TICKS["purge-erased"].run(channel_services)
    assert "valid phone number" not in everything(channel_services)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert NUMBER[4:] not in logged


def test_database_errors_do_not_print_bound_parameters(services):
    with pytest.raises(DBAPIError) as raised, services.database.write() as db:
        db.execute(text("INSERT INTO no_such_table VALUES (:number)"), {"number": NUMBER})
    assert NUMBER not in str(raised.value)
    assert "hidden" in str(raised.value)


def test_a_registration_abandoned_before_consent_is_erased_after_the_setting(services):
    stranger = chat(services, address=NUMBER)
    stranger.say("hello")  # then nothing: no language, no consent
    chat(services).say("hi")  # someone who started today stays
    tick = TICKS["purge-abandoned"]
    assert tick.run(services) == 0
    with services.database.write() as db:
        db.execute(text("UPDATE contacts SET created_at = :old, last_seen_at = :old"
                        " WHERE id = (SELECT MIN(id) FROM contacts)"),
                   {"old": (now() - dt.timedelta(days=8)).replace(tzinfo=None)})
    assert tick.run(services) == 2  # erased, then purged
    with services.database.read() as db:
        assert db.scalar(select(func.count()).select_from(Contact)) == 1
    assert NUMBER[1:] not in everything(services)
