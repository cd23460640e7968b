"""What a careful reader of each language needs: answers in their own words, keywords
that never take over an answer, safe wording on the erasure screen."""

import dataclasses
import datetime as dt

import pytest

from bot import features
from bot.text import normalize
from bot.text.calendar import local_date, weekday_name
from bot.text.dates import parse_date
from bot.text.keywords import KEYWORDS
from locales import catalog
from tests.builders import chat, make_contact, running
from tests.dashboard_builders import csrf, signed_in

LANGUAGE_NUMBER = {"en": "1", "fa": "2", "ps": "3", "ar": "4", "fr": "5"}
NAME_QUESTION = {"en": "What is your name?", "fa": "نام شما چیست؟", "ps": "ستاسو نوم څه دی؟"}


def consent_asked(services, lang: str):
    person = chat(services)
    person.say("hi")
    person.say(LANGUAGE_NUMBER[lang])
    return person


@pytest.mark.parametrize(("lang", "typed"), [
    ("ps", "هو"), ("ps", "ho"), ("ps", "هوکې"), ("fa", "بلی"), ("fa", "bale"),
    ("en", "yes"), ("en", "Yes!"),
])
def test_consent_accepts_the_first_word_of_its_option(services, lang, typed):
    person = consent_asked(services, lang)
    assert person.say(typed)[0].startswith(NAME_QUESTION[lang])


@pytest.mark.parametrize(("lang", "typed"), [("fa", "نخیر"), ("fa", "na"), ("ps", "نه")])
def test_consent_declined_in_the_readers_words(services, lang, typed):
    person = consent_asked(services, lang)
    declined = catalog(lang).messages["registration.declined"].split(".")[0]
    assert person.say(typed)[0].startswith(declined)


def test_the_feedback_word_is_a_name_when_a_name_is_asked(services):
    person = consent_asked(services, "fa")
    person.say("۱")
    assert person.say("نظر")[0].startswith("در کدام ولایت")


def test_the_feedback_word_still_starts_feedback_from_the_menu(services):
    _, _, address = make_contact(services, lang="fa")
    person = chat(services, address=address)
    topic = catalog("fa").messages["feedback.topic"]
    assert person.say("نظر")[0].startswith(topic)


def test_cancel_still_wins_over_a_free_text_question(services):
    person = consent_asked(services, "en")
    person.say("1")
    assert person.say("cancel")[0].startswith("Registration cancelled.")


@pytest.mark.parametrize(("lang", "shown"), [
    ("ps", "پاکول"), ("ar", "حذف"), ("fr", "SUPPRIMER")])
def test_delete_is_shown_in_the_word_people_read(lang, shown):
    features.install()
    assert KEYWORDS["DELETE"].display(lang) == shown


@pytest.mark.parametrize(("name", "lang", "shown"), [
    ("CANCEL", "ar", "إلغاء"), ("MAYBE", "fr", "PEUT-ETRE"), ("HERE", "fr", "PRÉSENT")])
def test_shown_keywords(name, lang, shown):
    features.install()
    assert KEYWORDS[name].display(lang) == shown


@pytest.mark.parametrize("lang", ["en", "fa", "ps", "ar", "fr"])
def test_erasure_no_says_do_not_erase(services, lang):
    _, _, address = make_contact(services, lang=lang)
    person = chat(services, address=address)
    asked = person.say(KEYWORDS["DELETE"].display(lang))[0]
    no = catalog(lang).messages["delete.no"]
    assert no in asked
    kept = catalog(lang).messages["delete.kept"]
    assert person.say(no)[0] == kept.format(menu=KEYWORDS["MENU"].display(lang))


def registered(services, lang="en", **fields):
    _, _, address = make_contact(services, lang=lang, **fields)
    return chat(services, address=address)


def test_a_report_offers_the_registered_province_first(services):
    person = registered(services, province="herat")
    person.say("report")
    person.say("1")
    asked = person.say("1")[0]
    assert asked.startswith("In which province?")
    assert "\n1. Herat" in asked


def test_my_meetings_with_none_says_how_to_go_on(services):
    person = registered(services, lang="ps")
    assert person.say("غونډې") == ["تاسو راتلونکې غونډه نه لرئ. د انتخابونو لپاره «مینو» ولېږئ."]


