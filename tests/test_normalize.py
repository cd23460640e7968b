import pytest

from bot import features
from bot.text.keywords import match
from bot.text.normalize import clean, localize_digits, normalize


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("HELP", "help"),
        ("  Aidé ! ", "aide"),
        ("SUPPRIMER", "supprimer"),
        ("مُساعَدَة", "مساعده"),  # Arabic with diacritics, teh marbuta
        ("مساعدة", "مساعده"),
        ("ﻣﺴﺎﻋﺪﺓ", "مساعده"),  # presentation forms, as some old phones send
        ("ـمـسـاعـدة", "مساعده"),  # tatweel
        ("كمك", "کمک"),  # Arabic kaf folded to keheh
        ("يک", "یک"),  # Arabic yeh folded to Persian yeh
        ("إلغاء", "الغاء"),  # hamza on alef
        ("۱۲", "12"),  # Persian digits
        ("٣٤", "34"),  # Arabic-Indic digits
        ("\u202bکمک\u202c", "کمک"),  # bidi embedding
        ("\u200fمنو\u200e", "منو"),  # RLM / LRM
        ("می\u200cخواهم", "میخواهم"),  # ZWNJ
        ("a\x00b", "ab"),  # NUL
        ("مرسته", "مرسته"),
    ],
)
def test_normalize_folds_variants(typed, expected):
    assert normalize(typed) == expected


@pytest.mark.parametrize("letter", list("ټډړږښګڼېۍئځڅ"))
def test_pashto_letters_are_kept(letter):
    assert normalize(letter) == letter


def test_pashto_words_stay_distinct_from_look_alikes():
    assert normalize("ګډون") != normalize("گدون")
    assert normalize("پرېږده") == "پرېږده"


@pytest.mark.parametrize(
    ("typed", "keyword"),
    [
        ("help", "HELP"), ("Aide", "HELP"), ("مساعدة", "HELP"), ("کمک", "HELP"),
        ("مرسته", "HELP"), ("STOP", "STOP"), ("توقف", "STOP"), ("ودرول", "STOP"),
        ("menu", "MENU"), ("منو", "MENU"), ("القائمة", "MENU"), ("مینو", "MENU"),
        ("langue", "LANG"), ("زبان", "LANG"), ("ژبه", "LANG"), ("اللغة", "LANG"),
        ("0", "CANCEL"), ("۰", "CANCEL"), ("٠", "CANCEL"), ("annuler", "CANCEL"),
        ("إلغاء", "CANCEL"), ("لغو", "CANCEL"), ("JOIN", "START"), ("ګډون", "START"),
        ("حذف", "DELETE"), ("supprimer", "DELETE"), ("ړنګول", "DELETE"),
    ],
)
def test_keywords_match_in_every_script(typed, keyword):
    features.install()
    matched = match(normalize(typed))
    assert matched is not None and matched[0].name == keyword


def test_keyword_must_be_the_whole_message():
    features.install()
    assert match(normalize("stop the violence in our village")) is None


def test_clean_keeps_letters_and_drops_controls():
    assert clean("  نام\u200cمن\x00 \u202e") == "نام\u200cمن"


def test_localize_digits():
    assert localize_digits("12", "fa") == "۱۲"
    assert localize_digits("12", "ps") == "۱۲"
    assert localize_digits("12", "ar") == "١٢"
    assert localize_digits("12", "fr") == "12"
