"""Dates in each reader's calendar, month names and digits."""

import datetime as dt

import pytest

from bot.text.calendar import local_date, local_time

DAY = dt.date(2026, 12, 1)


@pytest.mark.parametrize(("lang", "hijri", "expected"), [
    ("fa", False, "سه‌شنبه ۱۰ قوس ۱۴۰۵ (۱ دسمبر ۲۰۲۶)"),
    ("ps", False, "سه شنبه ۱۰ لیندۍ ۱۴۰۵ (۱ دسمبر ۲۰۲۶)"),
    ("ar", False, "الثلاثاء ١ ديسمبر ٢٠٢٦"),
    ("ar", True, "الثلاثاء ١ ديسمبر ٢٠٢٦ (٢١ جمادى الآخرة ١٤٤٨ هـ)"),
    ("fr", True, "mardi 1 décembre 2026"),
    ("en", False, "Tuesday 1 December 2026"),
])
def test_each_reader_gets_their_calendar(lang, hijri, expected):
    assert local_date(DAY, lang, hijri) == expected


@pytest.mark.parametrize(("day", "dari", "pashto"), [
    (dt.date(2027, 3, 21), "۱ حمل ۱۴۰۶", "۱ وری ۱۴۰۶"),  # Nowruz: the year turns
    (dt.date(2027, 3, 20), "۲۹ حوت ۱۴۰۵", "۲۹ کب ۱۴۰۵"),
    (dt.date(2026, 6, 21), "۳۱ جوزا ۱۴۰۵", "۳۱ غبرګولی ۱۴۰۵"),
])
def test_solar_hijri_uses_afghan_month_names(day, dari, pashto):
    assert dari in local_date(day, "fa")
    assert pashto in local_date(day, "ps")
    assert "فروردین" not in local_date(day, "fa")


def test_times_use_the_readers_digits():
    moment = dt.datetime(2026, 12, 1, 14, 30)
    assert (local_time(moment, "fa"), local_time(moment, "ar"), local_time(moment, "fr")) == (
        "۱۴:۳۰", "١٤:٣٠", "14:30")
