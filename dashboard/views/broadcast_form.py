"""The broadcast composer's form, read into a bot.broadcasts.compose.Draft. Nothing is
decided here that compose.preview does not check again."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import g, request

from bot.broadcasts.audience import FILTER_KEYS
from bot.broadcasts.compose import Draft
from bot.broadcasts.schedule import to_utc
from bot.store import Recurrence
from dashboard.auth import services
from dashboard.i18n import gettext as _
from dashboard.views.common import default_zone
from locales import LANGUAGES

TEXT_LIMIT = 1600  # ten SMS segments of GSM-7, more than anyone should send


class FormError(ValueError):
    pass


def default_values() -> dict:
    start, _sep, end = (services().settings.broadcast_quiet_hours or "").partition("-")
    return {"name": "", "texts": {}, "when": "now", "at": "", "tz": default_zone(),
            "repeat": Recurrence.NONE, "weekdays": [], "until": "", "quiet": bool(start),
            "quiet_start": start or "21:00", "quiet_end": end or "07:00", "stop_hint": True,
            **{key: [] for key in FILTER_KEYS}, **{f"exclude_{k}": [] for k in FILTER_KEYS}}


def values_from_form() -> dict:
    form = request.form
    values = {
        "name": form.get("name", "").strip()[:120],
        "texts": {lang: form.get(f"text_{lang}", "")[:TEXT_LIMIT] for lang in LANGUAGES},
        "when": "at" if form.get("when") == "at" else "now",
        "at": form.get("at", "")[:32], "tz": form.get("tz", "").strip()[:64] or default_zone(),
        "repeat": form.get("repeat", Recurrence.NONE),
        "weekdays": [int(d) for d in form.getlist("weekdays") if d in "0123456"][:7],
        "until": form.get("until", "")[:10], "quiet": bool(form.get("quiet")),
        "quiet_start": form.get("quiet_start", "")[:5], "quiet_end": form.get("quiet_end", "")[:5],
        "stop_hint": bool(form.get("stop_hint")),
    }
    for key in FILTER_KEYS:
        for prefix in ("", "exclude_"):
            raw = [v[:64] for v in form.getlist(prefix + key)][:200]
            if key == "groups":
                raw = [int(v) for v in raw if v.isdigit() and int(v) < 2**31]
            values[prefix + key] = raw
    return values


def _local(value: str, zone: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise FormError(_("dash.broadcast.bad_time")) from None
    return to_utc(parsed.date(), parsed.time(), zone)


def draft_of(values: dict) -> Draft:
    if not values["name"]:
        raise FormError(_("dash.broadcast.needs_name"))
    if values["repeat"] not in Recurrence.ALL:
        raise FormError(_("dash.broadcast.bad_repeat"))
    zone = values["tz"]
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise FormError(_("dash.broadcast.bad_zone")) from None
    send_at = _local(values["at"], zone) if values["when"] == "at" else None
    ends_at = _local(values["until"] + "T23:59:59", zone) if values["until"] else None
    audience = {key: values[key] for key in FILTER_KEYS}
    audience["exclude"] = {key: values[f"exclude_{key}"] for key in FILTER_KEYS}
    return Draft(
        name=values["name"], texts={k: v for k, v in values["texts"].items() if v.strip()},
        audience=audience, timezone=zone, send_at=send_at, recurrence=values["repeat"],
        weekdays=tuple(values["weekdays"]), ends_at=ends_at,
        quiet=(values["quiet_start"], values["quiet_end"]) if values["quiet"] else None,
        stop_hint=values["stop_hint"], created_by=g.user.email[:120],
    )