def test_after_delete_menu_asks_to_register_again(services):
    person = registered(services)
    person.say("delete")
    assert person.say("1") == ["Your data has been erased. Goodbye."]
    again = person.say("menu")[0]
    assert again.startswith("Welcome to")
    assert "Report a concern" not in again


@pytest.mark.parametrize("lang", ["en", "fa", "ps", "ar", "fr"])
def test_help_names_feedback_reports_and_status(services, lang):
    features.install()
    help_text = registered(services, lang=lang).say(KEYWORDS["HELP"].display(lang))[0]
    for name in ("MENU", "STATUS", "STOP", "DELETE"):
        assert f"{KEYWORDS[name].display(lang)}" in help_text
    feedback = {"en": "feedback", "fr": "avis", "fa": "نظر", "ps": "نظر", "ar": "للرأي"}
    assert feedback[lang] in help_text


def test_a_wrong_choice_is_told_in_one_digit_script(services):
    person = registered(services, lang="fa")
    person.say("منو")
    told = person.say("۹۹")[0].split("\n")[0]
    assert told == "لطفاً با یک شماره از ۱ تا ۵ جواب دهید."


@pytest.mark.parametrize(("lang", "saturday"), [
    ("ps", "شنبه"), ("fa", "شنبه"), ("ar", "السبت"), ("fr", "samedi"), ("en", "Saturday")])
def test_weekday_names_are_the_projects_own(lang, saturday):
    assert weekday_name(dt.date(2026, 12, 5), lang) == saturday


def test_moroccan_readers_get_moroccan_month_names():
    assert local_date(dt.date(2026, 8, 5), "ar", country="MA") == "الأربعاء ٥ غشت ٢٠٢٦"
    assert local_date(dt.date(2026, 8, 5), "ar", country="YE") == "الأربعاء ٥ أغسطس ٢٠٢٦"


@pytest.mark.parametrize("typed", ["۱۰ لیندۍ ۱۴۰۵", "10 لیندۍ", "۱۰ قوس ۱۴۰۵"])
def test_the_date_parser_reads_the_month_names_the_bot_prints(typed):
    assert parse_date(typed, dt.date(2026, 12, 20), "ps") == dt.date(2026, 12, 1)


@pytest.mark.parametrize(("places", "lang", "asked"), [
    ("morocco", "fr", "Dans quelle région vivez-vous ?"),
    ("morocco", "ar", "في أي جهة تسكن؟"),
    ("yemen", "ar", "في أي محافظة تسكن؟"),
    ("afghanistan", "fr", "Dans quelle province vivez-vous ?"),
])
def test_registration_names_the_level_of_the_places_file(settings, deployment_country, places,
                                                          lang, asked):
    with running(dataclasses.replace(settings, places=places)) as services:
        person = consent_asked(services, lang)
        person.say("1")
        assert person.say("1")[0].startswith(asked)


@pytest.fixture
def deployment_country():
    yield
    normalize.use_country("")  # as before any Services was built


@pytest.mark.parametrize(("places", "one"), [("morocco", "1. "), ("yemen", "١. ")])
def test_arabic_digits_follow_the_country_of_the_places(settings, deployment_country,
                                                          places, one):
    with running(dataclasses.replace(settings, places=places)) as services:
        _, _, address = make_contact(services, lang="ar")
        menu = chat(services, address=address).say("القائمة")[0]
        assert menu.split("\n")[1].startswith(one)


def test_account_errors_are_shown_in_the_readers_language(app, services):
    client = signed_in(app, services, "admin")
    client.post("/dashboard/language", data={
        "language": "ps", "next": "/dashboard/users/",
        "csrf_token": csrf(client, "/dashboard/users/")})
    page = client.post("/dashboard/users/", follow_redirects=True, data={
        "email": "new@example.org", "password": "short", "role": "viewer",
        "csrf_token": csrf(client, "/dashboard/users/")}).get_data(as_text=True)
    assert "پټنوم باید لږ تر لږه 10 توري ولري" in page
    assert "a password needs" not in page
