"""Dates as each reader counts them.

Dari and Pashto readers get the Solar Hijri date with the Afghan month names (Hamal,
Sawr ... not the Iranian Farvardin ...) and the Gregorian date beside it; Arabic
readers get the Gregorian date, with the Umm al-Qura Hijri date where the deployment
asks for it; everyone else the Gregorian date. The conversions come from `jdatetime`
and `hijridate`; names of Gregorian months and weekdays from Babel's CLDR data.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import jdatetime
from babel.dates import format_date
from hijridate import Gregorian

from bot.text.normalize import localize_digits

AFGHAN_MONTHS = {
    "fa": ("حمل", "ثور", "جوزا", "سرطان", "اسد", "سنبله",
           "میزان", "عقرب", "قوس", "جدی", "دلو", "حوت"),
    "ps": ("وری", "غویی", "غبرګولی", "چنګاښ", "زمری", "وږی",
           "تله", "لړم", "لیندۍ", "مرغومی", "سلواغه", "کب"),
}
BABEL_LOCALES = {"fa": "fa_AF", "ps": "ps", "ar": "ar", "fr": "fr", "en": "en"}


def solar_hijri(day: dt.date, language: str) -> str:
    """10 قوس 1405 (ASCII digits; the caller localises them)."""
    solar = jdatetime.date.fromgregorian(date=day)
    return f"{solar.day} {AFGHAN_MONTHS[language][solar.month - 1]} {solar.year}"


def lunar_hijri(day: dt.date) -> str:
    """21 جمادى الآخرة 1448 هـ, by the Umm al-Qura calendar."""
    hijri = Gregorian(day.year, day.month, day.day).to_hijri()
    return f"{hijri.day} {hijri.month_name('ar')} {hijri.year} هـ"


def gregorian(day: dt.date, language: str, weekday: bool = False) -> str:
    pattern = "EEEE d MMMM y" if weekday else "d MMMM y"
    return format_date(day, pattern, locale=BABEL_LOCALES.get(language, "en"))


def weekday_name(day: dt.date, language: str) -> str:
    return format_date(day, "EEEE", locale=BABEL_LOCALES.get(language, "en"))


@lru_cache(maxsize=512)  # a fan-out writes the same few dates thousands of times
def local_date(day: dt.date, language: str, hijri: bool = False) -> str:
    """The date written for a reader of `language`, digits in their script."""
    if language in AFGHAN_MONTHS:
        text = f"{weekday_name(day, language)} {solar_hijri(day, language)}"
        text += f" ({gregorian(day, language)})"
    elif language == "ar" and hijri:
        text = f"{gregorian(day, language, weekday=True)} ({lunar_hijri(day)})"
    else:
        text = gregorian(day, language, weekday=True)
    return localize_digits(text, language)


def local_time(moment: dt.datetime, language: str) -> str:
    return localize_digits(moment.strftime("%H:%M"), language)
