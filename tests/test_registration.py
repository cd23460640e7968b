from sqlalchemy import func, select

from bot.contacts.erasure import purge_erased
from bot.core.clock import now
from bot.store import Contact, ContactStatus, Identity, Message
from tests.builders import chat


def register(person, *answers):
    replies = []
    for answer in answers:
        replies = person.say(answer)
    return replies


def contact_of(services, person) -> Contact | None:
    from bot.contacts.lookup import find_identity

    with services.database.read() as db:
        identity = find_identity(db, "sim", person.address)
        return db.get(Contact, identity.contact_id) if identity else None


def test_registration_saves_the_answers(services):
    person = chat(services)
    replies = register(person, "hello", "1", "1", "Amina", "14", "Dand", "2")
    assert replies[0] == "Thank you, Amina. You are registered."
    assert replies[1].startswith("Reply with a number:")
    contact = contact_of(services, person)
    assert (contact.status, contact.name, contact.province, contact.district, contact.role) == (
        ContactStatus.ACTIVE, "Amina", "kabul", "Dand", "shura")
    assert contact.consent_at is not None and contact.language == "en"


def test_name_can_be_skipped(services):
    person = chat(services)
    replies = register(person, "hi", "1", "1", "1", "1", "Faizabad", "1")
    assert replies[0] == "Thank you. You are registered."
    assert contact_of(services, person).name is None


def test_declining_consent_keeps_nothing(services):
    person = chat(services)
    replies = register(person, "hi", "1", "2")
    assert "Nothing about you has been kept" in replies[0]
    with services.database.write() as db:
        assert purge_erased(db, now()) == 1
    with services.database.read() as db:
        assert db.scalar(select(func.count()).select_from(Contact)) == 0
        assert db.scalar(select(func.count()).select_from(Identity)) == 0
        assert db.scalar(select(func.count()).select_from(Message)
                         .where(Message.text.is_not(None))) == 0


def test_cancel_during_registration_erases_the_partial_contact(services):
    person = chat(services)
    replies = register(person, "hi", "1", "1", "Amina", "0")
    assert "Registration cancelled" in replies[0]
    contact = contact_of(services, person)
    assert contact.status == ContactStatus.ERASING and contact.name is None


def test_province_list_pages_and_accepts_a_typed_name(services):
    person = chat(services)
    replies = register(person, "hi", "1", "1", "Amina")
    assert "9. Ghazni" in replies[0] and "# More" in replies[0]
    assert "10. Ghor" in person.say("#")[0]
    assert "19. Kunduz" in person.say("#")[0]
    last = person.say("#")[0]
    assert "28. Parwan" in last and "34. Zabul" in last
    assert "1. Badakhshan" in person.say("#")[0]  # and round again
    assert person.say("herat")[0] == "Which district?"
    person.say("Injil")
    register(person, "1")
    assert contact_of(services, person).province == "herat"


def test_out_of_range_answer_asks_again_then_gives_up(services):
    person = chat(services)
    register(person, "hi", "1", "1", "Amina", "1", "Dand")
    first = person.say("7")[0]
    assert first.startswith("Please reply with a number from 1 to 4.")
    assert "What is your role?" in first
    person.say("banana")
    gave_up = person.say("99")[0]
    assert gave_up.startswith("Sorry, we did not understand each other.")
    assert contact_of(services, person).status == ContactStatus.NEW


def test_registered_contact_with_unknown_text_gets_short_help_and_menu(services):
    person = chat(services)
    register(person, "hi", "1", "1", "1", "1", "Dand", "1")
    assert person.say("what?")[0].startswith("Please reply with a number from 1 to ")
    person.say("0")  # leave the menu
    reply = person.say("what is this?")[0]
    assert reply.startswith("Sorry, I did not understand.")
    assert ". Change language" in reply  # whatever features add to the menu
