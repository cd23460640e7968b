"""After DELETE, nothing of the person is left anywhere: every table, read raw (as a
stolen backup would be) and decrypted (as the server would), and every log line.

The person registered, linked SMS and Telegram, gave feedback, made a named report,
answered a meeting invitation, was in a group and received a broadcast."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select, text

from bot.channels import FACTORIES
from bot.channels.base import SendResult
from bot.contacts.erasure import purge_erased
from bot.contacts.imports import add_member, group_by_name
from bot.contacts.linking import link_phone
from bot.core.clock import now
from bot.core.crypto import keyring
from bot.store import Base, Contact, Feedback, Invitation, Message, Report, Status
from tests.broadcasting import fire, schedule
from tests.builders import inbound, make_contact
from tests.meeting_builders import invite, make_meeting

NUMBER = "+93707654321"
CHAT = "918273645"
NAME = "Zarghuna Wardaki"
DISTRICT = "Qalay-e-Zaman"
FEEDBACK = "The water pump in Qalay-e-Zaman is broken since March"
REPORT = "Commander Gulbuddin took my cousin from the checkpoint"


class Recorder:
    def __init__(self, channel: str):
        self.channel, self.sent = channel, []

    async def send(self, message):
        self.sent.append(message.id)
        return SendResult.sent(f"{self.channel}-{message.id}")


@pytest.fixture
def providers(monkeypatch):
    for channel in ("sms", "telegram"):
        monkeypatch.setitem(FACTORIES, channel, lambda _s, c=channel: Recorder(c))


def say(services, channel: str, address: str, *texts: str) -> None:
    for said in texts:
        services.inbox.receive(inbound(said, channel=channel, address=address))


def drain(services) -> None:
    while services.dispatcher.run_once():
        pass


def live_person(services) -> int:
    contact_id, _, _ = make_contact(services, channel="sms", address=NUMBER, name=NAME)
    with services.database.write() as db:
        db.get(Contact, contact_id).district = DISTRICT
        add_member(db, group_by_name(db, "Dand shura"), contact_id)
    make_contact(services, channel="telegram", address=CHAT, registered=False, name=None)
    assert link_phone(services.database, "telegram", CHAT, NUMBER, now()) == contact_id
    say(services, "sms", NUMBER, "feedback", "4", FEEDBACK)
    say(services, "telegram", CHAT, "report", "1", "1", "#", "14", DISTRICT, REPORT, "2", "2")
    invite(services, make_meeting(services), contact_id)
    say(services, "sms", NUMBER, "yes")
    schedule(services)
    fire(services, channels=("sms", "telegram"))
    drain(services)
    return contact_id


def traces(services, contact_id: int) -> list[str]:
    """What must not survive: clear values and the keyed hashes a backup would hold."""
    secrets = [NUMBER, NUMBER.lstrip("+"), CHAT, NAME, "Wardaki", DISTRICT, FEEDBACK, REPORT]
    hashes = {keyring().blind_index(value) for value in (NUMBER, CHAT)}
    with services.database.read() as db:
        stored = db.execute(text("SELECT address_index FROM identities WHERE contact_id = :c"),
                            {"c": contact_id}).scalars().all()
    assert len(stored) == 2 and set(stored) <= hashes | set(stored)
    return secrets + sorted(hashes | set(stored))


def every_value(services) -> list[tuple[str, str]]:
    found = []
    with services.database.read() as db:
        for table in Base.metadata.sorted_tables:
            raw = db.execute(text(f"SELECT * FROM {table.name}")).all()
            decrypted = db.execute(table.select()).all()
            found += [(table.name, repr(value)) for row in raw + decrypted for value in row]
    return found


def test_delete_leaves_no_trace_in_any_table_or_log(services, providers, caplog):
    caplog.set_level(logging.DEBUG)
    contact_id = live_person(services)
    with services.database.read() as db:
        assert db.get(Contact, contact_id).name == NAME
        assert db.scalar(select(Report.description)) == REPORT
        assert db.scalar(select(Feedback.text)) == FEEDBACK
        assert db.scalar(select(Invitation.response)) == "yes"
        received = select(Message.id).where(Message.broadcast_run_id.is_not(None),
                                            Message.status == Status.SENT)
        assert len(db.scalars(received).all()) == 1
    secrets = traces(services, contact_id)
    assert any(NAME in value for _, value in every_value(services))  # the probe sees data

    say(services, "sms", NUMBER, "delete", "1")
    drain(services)  # the goodbye leaves
    with services.database.write() as db:
        assert purge_erased(db, now()) == 1

    leftovers = [(table, secret) for table, value in every_value(services)
                 for secret in secrets if secret in value]
    assert leftovers == []
    logged = [secret for secret in secrets if secret in caplog.text]
    assert logged == []
    with services.database.read() as db:  # counts remain
        assert db.scalar(select(Report.code)) is not None
        assert db.scalar(select(Feedback.id)) is not None
        assert len(db.scalars(select(Message.id)).all()) > 20
