"""Normalising what people type, so that keywords and menu answers match.

Folded: case and Latin accents; Persian (۰-۹) and Arabic-Indic (٠-٩) digits to ASCII;
Arabic and Persian yeh (ي ی ى) and kaf (ك ک); alef with hamza or madda (أ إ آ ٱ) to
bare alef; teh marbuta and heh-with-yeh to heh. Removed: tatweel, Arabic diacritics,
ZWNJ/ZWJ, bidi controls and other invisible or control characters. Kept: the letters
that make Pashto distinct (ټ ډ ړ ږ ښ ګ ڼ ې ۍ ئ ځ څ), which are separate letters, not
spelling variants.
"""

from __future__ import annotations

import re
import unicodedata

_DIGITS = {ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")}
_DIGITS |= {ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")}

_FOLD = {
    "\u064a": "\u06cc",  # Arabic yeh -> Persian yeh
    "\u0649": "\u06cc",  # alef maksura -> Persian yeh
    "\u0643": "\u06a9",  # Arabic kaf -> keheh
    "\u0623": "\u0627",  # alef with hamza above
    "\u0625": "\u0627",  # alef with hamza below
    "\u0622": "\u0627",  # alef with madda
    "\u0671": "\u0627",  # alef wasla
    "\u0629": "\u0647",  # teh marbuta -> heh
    "\u06c0": "\u0647",  # heh with yeh above -> heh
    "\u06d5": "\u0647",  # ae -> heh
}

_BIDI = {
    "\u200e", "\u200f", "\u061c",  # LRM, RLM, Arabic letter mark
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",  # embeddings and overrides
    "\u2066", "\u2067", "\u2068", "\u2069",  # isolates
    "\ufeff",  # BOM
}
_REMOVE = _BIDI | {
    "\u0640",  # tatweel
    "\u200b", "\u200c", "\u200d",  # zero-width space, ZWNJ, ZWJ
    "\u00ad",  # soft hyphen
}
_ARABIC_MARKS = re.compile(
    "[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed]"
)
_SPACES = re.compile(r"\s+")
# "#" and "*" stay: they are keys on a basic phone's keypad.
_EDGE_PUNCTUATION = ".,;:!?¿¡'\"()[]{}«»،؛؟-_"

TRANSLATION = str.maketrans({**_DIGITS, **_FOLD, **dict.fromkeys(map(ord, _REMOVE))})


def _strip_latin_accents(text: str) -> str:
    # Decompose only below the Hebrew/Arabic blocks: NFD would split ئ (a Pashto
    # letter) into yeh plus a combining hamza.
    out = []
    for char in text:
        if ord(char) < 0x0590:
            decomposed = unicodedata.normalize("NFD", char)
            out.extend(c for c in decomposed if not unicodedata.combining(c))
        else:
            out.append(char)
    return "".join(out)


def clean(text: str) -> str:
    """What we keep of a free-text answer: control characters, NULs and bidi overrides
    gone (they can disguise text in the dashboard), the letters and ZWNJ as typed."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(
        c for c in text
        if c in "\n\t" or (unicodedata.category(c) not in ("Cc", "Cs", "Co") and c not in _BIDI)
    )
    return text.strip()


def normalize(text: str) -> str:
    """The form used to compare keywords and menu answers."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cs", "Co", "Cf"))
    text = text.translate(TRANSLATION)
    text = _ARABIC_MARKS.sub("", text)
    text = _strip_latin_accents(text).casefold()
    return _SPACES.sub(" ", text).strip().strip(_EDGE_PUNCTUATION).strip()


def to_ascii_digits(text: str) -> str:
    return text.translate(_DIGITS)


_NATIVE_DIGITS = {"fa": "۰۱۲۳۴۵۶۷۸۹", "ps": "۰۱۲۳۴۵۶۷۸۹", "ar": "٠١٢٣٤٥٦٧٨٩"}
# Where Arabic is written with the digits 0-9 (the Maghreb).
WESTERN_ARABIC_COUNTRIES = frozenset({"MA", "DZ", "TN", "LY", "MR"})
_deployment = {"country": ""}


def use_country(country: str) -> None:
    """The country of the deployment's places (Services sets it from the places file)."""
    _deployment["country"] = country


def localize_digits(text: str, language: str | None) -> str:
    """ASCII digits written in the script of `language` (Dari and Pashto use the
    Persian forms, Arabic the Arabic-Indic ones, except where the deployment's country
    writes Arabic with 0-9: Moroccans do)."""
    if language == "ar" and _deployment["country"] in WESTERN_ARABIC_COUNTRIES:
        return text
    digits = _NATIVE_DIGITS.get(language or "")
    if not digits:
        return text
    return text.translate({ord(str(i)): d for i, d in enumerate(digits)})
