"""The set-based send against a conversation starting at the same moment (PostgreSQL:
several processes): the chunk waits for the person's message to be handled, then
queues the consultation behind that conversation instead of failing on its session.

Runs only with `--db postgresql` (SQLite serialises writers with BEGIN IMMEDIATE)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select

from bot.core.clock import now
from bot.pipeline.inbox import lock_contact
from bot.store import ConsultationRecipient, ConversationSession, PendingFlow
from tests.community import person
from tests.consulting import OPEN, create, send
from tests.faults import waiting_on_a_lock

pytestmark = pytest.mark.postgresql_only


def test_a_conversation_starting_during_the_send_gets_it_afterwards(services,
                                                                      time_machine):
    time_machine.move_to(OPEN, tick=False)
    sim = person(services)
    consultation = create(services)
    locked, release, failures = threading.Event(), threading.Event(), []

    def message_being_handled():  # what Inbox._process does for one message
        with services.database.write() as db:
            lock_contact(db, sim.contact_id)
            db.add(ConversationSession(contact_id=sim.contact_id, flow="report", state={},
                                       expires_at=now() + dt.timedelta(hours=1)))
            db.flush()
            locked.set()
            release.wait(30)

    def sending():
        try:
            send(services, consultation)
        except Exception as error:
            failures.append(error)

    inbound = threading.Thread(target=message_being_handled)
    inbound.start()
    assert locked.wait(30)
    sender = threading.Thread(target=sending)
    sender.start()
    while not waiting_on_a_lock(services):
        assert sender.is_alive() and inbound.is_alive()
    release.set()
    inbound.join(30)
    sender.join(30)
    assert failures == []
    assert sim.replies() == []
    with services.database.read() as db:
        assert db.scalar(select(func.count()).select_from(PendingFlow)) == 1
        assert db.scalar(select(func.count()).select_from(ConsultationRecipient)) == 1
