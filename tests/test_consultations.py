"""Consultations: written as data, checked field by field, sent to their audience,
answered through the engine in any language and digit script."""

import datetime as dt

import pytest
import time_machine
from sqlalchemy import func, select

from bot.consultations import hooks, service, spec
from bot.pipeline.housekeeping import expire_sessions
from bot.store import (
    ConsultationRecipient,
    Direction,
    Message,
    PendingFlow,
)
from tests.builders import make_contact
from tests.community import person, say_all
from tests.consulting import OPEN, create, example, responses, send


@pytest.fixture(autouse=True)
def opened(time_machine):
    time_machine.move_to(OPEN, tick=False)


def parse(**changes):
    return spec.parse(example(**changes), default_language="en")


def questions(**change) -> list:
    raw = example()["questions"]
    return [{**raw[0], **change}, *raw[1:]]


@pytest.mark.parametrize(("changes", "field"), [
    ({"name": "Water 2026"}, "name"),
    ({"questions": []}, "questions"),
    ({"questions": questions(kind="poll")}, "questions[0].kind"),
    ({"questions": questions(options=[{"key": "one", "text": "One"}])}, "questions[0].options"),
    ({"questions": questions(key="enough")}, "questions[1].key"),
    ({"questions": questions(text={"de": "Wasser?"})}, "questions[0].text.de"),
    ({"questions": questions(ask_if={"question": "enough", "in": ["yes"]})},
     "questions[0].ask_if.question"),
    ({"questions": [*questions()[:2], {**questions()[2], "min": 0}]}, "questions[2].min"),
    ({"closes": "2026-11-20 10:00"}, "closes"),
    ({"timezone": "Kabul"}, "timezone"),
    ({"remind": "2026-12-25 10:00"}, "remind"),
    ({"audience": {"villages": ["dand"]}}, "audience"),
    ({"colour": "blue"}, "colour"),
])
def test_a_wrong_field_is_named(changes, field):
    with pytest.raises(spec.SpecError) as error:
        parse(**changes)
    assert error.value.field == field


def test_times_are_read_in_the_consultations_time_zone():
    draft = parse()
    assert draft.opens_at == dt.datetime(2026, 11, 23, 3, 30, tzinfo=dt.UTC)
    assert draft.closes_at == dt.datetime(2026, 11, 30, 13, 30, tzinfo=dt.UTC)
    assert [q["kind"] for q in draft.definition["questions"]] == [
        "choice", "yesno", "number", "text"]


def test_an_answer_in_each_kind_is_kept(services):
    sim = person(services, province="balkh", role="teacher")
    send(services, create(services))
    first = sim.replies()[0].splitlines()
    assert first == ["Water in your village", "Please answer a few questions.",
                     "Where does your water come from?", "1. Well", "2. River", "3. Tap"]
    assert sim.say("river")[0].startswith("Is there enough water")
    assert sim.say("no")[0].startswith("How many days a month")
    assert sim.say("45")[0].splitlines() == [
        "Sorry, that answer does not fit.", "How many days a month are you without water?",
        "Please reply with a number from 1 to 30."]
    assert sim.say("۱۲")[0].startswith("What would help most?")
    assert sim.say("A deeper well near the school")[0].startswith("Thank you!")
    ((response, answers),) = responses(services)
    assert answers == {"source": "river", "enough": "no", "days": 12,
                       "idea": "A deeper well near the school"}
    assert (response.contact_id, response.province, response.role, response.channel) == (
        sim.contact_id, "balkh", "teacher", "sim")


def test_a_question_is_asked_only_when_its_condition_holds(services):
    sim = person(services)
    send(services, create(services))
    sim.replies()
    assert sim.say("1")[0].startswith("Is there enough")
    assert sim.say("yes")[0].startswith("What would help most?")
    assert sim.say("1")[0].startswith("Thank you!")  # 1: skip the optional text
    ((_, answers),) = responses(services)
    assert answers == {"source": "well", "enough": "yes"}


@pytest.mark.parametrize(("lang", "words"), [
    ("fa", ["دریا", "نخیر", "۷"]),
    ("ps", ["سیند", "نه", "۷"]),
    ("ar", ["نهر", "لا", "٧"]),
    ("fr", ["riviere", "non", "7"]),
    ("en", ["نهر", "non", "٧"]),  # an option's words in another language still count
])
def test_option_words_and_digits_in_any_language(services, lang, words):
    sim = person(services, lang=lang)
    send(services, create(services))
    sim.replies()
    say_all(sim, [*words, "1"])
    ((response, answers),) = responses(services)
    assert answers == {"source": "river", "enough": "no", "days": 7}
    assert response.language == lang


def test_a_wrong_answer_repeats_the_question_with_its_choices(services):
    sim = person(services, lang="fr")
    send(services, create(services))
    sim.replies()
    assert sim.say("lac")[0].splitlines() == [
        "Merci de répondre par un nombre de 1 à 3.", "D'où vient votre eau ?",
        "1. Puits", "2. Rivière", "3. Robinet"]
    assert sim.say("9")[0].startswith("Merci de répondre par un nombre de 1 à 3.")
    assert sim.say("3")[0].startswith("Y a-t-il assez d'eau")


