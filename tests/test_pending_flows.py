"""A conversation started from outside (a consultation, a coordinator's question) waits
while the person is in another one, and starts when that one ends: never on top of it."""

import datetime as dt

import time_machine
from sqlalchemy import func, select

from bot.core.clock import now
from bot.pipeline.housekeeping import expire_sessions
from bot.store import PendingFlow
from tests.builders import chat, make_contact

TOPIC_QUESTION = "What is your feedback about?"


def offer(services, contact_id: int, flow: str = "feedback") -> bool:
    with services.database.write() as db:
        return services.inbox.offer(db, contact_id, flow)


def waiting(services) -> int:
    with services.database.read() as db:
        return db.scalar(select(func.count()).select_from(PendingFlow))


def test_a_person_who_is_free_gets_it_at_once(services):
    contact_id, _, address = make_contact(services)
    person = chat(services, address=address)
    assert offer(services, contact_id)
    assert person.replies()[0].startswith(TOPIC_QUESTION)
    assert waiting(services) == 0


def test_it_waits_for_the_conversation_in_progress_then_starts(services):
    contact_id, _, address = make_contact(services)
    person = chat(services, address=address)
    assert person.say("report")[0].startswith("What is your concern about?")
    assert offer(services, contact_id)
    assert person.replies() == [] and waiting(services) == 1
    replies = person.say("cancel")
    assert replies[-1].startswith(TOPIC_QUESTION), replies
    assert waiting(services) == 0


def test_it_starts_after_a_conversation_left_unanswered_expires(services):
    contact_id, _, address = make_contact(services)
    person = chat(services, address=address)
    person.say("lang")
    offer(services, contact_id)
    with time_machine.travel(now() + dt.timedelta(hours=3), tick=False):
        expire_sessions(services)
        replies = person.replies()
    assert replies[0].startswith("We paused here") and replies[1].startswith(TOPIC_QUESTION)


def test_an_unregistered_person_is_not_offered_anything(services):
    contact_id, _, _ = make_contact(services, registered=False)
    assert not offer(services, contact_id)
    assert waiting(services) == 0
