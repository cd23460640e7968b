"""The dashboard's language: per user (stored) or chosen with the switcher; text from the
`dashboard` gettext domain; numbers and dates formatted by Babel, in the script's digits.

Every time is shown in the deployment's zone (its places file), and every date filter is
read in it. Dari and Pashto readers get Solar Hijri dates with the Afghan month names,
as the SMS side writes them (bot.text.calendar); weeks start where the reader's locale
starts them (Saturday in Afghanistan)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent
from flask import current_app, g, request, session

from bot.core.clock import midnight, now
from bot.text.calendar import AFGHAN_MONTHS, gregorian, solar_hijri
from bot.text.normalize import localize_digits
from locales import LANGUAGES, NATIVE_NAMES, RTL, MissingMessage, Translator

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


def zone_name() -> str:
    return current_app.extensions["dashboard"].timezone


def zone_label(zone: str | None = None) -> str:
    """Asia/Kabul (UTC+04:30): the zone every time on the page is in (said once, in the
    footer), or another one named beside a time."""
    zone = zone or zone_name()
    offset = now().astimezone(ZoneInfo(zone)).strftime("%z")
    label = localize_digits(f"{zone} (UTC{offset[:3]}:{offset[3:]})", current_language())
    return f"\u2066{label}\u2069"  # isolated left-to-right, so RTL text keeps it whole


def local_midnight(day: dt.date) -> dt.datetime:
    """The start of `day` in the deployment's zone: what a date filter means."""
    return midnight(day, zone_name())


def local_today() -> dt.date:
    return now().astimezone(ZoneInfo(zone_name())).date()


def first_weekday() -> int:
    """The day the reader's week starts on (0 = Monday), as the reader's locale in the
    deployment's country counts weeks (CLDR: Saturday for fa_AF and ps_AF, Sunday for
    ar_YE)."""
    language = current_language()
    try:
        locale = Locale.parse(f"{language}_{current_app.extensions['dashboard'].country}")
    except UnknownLocaleError:
        locale = Locale.parse(_locale())
    return locale.first_week_day


def week_start(day: dt.date) -> dt.date:
    """The first day of the reader's week holding `day`."""
    return day - dt.timedelta(days=(day.weekday() - first_weekday()) % 7)


def week_days() -> list[int]:
    """The days of the week (0 = Monday) in the reader's order."""
    first = first_weekday()
    return [(first + i) % 7 for i in range(7)]


def digits(value) -> str:
    """A code or figure written in the reader's digits (check-in codes, durations)."""
    return localize_digits(str(value), current_language())


def _solar_date(day: dt.date, form: str) -> str:
    language = current_language()
    text = solar_hijri(day, language)
    if form == "d MMM":
        return text.rsplit(" ", 1)[0]
    if form in ("medium", "long"):
        return f"{text} ({gregorian(day, language)})"
    return text


def datetime(value: dt.datetime | None, form: str = "short", zone: str | None = None) -> str:
    """`value` in the deployment's zone (or in `zone`, for a meeting held elsewhere)."""
    if value is None:
        return ""
    zone = zone or zone_name()
    if current_language() in AFGHAN_MONTHS:
        local = value.astimezone(ZoneInfo(zone))
        text = f"{_solar_date(local.date(), form)} {local:%H:%M}"
    else:
        text = format_datetime(value, form, tzinfo=zone, locale=_locale())
    return localize_digits(text, current_language())


def date(value: dt.date | None, form: str = "d MMM") -> str:
    if value is None:
        return ""
    if current_language() in AFGHAN_MONTHS:
        text = _solar_date(value, form)
    else:
        text = format_date(value, form, locale=_locale())
    return localize_digits(text, current_language())


def word(prefix: str, code: str | None) -> str:
    """A stored code (an audit action, a message status, an export column) in the reader's
    words: the text of `prefix.code`, or the code itself when it has none, so that a new
    code still shows."""
    if not code:
        return ""
    try:
        return gettext(f"{prefix}.{code}")
    except MissingMessage:
        return code


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
        "datetime": datetime, "date": date, "digits": digits, "zone_label": zone_label,
        "zone_name": zone_name, "week_days": week_days, "word": word, "lang": language,
        "row_error": row_error, "dir": "rtl" if language in RTL else "ltr",
        "languages": NATIVE_NAMES,
        "sms_charsets": sms_charsets(language),
    }