def test_help_repeats_the_question_and_cancel_leaves(services):
    sim = person(services)
    send(services, create(services))
    sim.replies()
    replies = sim.say("help")
    assert replies[-1].startswith("Where does your water come from?")
    sim.say("cancel")
    assert sim.say("1")[0] != "Is there enough water for your family?"
    assert responses(services) == []


def test_stopped_people_and_other_audiences_are_not_sent_it(services):
    stopped = person(services)
    stopped.say("stop")
    other = person(services, province="herat")
    reached = person(services, province="balkh")
    consultation = create(services, audience={"provinces": ["balkh"]})
    assert send(services, consultation) == 1
    assert reached.replies()[0].startswith("Water in your village")
    assert other.replies() == [] and stopped.replies() == []
    assert send(services, consultation) == 0  # sent once, never twice


def test_it_waits_while_the_person_is_in_another_conversation(services):
    sim = person(services)
    assert sim.say("report")[0].startswith("What is your concern about?")
    send(services, create(services))
    assert sim.replies() == []
    with services.database.read() as db:
        assert db.scalar(select(func.count()).select_from(PendingFlow)) == 1
    assert sim.say("cancel")[-1].startswith("Water in your village")


def test_an_answer_after_closing_is_told_it_is_closed(services):
    sim = person(services)
    consultation = create(services)
    send(services, consultation)
    sim.replies()
    with time_machine.travel(dt.datetime(2026, 12, 1, tzinfo=dt.UTC), tick=False):
        hooks.tick(services)
        assert sim.say("2") == [
            'Thank you. "Water in your village" is closed: answers are no longer taken.']
        expire_sessions(services)
    assert responses(services) == []


def test_the_one_reminder_goes_to_those_who_have_not_answered(services):
    answered, silent, answering = person(services), person(services), person(services)
    send(services, create(services))
    for sim in (answered, silent, answering):
        sim.replies()
    say_all(answered, ["1", "yes", "1"])
    answering.say("2")
    with time_machine.travel(dt.datetime(2026, 11, 27, 5, tzinfo=dt.UTC), tick=False):
        silent.say("cancel")
        assert hooks.tick(services)["reminded"] == 1
        assert silent.replies()[0].startswith("Reminder: Water in your village")
        assert hooks.tick(services)["reminded"] == 0
    assert answered.replies() == [] and answering.replies() == []


def test_answers_are_kept_out_of_the_message_log(services):
    sim = person(services)
    send(services, create(services))
    sim.replies()
    say_all(sim, ["2", "no", "3", "My secret idea"])
    with services.database.read() as db:
        texts = db.scalars(select(Message.text).where(Message.direction == Direction.IN,
                                                      Message.contact_id == sim.contact_id))
        assert set(texts) == {None}


def test_erasing_a_person_takes_their_named_answers(services):
    sim = person(services)
    send(services, create(services))
    sim.replies()
    say_all(sim, ["2", "yes", "Pipes"])
    sim.say("delete")
    say_all(sim, ["1"])
    assert responses(services) == []
    with services.database.read() as db:
        assert db.scalars(select(ConsultationRecipient)).all() == []


def test_unregistered_contacts_are_not_reached(services):
    make_contact(services, registered=False)
    assert send(services, create(services)) == 0


TITLES = {"en": "Water in your village", "fa": "آب در قریه شما", "ps": "ستاسو په کلي کې اوبه",
          "ar": "المياه في قريتكم", "fr": "L'eau dans votre village"}


def test_a_send_in_chunks_reaches_each_person_once_in_their_language(services, monkeypatch):
    monkeypatch.setattr(service, "CHUNK", 2)
    people = {lang: person(services, lang=lang) for lang in TITLES}
    people["fr"].say("menu")  # the idle main menu is not a conversation to wait for
    busy = person(services)
    busy.say("report")
    consultation = create(services)
    assert send(services, consultation) == 6
    for lang, sim in people.items():
        (opening,) = sim.replies()
        assert opening.splitlines()[0] == TITLES[lang]
    assert busy.replies() == []
    assert send(services, consultation) == 0
    with services.database.read() as db:
        assert db.scalar(select(func.count()).select_from(PendingFlow)) == 1
    assert busy.say("cancel")[-1].startswith("Water in your village")


def test_a_conversation_left_past_its_time_does_not_hold_it_back(services):
    sim = person(services)
    sim.say("report")
    with time_machine.travel(OPEN + dt.timedelta(hours=3), tick=False):
        send(services, create(services))
        assert sim.replies()[0].startswith("Water in your village")
        assert sim.say("2")[0].startswith("Is there enough water")


def test_the_reminder_waits_for_a_conversation_and_leaves_out_who_stopped(services,
                                                                          monkeypatch):
    monkeypatch.setattr(service, "CHUNK", 2)
    silent, busy, stopped = person(services, lang="ps"), person(services), person(services)
    send(services, create(services))
    for sim in (silent, busy, stopped):
        sim.replies()
        sim.say("cancel")
    with time_machine.travel(dt.datetime(2026, 11, 27, 5, tzinfo=dt.UTC), tick=False):
        busy.say("report")
        stopped.say("stop")
        assert hooks.tick(services)["reminded"] == 2
        assert TITLES["ps"] in silent.replies()[0].splitlines()[0]
        assert busy.replies() == [] and stopped.replies() == []
        assert busy.say("cancel")[-1].startswith("Reminder: Water in your village")
