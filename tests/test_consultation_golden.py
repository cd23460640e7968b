"""Golden transcripts of answering a consultation over SMS, in every language: the
opening, an answer by word, a wrong answer, HELP, digits in the reader's script, an
optional text skipped, an answer to a second consultation after it closed; and Telegram
buttons for the choices."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from bot.text.normalize import localize_digits
from tests.community import person
from tests.consulting import OPEN, create, send
from tests.golden import check_golden
from tests.test_channel_conversations import buttons, drain

WORDS = {  # river, no, help, something wrong
    "en": ("river", "no", "help", "lake"),
    "fa": ("دریا", "نخیر", "کمک", "جهیل"),
    "ps": ("سیند", "نه", "مرسته", "ډنډ"),
    "ar": ("نهر", "لا", "مساعدة", "بحيرة"),
    "fr": ("rivière", "non", "aide", "lac"),
}


def lines(prefix: str, replies: list[str]) -> list[str]:
    out = []
    for reply in replies:
        out += [f"{prefix} {line}" if i == 0 else f"    {line}"
                for i, line in enumerate(reply.split("\n"))]
    return out


@pytest.mark.parametrize("lang", ["en", "fa", "ps", "ar", "fr"])
def test_answering_a_consultation_over_sms(services, request, lang):
    river, no, help_, wrong = WORDS[lang]
    with time_machine.travel(OPEN, tick=False):
        sim = person(services, lang=lang)
        send(services, create(services))
        transcript = lines("<<<", sim.replies())
        for text in (wrong, river, help_, no, localize_digits("45", lang),
                     localize_digits("12", lang), localize_digits("1", lang)):
            transcript += [f">>> {text}", *lines("<<<", sim.say(text))]
        send(services, create(services, name="late", closes="2026-11-25 18:00", remind=None))
        transcript += lines("<<<", sim.replies())
    with time_machine.travel(OPEN + dt.timedelta(days=3), tick=False):  # it has closed
        transcript += [">>> 1", *lines("<<<", sim.say("1"))]
    check_golden(request, f"consultation.{lang}", "\n".join(transcript) + "\n")


def test_telegram_shows_the_choices_as_buttons(channel_client, channel_services,
                                               fake_telegram):
    from tests.test_channel_conversations import TelegramPerson

    with time_machine.travel(OPEN, tick=False):
        tg = TelegramPerson(channel_client, channel_services, fake_telegram, "fa")
        for step in ("/start", "2", "1", "زرغونه", "1", "دند", "2"):  # registration in Dari
            tg.presses(step) if step.isdigit() else tg.says(step)
        send(channel_services, create(channel_services))
        drain(channel_services)
        opening = fake_telegram.sent()[-1]
        tg.seen = len(fake_telegram.sent())
        assert opening["text"].startswith("آب در قریه شما")
        assert buttons(opening) == ["1", "2", "3"]
        (enough,) = tg.presses("2")
        assert buttons(enough) == ["1", "2"]
        (days,) = tg.presses("1")
        assert buttons(days) == ["1"]  # the optional text: a button to skip it
        (thanks,) = tg.presses("1")
        assert thanks["text"].startswith("تشکر!")
