"""Golden transcripts of the feedback and report flows in all five languages, with
what people really type: Persian and Arabic-Indic digits, keywords with and without
Arabic diacritics, a district name with a ZWNJ, a wrong answer, a date in the future,
and STATUS with the code received."""

import datetime as dt
import random
import re

import pytest
import time_machine

from bot.text import codes
from tests.builders import make_contact
from tests.golden import check_golden, transcript

LANGUAGES = ("en", "fa", "ps", "ar", "fr")

FEEDBACK = {
    "en": ["feedback", "9", "1", "The clinic in Dand has had no doctor for a month."],
    "fa": ["نظر", "۹", "۱", "کلینیک ده‌سبز یک ماه است که داکتر ندارد."],
    "ps": ["وړاندیز", "۹", "۱", "په ډنډ کې کلینیک یوه میاشت ډاکټر نه لري."],
    "ar": ["رَأْي", "٩", "١", "المركز الصحي في المعلا بلا طبيب منذ شهر."],
    "fr": ["avis", "9", "1", "Le centre de santé de Dand n'a pas de médecin depuis un mois."],
}
# category, when (a future date first), province (the registered one, offered first),
# district, text, urgent,
# anonymous
REPORT = {
    "en": ["report", "1", "30/12/2026", "1", "1", "Dand",
           "Two men were taken from the market by armed men.", "2", "2"],
    "fa": ["گزارش", "۳", "۱۴۰۵/۹/۳۰", "۲", "۱", "ده‌سبز",
           "یک زن در خانه‌اش لت و کوب شد و کمک می‌خواهد.", "۱", "۱"],
    "ps": ["راپور", "۴", "۱۴۰۵/۱۰/۱", "۱", "۱", "ډنډ",
           "ماشومان له ښوونځي څخه ایستل شوي دي.", "۲", "۲"],
    "ar": ["بَلَاغ", "٢", "٢٠٢٧/١/١", "١٥/١١/٢٠٢٦", "١", "المعلا",
           "تلقى مدافع عن حقوق الإنسان تهديدات بالقتل.", "١", "١"],
    "fr": ["signaler", "5", "demain", "3", "1", "Dand",
           "Des familles déplacées dorment dehors sans aide.", "2", "1"],
}
STATUS = {"en": "status", "fa": "وضعیت", "ps": "حالت", "ar": "الحالة", "fr": "statut"}


class Seeded:
    """`secrets` with a fixed seed, so that codes in the transcripts do not change."""

    def __init__(self):
        self.random = random.Random(7)

    def choice(self, sequence):
        return self.random.choice(sequence)


@pytest.fixture(autouse=True)
def fixed(monkeypatch):
    monkeypatch.setattr(codes, "secrets", Seeded())
    with time_machine.travel(dt.datetime(2026, 11, 23, 8, tzinfo=dt.UTC), tick=False):
        yield


@pytest.mark.parametrize("lang", LANGUAGES)
def test_feedback(services, request, lang):
    _, _, address = make_contact(services, lang=lang)
    check_golden(request, f"feedback.{lang}",
                 transcript(services, FEEDBACK[lang], address=address))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_report_then_status(services, request, lang):
    _, _, address = make_contact(services, lang=lang)
    filed = transcript(services, REPORT[lang], address=address)
    code = re.search(r"R-\w{4}", filed).group()
    asked = transcript(services, [f"{STATUS[lang]} {code}"], address=address)
    check_golden(request, f"report.{lang}", filed + asked)
