"""Golden transcripts of a shura member's side of two meetings, in every language:
invitations in their calendar, answers by digit and word, "which meeting?", a change,
a reminder, check-in, and an answer that comes too late."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from bot.core.clock import now
from bot.meetings import service
from bot.services import Services
from bot.store import Meeting
from bot.text.normalize import localize_digits
from tests.builders import chat, make_contact
from tests.golden import check_golden
from tests.meeting_builders import KABUL_START, invite, make_meeting, tick

WORDS = {  # yes, no, hello, meetings, here
    "en": ("yes", "no", "hello", "meetings", "here"),
    "fa": ("بلی", "نه", "سلام", "جلسات", "حاضر"),
    "ps": ("هو", "نه", "سلام", "غونډې", "حاضر"),
    "ar": ("نعم", "لا", "مرحبا", "اجتماعات", "حاضر"),
    "fr": ("oui", "non", "bonjour", "réunions", "présent"),
}
SECOND_TITLES = {"en": "Women's council", "fa": "شورای زنان", "ps": "د ښځو شورا",
                 "ar": "مجلس النساء", "fr": "Conseil des femmes"}
NEW_PLACE = {"en": "School hall", "fa": "صالون مکتب", "ps": "د ښوونځي تالار",
             "ar": "قاعة المدرسة", "fr": "Salle de l'école"}


class Transcript:
    def __init__(self, person):
        self.person, self.lines = person, []

    def _add(self, prefix: str, replies: list[str]) -> None:
        for reply in replies:
            self.lines.extend(f"{prefix} {line}" if i == 0 else f"    {line}"
                              for i, line in enumerate(reply.split("\n")))

    def receive(self, note: str) -> None:
        self.lines.append(f"--- {note}")
        self._add("<<<", self.person.replies())

    def say(self, text: str) -> None:
        self.lines.append(f">>> {text}")
        self._add("<<<", self.person.say(text))

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


@pytest.mark.parametrize("lang", ["en", "fa", "ps", "ar", "fr"])
def test_meeting_conversation(settings, request, lang):
    services = Services(settings.with_overrides(hijri_dates=True))
    yes, no, hello, meetings, here = WORDS[lang]
    with time_machine.travel(dt.datetime(2026, 11, 28, 8, 0, tzinfo=dt.UTC), tick=False) as clock:
        contact_id, _, address = make_contact(services, lang=lang)
        talk = Transcript(chat(services, address=address))
        first = make_meeting(services)
        second = make_meeting(services, titles=SECOND_TITLES, code="5307",
                              local_start=KABUL_START + dt.timedelta(days=2, hours=4))
        invite(services, first, contact_id)
        talk.receive("invitation")
        talk.say(hello)
        talk.say(localize_digits("3", lang))
        talk.say(meetings)
        invite(services, second, contact_id)
        talk.receive("second invitation")
        talk.say(yes)
        talk.say(no)
        talk.say(localize_digits("1", lang))
        with services.database.write() as db:
            service.change(db, db.get(Meeting, first), services.settings, now(), place=NEW_PLACE)
        talk.receive("the first meeting moves")
        clock.move_to(dt.datetime(2026, 12, 3, 7, 30, tzinfo=dt.UTC))  # 2 h before the second
        tick(services)
        talk.receive("reminder")
        clock.move_to(dt.datetime(2026, 12, 3, 9, 40, tzinfo=dt.UTC))
        talk.say(f"{here} {localize_digits('5307', lang)}")
        talk.say(yes)
    services.database.dispose()
    check_golden(request, f"meetings.{lang}", talk.text())
