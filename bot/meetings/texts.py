"""What invitees read: a meeting named, dated in their calendar, and placed."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.core.config import Settings
from bot.store import Meeting
from bot.text import places
from bot.text.calendar import local_date, local_time
from bot.text.keywords import KEYWORDS
from bot.text.normalize import localize_digits
from bot.text.render import Choice
from locales import Translator

ANSWERS = ("yes", "no", "maybe")  # in the order of the digits 1, 2, 3


def localized(values: dict | None, language: str, default: str) -> str:
    """The text in `language`, else the default language, else any there is."""
    values = values or {}
    for code in (language, default, "en"):
        if values.get(code):
            return values[code]
    return next((v for v in values.values() if v), "")


def local_start(meeting: Meeting) -> dt.datetime:
    return meeting.starts_at.astimezone(ZoneInfo(meeting.time_zone))


def when(meeting: Meeting, t: Translator, settings: Settings) -> str:
    start = local_start(meeting)
    country = places.load(settings.places).country
    date = local_date(start.date(), t.language, settings.hijri_dates, country)
    return t("meetings.when", date=date, time=local_time(start, t.language))


def title(meeting: Meeting, t: Translator, settings: Settings) -> str:
    return localized(meeting.title, t.language, settings.default_language)


def details(meeting: Meeting, t: Translator, settings: Settings, headline: str) -> str:
    """Headline (naming the meeting), the local date and time, and the place."""
    lines = [t(headline, title=title(meeting, t, settings)), when(meeting, t, settings)]
    place = localized(meeting.place, t.language, settings.default_language)
    if place:
        lines.append(t("meetings.place", place=place))
    return "\n".join(lines)


def answer_choices(t: Translator) -> tuple[Choice, ...]:
    return tuple(Choice(str(i + 1), t(f"meetings.answer.{a}")) for i, a in enumerate(ANSWERS))


def keyword(name: str, t: Translator) -> str:
    return KEYWORDS[name].display(t.language)


def answer_words(t: Translator) -> str:
    """"Reply YES, NO or MAYBE", with the words of the reader's language."""
    return t("meetings.reply_words", yes=keyword("YES", t), no=keyword("NO", t),
             maybe=keyword("MAYBE", t))


def localize(text: str, t: Translator) -> str:
    """Digits in the reader's script."""
    return localize_digits(text, t.language)
