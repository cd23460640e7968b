"""Registration and every always-on keyword, in all five languages."""

import pytest

from tests.builders import make_contact
from tests.golden import check_golden, transcript

LANGUAGE_NUMBER = {"en": "1", "fa": "2", "ps": "3", "ar": "4", "fr": "5"}
NAMES = {"en": "Amina", "fa": "زرغونه", "ps": "ملالۍ", "ar": "فاطمة", "fr": "Amina"}
DISTRICTS = {"en": "Dand", "fa": "ده‌سبز", "ps": "ډنډ", "ar": "المعلا", "fr": "Dand"}
# what people type: Persian digits in Dari, Arabic-Indic in Arabic, ASCII elsewhere
DIGITS = {"fa": "۱۲۳۴۵۶۷۸۹", "ps": "۱۲۳۴۵۶۷۸۹", "ar": "١٢٣٤٥٦٧٨٩"}
GREETING = {"en": "hello", "fa": "سلام", "ps": "سلام", "ar": "مرحبا", "fr": "bonjour"}
LANGUAGES = list(LANGUAGE_NUMBER)


def typed(lang: str, digit: str) -> str:
    table = DIGITS.get(lang)
    return table[int(digit) - 1] if table else digit


@pytest.mark.parametrize("lang", LANGUAGES)
def test_registration(services, request, lang):
    inputs = [GREETING[lang], LANGUAGE_NUMBER[lang], typed(lang, "1"), NAMES[lang],
              "#", typed(lang, "1") + typed(lang, "4"), DISTRICTS[lang], typed(lang, "2")]
    check_golden(request, f"registration.{lang}", transcript(services, inputs, lang=lang))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_declining_consent(services, request, lang):
    inputs = [GREETING[lang], LANGUAGE_NUMBER[lang], typed(lang, "2")]
    check_golden(request, f"registration-declined.{lang}", transcript(services, inputs, lang))


KEYWORDS = {
    "en": ["help", "stop", "start", "menu", "lang", "1", "cancel", "delete", "2"],
    "fa": ["کمک", "توقف", "شروع", "منو", "زبان", "۲", "لغو", "حذف", "۲"],
    "ps": ["مرسته", "ودرول", "پیل", "مینو", "ژبه", "۳", "لغوه", "پاکول", "۲"],
    "ar": ["مساعدة", "توقف", "ابدأ", "القائمة", "اللغة", "٤", "إلغاء", "حذف", "٢"],
    "fr": ["aide", "stop", "inscription", "menu", "langue", "5", "annuler", "supprimer", "2"],
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_always_on_keywords(services, request, lang):
    _, _, address = make_contact(services, lang=lang)
    check_golden(request, f"keywords.{lang}",
                 transcript(services, KEYWORDS[lang], address=address))
