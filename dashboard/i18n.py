"""The dashboard's language: per user (stored) or chosen with the switcher; text from the
`dashboard` gettext domain; numbers and dates formatted by Babel, in the script's digits."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent
from flask import current_app, g, request, session

from bot.text.normalize import localize_digits
from locales import LANGUAGES, NATIVE_NAMES, RTL, Translator

BABEL_LOCALES = {"en": "en", "fa": "fa_AF", "ps": "ps_AF", "ar": "ar", "fr": "fr"}


def current_language() -> str:
    if "language" in g:
        return g.language
    user = g.get("user")
    chosen = session.get("language") or (user.language if user else None)
    if chosen not in LANGUAGES:
        default = current_app.extensions["mashwara"].settings.default_language
        chosen = request.accept_languages.best_match(LANGUAGES, default=default)
    g.language = chosen
    return chosen


def translator() -> Translator:
    return Translator(current_language(), "en")


def gettext(msgid: str, **params) -> str:
    return translator()(msgid, **params)


def ngettext(msgid: str, n: int, **params) -> str:
    return translator().plural(msgid, n, num=number(n), **params)


def _locale() -> str:
    return BABEL_LOCALES[current_language()]


def number(value) -> str:
    if value is None:
        return ""
    return localize_digits(format_decimal(value, locale=_locale()), current_language())


def percent(value: float) -> str:
    return localize_digits(format_percent(value, locale=_locale()), current_language())


def _zone() -> str:
    return current_app.extensions["dashboard"].timezone


def datetime(value: dt.datetime | None, form: str = "short") -> str:
    if value is None:
        return ""
    text = format_datetime(value, form, tzinfo=_zone(), locale=_locale())
    return localize_digits(text, current_language())


def date(value: dt.date | None, form: str = "d MMM") -> str:
    if value is None:
        return ""
    return localize_digits(format_date(value, form, locale=_locale()), current_language())


def row_error(error: Exception) -> str:
    """An import or form error in the reader's language (bot.contacts.imports.RowError)."""
    code = getattr(error, "code", None)
    if code is None:
        return str(error)
    return gettext(f"dash.import.error.{code}", **{k: str(v) for k, v in error.params.items()})


def sms_charsets(language: str) -> dict:
    """What templates/_segments.html hands to static/segments.js."""
    from bot.text.segments import GSM_BASIC, GSM_EXTENSION

    return {"basic": "".join(sorted(GSM_BASIC - {"\r"})),
            "extension": "".join(sorted(GSM_EXTENSION)),
            "digits": localize_digits("0123456789", language)}


def template_globals() -> dict:
    language = current_language()
    return {
        "_": gettext, "ngettext": ngettext, "number": number, "percent": percent,
        "datetime": datetime, "date": date, "lang": language, "row_error": row_error,
        "dir": "rtl" if language in RTL else "ltr", "languages": NATIVE_NAMES,
        "sms_charsets": sms_charsets(language),
    }
