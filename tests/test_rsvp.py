"""Answering invitations, and what must not go wrong around it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from sqlalchemy import select

from bot.contacts.erasure import erase_contact
from bot.contacts.lookup import identify
from bot.core.clock import now
from bot.meetings import reminders, service
from bot.store import Contact, Invitation, Meeting, MeetingReminder, Message, Response
from tests.builders import chat, make_contact
from tests.meeting_builders import KABUL_START, invitation, invite, make_meeting, tick

NOW = dt.datetime(2026, 11, 28, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as clock:
        yield clock


def person(services, lang="en"):
    contact_id, _, address = make_contact(services, lang=lang)
    return contact_id, chat(services, address=address)


def test_yes_without_an_invitation_is_explained(services):
    _, someone = person(services, "fa")
    assert someone.say("yes") == [
        "شما دعوت بی\u200cجواب ندارید. برای دیدن جلسه\u200cها «جلسات» بفرستید."]


def test_several_open_invitations_ask_which_meeting(services):
    contact_id, someone = person(services)
    first = make_meeting(services)
    second = make_meeting(services, local_start=KABUL_START + dt.timedelta(days=2),
                          titles={"en": "Women's shura"}, code="5555")
    invite(services, first, contact_id)
    invite(services, second, contact_id)
    someone.replies()
    asked = someone.say("maybe")[0]
    assert asked.startswith("Your answer: Maybe. For which meeting?")
    assert "\n2. Women's shura, Thursday 3 December 2026, 10:00" in asked
    assert "Noted: maybe for Women's shura" in someone.say("2")[0]
    assert invitation(services, second, contact_id).response == Response.MAYBE
    assert invitation(services, first, contact_id).response == Response.NONE


def test_a_digit_after_two_invitations_asks_which_meeting(services):
    contact_id, someone = person(services)
    first = make_meeting(services)
    second = make_meeting(services, local_start=KABUL_START + dt.timedelta(days=2), code="77")
    invite(services, first, contact_id)
    invite(services, second, contact_id)
    someone.replies()
    assert someone.say("2")[0].startswith("Your answer: No. For which meeting?")
    someone.say("1")
    assert invitation(services, first, contact_id).response == Response.NO


def test_a_person_in_another_conversation_keeps_it(services):
    contact_id, someone = person(services)
    someone.say("lang")  # the language question is open
    meeting_id = make_meeting(services)
    invite(services, meeting_id, contact_id)
    received = someone.replies()[0]
    assert received.endswith("Reply YES, NO or MAYBE.") and "1. Yes" not in received
    assert someone.say("1")[0] == "Language set to English."  # the digit answered that
    assert invitation(services, meeting_id, contact_id).response == Response.NONE
    assert someone.say("oui")[0].startswith("Thank you. We expect you")


def test_no_during_registration_declines_consent_not_a_meeting(services):
    newcomer = chat(services, lang="en")
    newcomer.say("hello")
    newcomer.say("1")  # English
    assert newcomer.say("no")[0].startswith("Understood. Nothing about you has been kept.")


def test_one_invitation_per_person_on_sms_and_telegram(services):
    contact_id, _, _ = make_contact(services, channel="sms")
    with services.database.write() as db:
        telegram = identify(db, "telegram", "555001", now())
        telegram.contact_id = contact_id
        db.get(Contact, contact_id).preferred_channel = "telegram"
    meeting_id = make_meeting(services)
    assert invite(services, meeting_id, contact_id, contact_id).sent == 1
    assert invite_again_refused(services, meeting_id)
    with services.database.read() as db:
        sent = db.scalars(select(Message.channel).where(Message.contact_id == contact_id)).all()
    assert sent == ["telegram"]


def invite_again_refused(services, meeting_id) -> bool:
    with pytest.raises(service.MeetingError, match="nobody left to invite"):
        invite(services, meeting_id)
    return True


def test_someone_who_sent_stop_is_not_invited(services):
    contact_id, someone = person(services)
    someone.say("stop")
    meeting_id = make_meeting(services)
    result = invite(services, meeting_id, contact_id)
    assert (result.sent, result.stopped) == (0, 1)
    assert someone.replies() == []


def test_cancellation_reaches_all_but_no_and_stops_reminders(services, frozen):
    yes_id, yes = person(services, "ps")
    no_id, no = person(services)
    meeting_id = make_meeting(services)
    invite(services, meeting_id, yes_id, no_id)
    yes.say("هو")
    no.say("no")
    with services.database.write() as db:
        service.cancel(db, db.get(Meeting, meeting_id), services.settings, now())
    assert yes.replies()[0].startswith("لغوه شوه: د ډنډ ولسوالۍ شورا\nسه شنبه ۱۰ لیندۍ")
    assert no.replies() == []
    assert yes.say("yes") == ["د ډنډ ولسوالۍ شورا: غونډه لغوه شوې ده."]
    frozen.move_to(dt.datetime(2026, 12, 1, 3, 30, tzinfo=dt.UTC))
    assert tick(services) == 0 and yes.replies() == []


def test_a_reminder_run_that_crashes_is_sent_once_later(services, frozen):
    contact_id, someone = person(services)
    meeting_id = make_meeting(services, reminder_minutes=[60])
    invite(services, meeting_id, contact_id)
    someone.say("yes")
    frozen.move_to(dt.datetime(2026, 12, 1, 4, 30, tzinfo=dt.UTC))
    with services.database.read() as db:
        [row_id] = reminders.due_ids(db, now())
    with pytest.raises(RuntimeError), services.database.write() as db:
        assert reminders.run_due(db, row_id, services.settings, now()) == 1
        raise RuntimeError("the worker died before committing")
    assert tick(services) == 1
    assert tick(services) == 0
    with services.database.write() as db:  # a second worker, late, loses the claim
        assert reminders.run_due(db, row_id, services.settings, now()) is None
    assert len(someone.replies()) == 1


def test_answers_that_are_not_answers_lead_back_to_the_menu(services):
    contact_id, someone = person(services)
    invite(services, make_meeting(services), contact_id)
    someone.replies()
    assert someone.say("hello")[0].startswith("Please answer 1, 2 or 3.\nWill you come to")
    assert someone.say("hello again")[0].startswith("Reply with a number:")


def test_my_meetings_lists_answers(services):
    contact_id, someone = person(services, "fa")
    meeting_id = make_meeting(services)
    invite(services, meeting_id, contact_id)
    someone.say("۳")
    listed = someone.say("جلسات")[0]
    assert "۱. شورای ولسوالی دند" in listed and "۱۰:۰۰" in listed


def test_erasing_a_person_removes_their_answers(services):
    contact_id, someone = person(services)
    meeting_id = make_meeting(services, organiser_id=contact_id, quorum=1)
    invite(services, meeting_id, contact_id)
    with services.database.write() as db:
        erase_contact(db, db.get(Contact, contact_id))
    with services.database.read() as db:
        assert db.scalars(select(Invitation)).all() == []
        assert db.get(Meeting, meeting_id).organiser_id is None
        assert db.scalars(select(MeetingReminder.kind)).all() != []


def test_check_in_needs_an_invitation_and_the_right_code(services, frozen):
    invited_id, invited = person(services, "ar")
    _, stranger = person(services)
    meeting_id = make_meeting(services)
    invite(services, meeting_id, invited_id)
    invited.replies()
    assert invited.say("حاضر") == ["أرسل رمز الاجتماع، مثلاً «حاضر ٤٨٢١»."]
    assert "٤٨٢١" in invited.say("حاضر ٤٨٢١")[0]  # too early: not open yet
    frozen.move_to(dt.datetime(2026, 12, 1, 5, 0, tzinfo=dt.UTC))  # half an hour before
    assert stranger.say("HERE 4821") == [
        "No meeting with code 4821 is open now. Please check the code."]
    assert invited.say("حاضر ٤٨٢١") == ["أهلاً بك في مجلس مديرية دند. تم تسجيل حضورك."]
    assert invitation(services, meeting_id, invited_id).attended


@pytest.mark.parametrize("lang", ["en", "fa", "ps", "ar", "fr"])
def test_an_invitation_fits_in_three_sms_segments(services, lang):
    from bot.text.segments import count

    contact_id, someone = person(services, lang)
    invite(services, make_meeting(services), contact_id)
    [text] = someone.replies()
    assert count(text).segments <= 3


def test_someone_new_who_says_yes_is_welcomed_not_told_about_meetings(services):
    newcomer = chat(services, lang="fa")
    assert newcomer.say("بلی")[0].startswith("به Mashwara خوش آمدید. زبان خود را انتخاب کنید:")


def test_a_digit_for_a_meeting_cancelled_since_the_invitation(services):
    contact_id, someone = person(services)
    meeting_id = make_meeting(services)
    invite(services, meeting_id, contact_id)
    with services.database.write() as db:
        service.cancel(db, db.get(Meeting, meeting_id), services.settings, now())
    someone.replies()
    assert someone.say("1") == ["Dand district shura was cancelled."]
