"""Golden transcripts of the reporter's side of a follow-up, in the five languages: a
named reporter asked a question in their conversation, answering in free text, a
coordinator's reply and the closing; an anonymous reporter seeing the question with
STATUS and answering with the code. (The report itself is in report.<lang>.txt.)"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from bot.conversations import service as conversations
from bot.core.clock import now
from bot.text import codes
from tests.builders import chat, make_contact
from tests.followup_builders import ask
from tests.golden import check_golden
from tests.test_community_golden import REPORT, STATUS, Seeded

LANGUAGES = ("en", "fa", "ps", "ar", "fr")
NO = {"en": "2", "fa": "۲", "ps": "۲", "ar": "٢", "fr": "2"}
YES = {"en": "1", "fa": "۱", "ps": "۱", "ar": "١", "fr": "1"}
QUESTION = {
    "en": "Which village was it, and are you safe now?",
    "fa": "در کدام قریه بود و آیا اکنون در امان هستید؟",
    "ps": "په کوم کلي کې و، او اوس خوندي یاست؟",
    "ar": "في أي قرية حدث ذلك، وهل أنت بأمان الآن؟",
    "fr": "Dans quel village, et êtes-vous en sécurité maintenant ?",
}
ANSWER = {
    "en": "Qala-e-Naw, near the school. We are safe.",
    "fa": "قلعه نو، نزدیک مکتب. ما در امان هستیم.",
    "ps": "قلعه نو، د ښوونځي تر څنګ. موږ خوندي یو.",
    "ar": "قرية المعلا قرب المدرسة. نحن بأمان.",
    "fr": "Qala-e-Naw, près de l'école. Nous sommes en sécurité.",
}
REPLY = {
    "en": "Thank you. A colleague will call you tomorrow.",
    "fa": "تشکر. یک همکار فردا با شما تماس می‌گیرد.",
    "ps": "مننه. یو همکار به سبا تاسو ته زنګ ووهي.",
    "ar": "شكراً. سيتصل بك زميل غداً.",
    "fr": "Merci. Un collègue vous appellera demain.",
}


@pytest.fixture(autouse=True)
def fixed(monkeypatch):
    monkeypatch.setattr(codes, "secrets", Seeded())
    with time_machine.travel(dt.datetime(2026, 11, 23, 8, tzinfo=dt.UTC), tick=False):
        yield


class Script:
    """Writes what the person sends (>>>), what they receive (<<<), and what the
    coordinator does (###)."""

    def __init__(self, services, lang: str):
        contact_id, _, address = make_contact(services, lang=lang)
        self.person, self.contact_id, self.lines = chat(services, lang, address), contact_id, []

    def received(self, replies: list[str]) -> None:
        for reply in replies:
            self.lines.extend(f"<<< {line}" if i == 0 else f"    {line}"
                              for i, line in enumerate(reply.split("\n")))

    def say(self, text: str) -> list[str]:
        self.lines.append(f">>> {text}")
        replies = self.person.say(text)
        self.received(replies)
        return replies

    def coordinator(self, what: str) -> None:
        self.lines.append(f"### {what}")
        self.received(self.person.replies())

    def file(self, answers: list[str]) -> str:
        for answer in answers:
            replies = self.person.say(answer)
        return re.search(r"R-\w{4}", replies[0]).group()

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_follow_up(services, request, lang):
    named = Script(services, lang)
    code = named.file(REPORT[lang][:-1] + [NO[lang]])
    named.lines.append(f"### report {code} filed with a name")
    ask(services, code, QUESTION[lang])
    named.coordinator(f"asks: {QUESTION[lang]}")
    named.say(ANSWER[lang])
    with services.database.write() as db:
        conversation = conversations.current(db, named.contact_id)
        conversations.send(db, conversation, REPLY[lang], now=now(), settings=services.settings)
    named.coordinator("replies")
    with services.database.write() as db:
        conversations.close(db, conversations.current(db, named.contact_id), now=now(),
                            settings=services.settings)
    named.coordinator("closes the conversation")

    hidden = Script(services, lang)
    code = hidden.file(REPORT[lang][:-1] + [YES[lang]])
    hidden.lines.append("### an anonymous report filed")
    ask(services, code, QUESTION[lang])
    hidden.coordinator(f"asks: {QUESTION[lang]} (held)")
    hidden.say(f"{STATUS[lang]} {code}")
    hidden.say(f"{STATUS[lang]} {code} {ANSWER[lang]}")
    hidden.say(f"{STATUS[lang]} {code}")
    check_golden(request, f"followup.{lang}", named.text() + hidden.text())
