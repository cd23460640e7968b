import datetime as dt

import time_machine
from sqlalchemy import func, select

from bot.core.clock import now
from bot.pipeline.housekeeping import expire_sessions
from bot.store import ConversationSession
from tests.builders import chat, make_contact


def sessions(services) -> int:
    with services.database.read() as db:
        return db.scalar(select(func.count()).select_from(ConversationSession))


def test_an_idle_session_expires_and_the_person_is_told_how_to_resume(services):
    _, _, address = make_contact(services)
    person = chat(services, address=address)
    person.say("lang")  # opens the language question
    assert expire_sessions(services) == 0
    with time_machine.travel(now() + dt.timedelta(minutes=121), tick=False):
        assert expire_sessions(services) == 1
        assert person.replies() == [
            "We paused here because no answer came. When you are ready, send MENU to go on."]
    assert sessions(services) == 0


def test_unfinished_registration_says_how_to_start_again(services):
    person = chat(services)
    person.say("hi")
    with time_machine.travel(now() + dt.timedelta(hours=3), tick=False):
        expire_sessions(services)
        assert person.replies() == ["Registration was not finished. Send JOIN to start again."]


def test_an_expired_menu_closes_silently(services):
    _, _, address = make_contact(services)
    person = chat(services, address=address)
    person.say("menu")
    with time_machine.travel(now() + dt.timedelta(hours=3), tick=False):
        expire_sessions(services)
        assert person.replies() == []


def test_a_reply_after_expiry_starts_afresh(services):
    _, _, address = make_contact(services)
    person = chat(services, address=address)
    person.say("lang")
    with time_machine.travel(now() + dt.timedelta(hours=3), tick=False):
        reply = person.say("5")[0]  # would have chosen French; the question is gone
    assert reply.startswith("Sorry, I did not understand.")
