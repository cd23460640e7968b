import pytest

from bot import features
from bot.store import Contact, ContactStatus
from bot.text.keywords import Keyword, install
from tests.builders import chat, make_contact


def test_help_answers_and_repeats_the_open_question(services):
    person = chat(services)
    person.say("hi")
    person.say("1")
    replies = person.say("HELP")
    assert replies[0].startswith("Mashwara: send MENU for feedback, reports")
    assert replies[1].startswith("Mashwara keeps your name")  # the consent question again
    assert person.say("1")[0] == "What is your name?\n1. Skip"


def test_help_lists_keywords_in_the_readers_language(services):
    _, _, address = make_contact(services, lang="fr")
    person = chat(services, address=address)
    reply = person.say("aide")[0]
    assert "MENU" in reply and "STOP" in reply and "SUPPRIMER" in reply


def test_stop_and_start(services):
    contact_id, _, address = make_contact(services)
    person = chat(services, address=address)
    assert person.say("stop")[0].startswith("You will get no more announcements")
    with services.database.read() as db:
        assert db.get(Contact, contact_id).stopped_at is not None
    assert person.say("START")[0] == "Welcome back. You will get announcements again."
    with services.database.read() as db:
        assert db.get(Contact, contact_id).stopped_at is None


def test_lang_changes_the_language(services):
    contact_id, _, address = make_contact(services, lang="en")
    person = chat(services, address=address)
    assert "Choose your language" in person.say("LANG")[0]
    person.say("5")
    with services.database.read() as db:
        assert db.get(Contact, contact_id).language == "fr"


def test_cancel_leaves_the_open_flow(services):
    _, _, address = make_contact(services)
    person = chat(services, address=address)
    person.say("lang")
    assert person.say("0")[0] == "Cancelled. Send MENU for options."
    assert person.say("cancel")[0] == "There is nothing to cancel. Send MENU for options."


def test_delete_erases_after_confirmation(services):
    contact_id, _, address = make_contact(services, name="Zarghuna")
    person = chat(services, address=address)
    assert "Are you sure?" in person.say("DELETE")[0]
    assert person.say("2")[0] == "Nothing was erased. Send MENU for options."
    person.say("DELETE")
    assert person.say("1")[0] == "Your data has been erased. Goodbye."
    with services.database.read() as db:
        contact = db.get(Contact, contact_id)
        assert contact.status == ContactStatus.ERASING and contact.name is None


def test_an_alias_cannot_belong_to_two_keywords():
    with pytest.raises(ValueError, match="already HELP's"):
        install([*features.parts("KEYWORDS"), Keyword("OTHER", "help", aliases={"en": ("help",)})])
    features.install()
