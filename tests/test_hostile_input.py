"""Property-based: whatever a person sends, they get an answer and the session stays
valid. Covers any Unicode (controls, surrogates' neighbours, bidi, combining marks,
every script), any length, and Telegram-style button keys.

Messages are spaced beyond the 30-second window in which a text that is not an
answer joins the previous free text (a long SMS in parts, answered once; tested in
tests/test_feedback.py): here each message is a message of its own."""

import datetime as dt

import time_machine
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.core.clock import now
from bot.store import ConversationSession, Direction, Message, Status
from bot.text.keywords import match
from bot.text.normalize import normalize
from flows.engine import FLOWS
from tests.builders import chat, make_contact

ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=5000)
TYPED = st.one_of(
    ANY_TEXT,
    st.sampled_from(["0", "#", "1", "۲", "٣", "99", "", " ", "\x00", "\u202e", "STOP", "کمک"]),
    st.integers(-10, 10**12).map(str),
)
APART = dt.timedelta(seconds=31)


def say_apart(person, texts):
    start = now()
    for n, text in enumerate(texts):
        with time_machine.travel(start + APART * n, tick=False):
            assert person.say(text), f"no reply to {text!r}"


SLOW = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


def assert_consistent(services, contact_address):
    with services.database.read() as db:
        for session in db.scalars(select(ConversationSession)):
            assert session.flow in FLOWS
            assert isinstance(session.state, dict)
        errored = db.scalar(select(Message.id).where(Message.status == Status.ERRORED))
        assert errored is None


@SLOW
@given(texts=st.lists(TYPED, min_size=1, max_size=6))
def test_a_newcomer_always_gets_an_answer(services, texts):
    person = chat(services)
    say_apart(person, texts)
    assert_consistent(services, person.address)


@SLOW
@given(texts=st.lists(TYPED, min_size=1, max_size=6))
@example(texts=["", "1", "1", "1", "00"])  # feedback, then "00": once silently joined to it
def test_a_registered_contact_always_gets_an_answer(services, texts):
    _, _, address = make_contact(services, lang="ps")
    say_apart(chat(services, address=address), texts)
    assert_consistent(services, address)


@SLOW
@given(text=ANY_TEXT)
@example(text="STATUS")
def test_stored_text_is_what_arrived_up_to_the_limit(services, text):
    # A registered person: from a newcomer, CANCEL rightly erases even this message.
    _, _, address = make_contact(services)
    chat(services, address=address).say(text)
    with services.database.read() as db:
        stored = db.scalars(select(Message.text).where(Message.direction == Direction.IN)
                            .order_by(Message.id.desc())).first()
    # STATUS (in any language) is redacted: it links this person to a report code.
    keyword = match(normalize(text))
    if keyword is not None and keyword[0].name == "STATUS":
        assert stored is None
    else:
        assert stored == text[:10_000]
