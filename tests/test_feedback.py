"""Feedback, and long texts that arrive as several SMS."""

import datetime as dt
import re

import pytest
import time_machine

from bot.services import Services
from tests.community import NAMED, feedback, person, reports, say_all

START = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)


def test_feedback_keeps_topic_text_and_gives_a_reference(services):
    sim = person(services, province="balkh")
    assert sim.say("feedback")[0].splitlines()[:3] == [
        "What is your feedback about?", "1. Public services", "2. Security"]
    reply = say_all(sim, ["4", "Thank you for the peace dialogue in our village."])[0]
    reference = re.search(r"F-[2-9A-HJ-NP-Z]{4}", reply).group()
    (row,) = feedback(services)
    assert (row.reference, row.topic, row.text, row.province, row.contact_id) == (
        reference, "peace", "Thank you for the peace dialogue in our village.", "balkh",
        sim.contact_id)


@pytest.fixture
def health_first(settings):
    built = Services(settings.with_overrides(feedback_topics=("health", "education", "other")))
    yield built
    built.database.dispose()


def test_topics_come_from_the_settings(health_first):
    sim = person(health_first, lang="fr")
    assert sim.say("avis")[0].splitlines() == [
        "Votre avis porte sur quel sujet ?", "1. Santé", "2. Éducation", "3. Autre"]
    assert sim.say("4")[0].startswith("Merci de répondre par un nombre de 1 à 3.")


def test_the_menu_offers_feedback_and_report_first(services):
    menu = person(services).say("menu")[0].splitlines()
    assert menu[1:3] == ["1. Give feedback", "2. Report a concern"]


def test_feedback_is_flood_limited_too(settings):
    services = Services(settings.with_overrides(feedback_per_hour=2))
    sim = person(services)
    for n in range(2):
        say_all(sim, ["feedback", "1", f"Message {n}"])
    assert sim.say("feedback")[0].startswith("You have sent a lot of feedback")
    assert len(feedback(services)) == 2
    services.database.dispose()


def at(seconds: float):
    return time_machine.travel(START + dt.timedelta(seconds=seconds), tick=False)


def test_a_feedback_sent_as_three_sms_is_joined(services):
    sim = person(services)
    with at(0):
        say_all(sim, ["feedback", "1"])
    with at(5):
        assert "F-" in sim.say("The water pump in our village has been broken")[0]
    with at(9):
        assert sim.say("for three weeks and the women walk two hours") == []
    with at(35):
        assert sim.say("to the river.") == []
    (row,) = feedback(services)
    assert row.text == ("The water pump in our village has been broken for three weeks"
                        " and the women walk two hours to the river.")


def test_after_the_window_a_new_message_is_not_joined(services):
    sim = person(services)
    with at(0):
        say_all(sim, ["feedback", "1", "The clinic is closed."])
    with at(31):
        assert sim.say("hello")[0].startswith("Sorry, I did not understand.\nReply with")
    assert feedback(services)[0].text == "The clinic is closed."


def test_a_report_description_in_several_sms_is_joined_and_the_question_not_repeated(
        services):
    sim = person(services)
    with at(0):
        say_all(sim, NAMED[:6])
    with at(2):
        assert sim.say("Armed men came to the school")[0].startswith("Is someone in danger")
    with at(6):
        assert sim.say("and took the teacher") == []
    with at(12):
        assert sim.say("away in a car.") == []
    with at(20):
        assert sim.say("2")[0].startswith("Do you want to stay anonymous?")
    with at(22):
        say_all(sim, ["2"])
    assert reports(services)[0].description == (
        "Armed men came to the school and took the teacher away in a car.")


def test_a_wrong_answer_after_the_window_is_asked_again(services):
    sim = person(services)
    with at(0):
        say_all(sim, NAMED[:7])
    with at(45):
        reply = sim.say("maybe")[0]
    assert reply.startswith("Please reply with a number from 1 to 2.")
    assert "Is someone in danger now?" in reply
    with at(50):
        say_all(sim, ["2", "2"])
    assert reports(services)[0].description == NAMED[6]


def test_cancelling_feedback_keeps_nothing(services):
    sim = person(services)
    say_all(sim, ["feedback", "2"])
    assert sim.say("cancel")[0].startswith("Cancelled.")
    assert sim.say("The police took money from us.")[0].startswith("Sorry, I did not understand.")
    assert feedback(services) == []


def test_every_topic_category_and_status_has_text_in_every_language():
    import locales
    from bot.store import ReportStatus
    from bot.text.vocabulary import CATEGORIES, FEEDBACK_TOPICS
    from flows.report import WHEN

    wanted = ([f"feedback.topic.{t}" for t in FEEDBACK_TOPICS]
              + [f"report.category.{c}" for c in CATEGORIES]
              + [f"report.when.{w}" for w in WHEN]
              + [f"report.status.{s}" for s in ReportStatus.ALL])
    for language in locales.LANGUAGES:
        messages = locales.catalog(language).messages
        assert [m for m in wanted if m not in messages] == [], language
