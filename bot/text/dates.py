"""Dates as people type them: 15/11/2026, 2026-11-15, 15.11.26, 15 nov, 2 قوس ۱۴۰۵.

Day first (Afghanistan, Yemen and Morocco write it so). Digits in any script arrive
as ASCII after normalize(). A year from 1300 to 1499 is a Solar Hijri year, the
calendar Afghans use, with the Afghan month names in Dari (حمل ... حوت) and Pashto
(وری ... کب) understood too; in
Arabic such a year would be lunar Hijri, which is not converted (asked again).
"""

from __future__ import annotations

import datetime as dt
import re

from bot.text.calendar import AFGHAN_MONTHS
from bot.text.normalize import normalize

_NUMERIC = re.compile(r"^(\d{1,4})\s*[/\-.\s]\s*(\d{1,2})(?:\s*[/\-.\s]\s*(\d{1,4}))?$")
_NAMED = re.compile(r"^(\d{1,2})\s*([^\d\s.]+)\.?(?:\s*(\d{2,4}))?$")

_LATIN_MONTHS = {
    "jan": 1, "feb": 2, "fev": 2, "mar": 3, "apr": 4, "avr": 4, "may": 5, "mai": 5,
    "jun": 6, "juin": 6, "jul": 7, "juil": 7, "aug": 8, "aou": 8, "sep": 9, "oct": 10,
    "nov": 11, "dec": 12,
}
# The Dari and the Pashto names (حمل ... حوت, وری ... کب), as the bot itself prints them.
_SOLAR_MONTHS = {normalize(name): number for names in AFGHAN_MONTHS.values()
                 for number, name in enumerate(names, start=1)}
SOLAR_YEARS = range(1300, 1500)


def parse_date(text: str, today: dt.date, language: str | None) -> dt.date | None:
    """The date `text` names, or None when it names none (or an impossible one)."""
    text = normalize(text)
    numeric = _NUMERIC.match(text)
    if numeric:
        first, month, last = numeric.groups()
        if len(first) == 4:
            if last is None:
                return None
            year, day = int(first), int(last)
        else:
            day, year = int(first), int(last) if last else None
        return _make(year, int(month), day, today, language)
    named = _NAMED.match(text)
    if named:
        day, name, year = named.groups()
        month, solar = _month(name)
        if month is None:
            return None
        if year is None:
            year = jalali_year(today) if solar else today.year
        return _make(int(year), month, int(day), today, language, solar)
    return None


def _month(name: str) -> tuple[int | None, bool]:
    if name in _SOLAR_MONTHS:
        return _SOLAR_MONTHS[name], True
    for prefix in sorted(_LATIN_MONTHS, key=len, reverse=True):
        if name.startswith(prefix):
            return _LATIN_MONTHS[prefix], False
    return None, False


def _make(year: int | None, month: int, day: int, today: dt.date, language: str | None,
          solar: bool = False) -> dt.date | None:
    year = today.year if year is None else year
    if year < 100:
        year += 2000
    try:
        if solar or year in SOLAR_YEARS:
            if language == "ar" or year not in SOLAR_YEARS:
                return None
            return jalali_to_gregorian(year, month, day)
        return dt.date(year, month, day)
    except ValueError:
        return None


_BREAKS = (-61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192,
           2262, 2324, 2394, 2456, 3178)


def _nowruz(jy: int) -> dt.date:
    """The Gregorian date of 1 Hamal (Farvardin) of Solar Hijri year `jy` (Borkowski's
    algorithm, as in the jalaali libraries)."""
    gy = jy + 621
    leap_j, jp, jump = -14, _BREAKS[0], 0
    for jm in _BREAKS[1:]:
        jump = jm - jp
        if jy < jm:
            break
        leap_j += jump // 33 * 8 + jump % 33 // 4
        jp = jm
    n = jy - jp
    leap_j += n // 33 * 8 + (n % 33 + 3) // 4
    if jump % 33 == 4 and jump - n == 4:
        leap_j += 1
    leap_g = gy // 4 - (gy // 100 + 1) * 3 // 4 - 150
    return dt.date(gy, 3, 20 + leap_j - leap_g)


def jalali_to_gregorian(jy: int, jm: int, jd: int) -> dt.date:
    month_days = 31 if jm <= 6 else 30
    if not (1 <= jm <= 12 and 1 <= jd <= month_days):
        raise ValueError("no such Solar Hijri date")
    offset = (jm - 1) * 31 - jm // 7 * (jm - 7) + jd - 1
    result = _nowruz(jy) + dt.timedelta(days=offset)
    if jm == 12 and result >= _nowruz(jy + 1):
        raise ValueError("no such Solar Hijri date")
    return result


def jalali_year(today: dt.date) -> int:
    return today.year - 621 if today >= _nowruz(today.year - 621) else today.year - 622
