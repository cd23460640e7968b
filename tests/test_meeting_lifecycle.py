"""A whole meeting under a frozen clock: invitations in five languages and three
calendars, answers by word, digit and button, a change, reminders at their instants
and only to YES and MAYBE, a worker restart, check-in and the outcome."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from bot.channels.base import InboundMessage
from bot.core.clock import now
from bot.meetings import attendance, service
from bot.services import Services
from bot.store import Meeting, Response
from tests.builders import chat, make_contact
from tests.meeting_builders import invitation, invite, make_meeting, tick

UTC = dt.UTC
INVITED = dt.datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
# The meeting moves to 2 December 10:00 Kabul (05:30 UTC): reminders 24 h and 2 h before.
MOVED = dt.datetime(2026, 12, 2, 10, 0)
DAY_BEFORE = dt.datetime(2026, 12, 1, 5, 30, tzinfo=UTC)
TWO_HOURS_BEFORE = dt.datetime(2026, 12, 2, 3, 30, tzinfo=UTC)
START = dt.datetime(2026, 12, 2, 5, 30, tzinfo=UTC)
SECOND = dt.timedelta(seconds=1)


@pytest.fixture
def hijri_services(settings):
    built = Services(settings.with_overrides(hijri_dates=True))
    yield built
    built.database.dispose()


def press(services, person, key: str) -> list[str]:
    """A Telegram-style button press: the choice key, no text."""
    services.inbox.receive(InboundMessage(channel="sim", address=person.address, choice=key,
                                          external_id=f"button-{person.address}-{key}"))
    return person.replies()


def people(services, *langs):
    found = {}
    for lang in langs:
        contact_id, _, address = make_contact(services, lang=lang)
        found[lang] = (contact_id, chat(services, address=address))
    return found


def test_a_whole_meeting(hijri_services):
    services = hijri_services
    with time_machine.travel(INVITED, tick=False) as clock:
        crowd = people(services, "en", "fa", "ps", "ar", "fr")
        silent = people(services, "en")["en"]  # invited, never answers
        organiser_id, organiser = crowd["en"]
        everyone = [c for c, _ in crowd.values()] + [silent[0]]
        meeting_id = make_meeting(services, organiser_id=organiser_id, quorum=3)
        assert invite(services, meeting_id, *everyone).sent == 6

        invitations = {lang: person.replies() for lang, (_, person) in crowd.items()}
        assert all(len(received) == 1 for received in invitations.values())
        assert len(silent[1].replies()) == 1
        assert "۱۰ قوس ۱۴۰۵ (۱ دسمبر ۲۰۲۶)" in invitations["fa"][0]
        assert "۱۰ لیندۍ ۱۴۰۵" in invitations["ps"][0]
        assert "(٢١ جمادى الآخرة ١٤٤٨ هـ)" in invitations["ar"][0]
        assert "١٠:٠٠" in invitations["ar"][0]
        assert "mardi 1 décembre 2026" in invitations["fr"][0]
        assert "Tuesday 1 December 2026" in invitations["en"][0]

        # answers: a word, Persian digit, a Pashto word, Arabic-Indic digit, a button
        crowd["en"][1].say("yes")
        crowd["fa"][1].say("۱")
        crowd["ps"][1].say("نه")
        crowd["ar"][1].say("٣")
        assert len(press(services, crowd["fr"][1], "2")) == 1  # the confirmation
        answers = {lang: invitation(services, meeting_id, c).response
                   for lang, (c, _) in crowd.items()}
        assert answers == {"en": "yes", "fa": "yes", "ps": "no", "ar": "maybe", "fr": "no"}
        # a French speaker changes their mind, in Dari
        crowd["fr"][1].say("بلی")
        assert invitation(services, meeting_id, crowd["fr"][0]).response == Response.YES

        clock.move_to(dt.datetime(2026, 11, 30, 9, 0, tzinfo=UTC))
        _change_time(services, meeting_id)
        notices = {lang: person.replies() for lang, (_, person) in crowd.items()}
        assert all(len(n) == 1 and "۲ دسمبر" in n[0] for lang, n in notices.items()
                   if lang in ("fa", "ps"))
        assert len(silent[1].replies()) == 1  # every invitee hears of a change
        assert invitation(services, meeting_id, crowd["fa"][0]).reconfirm
        assert not invitation(services, meeting_id, crowd["ps"][0]).reconfirm

        # nothing at the old reminder time, nothing a second early
        clock.move_to(dt.datetime(2026, 11, 30, 5, 30, tzinfo=UTC))
        assert tick(services) == 0
        clock.move_to(DAY_BEFORE - SECOND)
        assert tick(services) == 0
        clock.move_to(DAY_BEFORE)
        assert tick(services) == 4 + 1  # en, fa, fr (yes), ar (maybe); the organiser's quorum
        assert tick(services) == 0
        reminded = {lang: person.replies() for lang, (_, person) in crowd.items()}
        assert [len(reminded[lang]) for lang in ("en", "fa", "ps", "ar", "fr")] == [2, 1, 0, 1, 1]
        assert any("3" in text and "quorum" in text.lower() for text in reminded["en"])
        assert silent[1].replies() == []

        # the worker restarts: a fresh set of services finds nothing left to send
        clock.move_to(TWO_HOURS_BEFORE - SECOND)
        restarted = Services(services.settings)
        assert tick(restarted) == 0
        clock.move_to(TWO_HOURS_BEFORE + dt.timedelta(minutes=3))
        assert tick(restarted) == 4
        assert tick(services) == 0
        restarted.database.dispose()
        second = {lang: len(person.replies()) for lang, (_, person) in crowd.items()}
        assert second == {"en": 1, "fa": 1, "ps": 0, "ar": 1, "fr": 1}

        # too late to answer once it has started; check-in with the code
        clock.move_to(START + dt.timedelta(minutes=10))
        assert "already started" in crowd["en"][1].say("no")[0]
        assert invitation(services, meeting_id, crowd["en"][0]).response == Response.YES
        assert "recorded" in crowd["en"][1].say("here 4821")[0]
        crowd["fa"][1].say("حاضر ۴۸۲۱")
        assert "1234" in crowd["ar"][1].say("حاضر 1234")[0].translate(
            str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789"))
        attended = {lang: invitation(services, meeting_id, c).attended
                    for lang, (c, _) in crowd.items()}
        assert attended == {"en": True, "fa": True, "ps": False, "ar": False, "fr": False}

        clock.move_to(START + dt.timedelta(hours=4))
        for _, person in crowd.values():
            person.replies()
        _outcome(services, meeting_id, {"en": "Well repaired.", "fa": "چاه ترمیم شد."})
        summaries = {lang: person.replies() for lang, (_, person) in crowd.items()}
        assert summaries["en"] == ["Dand district shura: Well repaired."]
        assert summaries["fa"][0].endswith("چاه ترمیم شد.")
        assert summaries["ps"] == summaries["ar"] == summaries["fr"] == []


def _outcome(services, meeting_id, summary):
    with services.database.write() as db:
        attendance.outcome(db, db.get(Meeting, meeting_id), summary, services.settings, now())


def _change_time(services, meeting_id):
    with services.database.write() as db:
        service.change(db, db.get(Meeting, meeting_id), services.settings, now(),
                       local_start=MOVED)
