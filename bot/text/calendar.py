"""Dates as each reader counts them.

Dari and Pashto readers get the Solar Hijri date with the Afghan month names (Hamal,
Sawr ... not the Iranian Farvardin ...) and the Gregorian date beside it; Arabic
readers get the Gregorian date, with the Umm al-Qura Hijri date where the deployment
asks for it; everyone else the Gregorian date. The conversions come from `jdatetime`
and `hijridate`. The names of weekdays and months are the project's own, like the
Afghan month names, so that a library update cannot change what people read (CLDR
once gave Pashto Saturday as «اونۍ», "week"); Moroccan readers get the month names
used in Morocco (ماي، يوليوز، غشت ...).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import jdatetime
from hijridate import Gregorian

from bot.text.normalize import localize_digits

AFGHAN_MONTHS = {
    "fa": ("حمل", "ثور", "جوزا", "سرطان", "اسد", "سنبله",
           "میزان", "عقرب", "قوس", "جدی", "دلو", "حوت"),
    "ps": ("وری", "غویی", "غبرګولی", "چنګاښ", "زمری", "وږی",
           "تله", "لړم", "لیندۍ", "مرغومی", "سلواغه", "کب"),
}
# Monday first, as datetime.date.weekday() counts.
WEEKDAYS = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "ar": ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"),
    "fa": ("دوشنبه", "سه\u200cشنبه", "چهارشنبه", "پنجشنبه", "جمعه", "شنبه", "یکشنبه"),
    # The names Afghan Pashto readers use; CLDR's «اونۍ» for Saturday also means "week".
    "ps": ("دوشنبه", "سه شنبه", "چهارشنبه", "پنجشنبه", "جمعه", "شنبه", "یکشنبه"),
}
GREGORIAN_MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"),
    "ar": ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر",
           "أكتوبر", "نوفمبر", "ديسمبر"),
    "ar-MA": ("يناير", "فبراير", "مارس", "أبريل", "ماي", "يونيو", "يوليوز", "غشت", "شتنبر",
              "أكتوبر", "نونبر", "دجنبر"),
    "fa": ("جنوری", "فبروری", "مارچ", "اپریل", "می", "جون", "جولای", "اگست", "سپتمبر",
           "اکتوبر", "نومبر", "دسمبر"),
    "ps": ("جنوري", "فبروري", "مارچ", "اپریل", "مۍ", "جون", "جولای", "اګست", "سېپتمبر",
           "اکتوبر", "نومبر", "دسمبر"),
}


def solar_hijri(day: dt.date, language: str) -> str:
    """10 قوس 1405 (ASCII digits; the caller localises them)."""
    solar = jdatetime.date.fromgregorian(date=day)
    return f"{solar.day} {AFGHAN_MONTHS[language][solar.month - 1]} {solar.year}"


def lunar_hijri(day: dt.date) -> str:
    """21 جمادى الآخرة 1448 هـ, by the Umm al-Qura calendar."""
    hijri = Gregorian(day.year, day.month, day.day).to_hijri()
    return f"{hijri.day} {hijri.month_name('ar')} {hijri.year} هـ"


def gregorian(day: dt.date, language: str, weekday: bool = False, country: str = "") -> str:
    """1 December 2026 (or Tuesday 1 December 2026), in the words of `language`, with
    the month names of `country` where they differ (Morocco)."""
    months = GREGORIAN_MONTHS.get(f"{language}-{country}") or GREGORIAN_MONTHS.get(
        language, GREGORIAN_MONTHS["en"])
    text = f"{day.day} {months[day.month - 1]} {day.year}"
    return f"{weekday_name(day, language)} {text}" if weekday else text


def weekday_name(day: dt.date, language: str) -> str:
    return WEEKDAYS.get(language, WEEKDAYS["en"])[day.weekday()]


@lru_cache(maxsize=512)  # a fan-out writes the same few dates thousands of times
def local_date(day: dt.date, language: str, hijri: bool = False, country: str = "") -> str:
    """The date written for a reader of `language` in `country` (the deployment's places),
    digits in their script."""
    if language in AFGHAN_MONTHS:
        text = f"{weekday_name(day, language)} {solar_hijri(day, language)}"
        text += f" ({gregorian(day, language)})"
    elif language == "ar" and hijri:
        text = f"{gregorian(day, language, True, country)} ({lunar_hijri(day)})"
    else:
        text = gregorian(day, language, True, country)
    return localize_digits(text, language)


def local_time(moment: dt.datetime, language: str) -> str:
    return localize_digits(moment.strftime("%H:%M"), language)
