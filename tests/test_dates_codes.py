"""Typed dates (Gregorian and Solar Hijri) and reference codes."""

import datetime as dt

import pytest

from bot.text.codes import ALPHABET, new_code, parse_code
from bot.text.dates import jalali_to_gregorian, jalali_year, parse_date

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(("jalali", "gregorian"), [
    ((1403, 1, 1), dt.date(2024, 3, 20)),
    ((1399, 12, 30), dt.date(2021, 3, 20)),
    ((1400, 1, 1), dt.date(2021, 3, 21)),
    ((1402, 10, 11), dt.date(2024, 1, 1)),
    ((1405, 9, 2), dt.date(2026, 11, 23)),
])
def test_solar_hijri_dates_convert(jalali, gregorian):
    assert jalali_to_gregorian(*jalali) == gregorian


def test_a_day_that_is_not_in_the_solar_calendar_is_refused():
    with pytest.raises(ValueError):
        jalali_to_gregorian(1404, 12, 30)  # 1404 is not a leap year
    with pytest.raises(ValueError):
        jalali_to_gregorian(1405, 7, 31)


def test_the_solar_year_turns_at_nowruz():
    assert jalali_year(dt.date(2026, 3, 20)) == 1404
    assert jalali_year(dt.date(2026, 3, 21)) == 1405


@pytest.mark.parametrize(("typed", "language", "expected"), [
    ("15/11/2026", "en", dt.date(2026, 11, 15)),
    ("15-11-26", "en", dt.date(2026, 11, 15)),
    ("2026.11.15", "fr", dt.date(2026, 11, 15)),
    ("15/11", "en", dt.date(2026, 11, 15)),
    ("3 Nov", "en", dt.date(2026, 11, 3)),
    ("3 févr. 2025", "fr", dt.date(2025, 2, 3)),
    ("۱۴۰۵/۹/۲", "fa", dt.date(2026, 11, 23)),
    ("۲ قوس ۱۴۰۵", "ps", dt.date(2026, 11, 23)),
    ("۲ قوس", "fa", dt.date(2026, 11, 23)),
    ("١٥/١١/٢٠٢٦", "ar", dt.date(2026, 11, 15)),
    ("١٤٤٨/٥/١", "ar", None),  # lunar Hijri: not converted, asked again
    ("31/2/2026", "en", None),
    ("yesterday", "en", None),
    ("2026", "en", None),
])
def test_typed_dates(typed, language, expected):
    assert parse_date(typed, TODAY, language) == expected


def test_codes_avoid_look_alike_characters_and_taken_codes():
    assert not set("01OI") & set(ALPHABET) and len(ALPHABET) == 32
    taken = {"R-2222"}
    codes = {new_code("R", taken.__contains__) for _ in range(200)}
    assert all(len(c) == 6 and c[2:].strip(ALPHABET) == "" for c in codes)
    assert "R-2222" not in codes and len(codes) > 190


def test_a_crowded_code_space_grows_a_character():
    assert len(new_code("R", lambda code: len(code) == 6)) == 7


@pytest.mark.parametrize(("typed", "expected"), [
    ("r-7k3q", "R-7K3Q"), ("R 7K3Q", "R-7K3Q"), ("7k3q", "R-7K3Q"), ("R7K3Q", "R-7K3Q"),
    ("R7K3", "R-R7K3"), ("r-7k3", None), ("R-0K3Q", None), ("hello", None), ("", None),
    ("R-۷K۳Q", "R-7K3Q"),
])
def test_typed_codes(typed, expected):
    assert parse_code("R", typed) == expected
