"""Small helpers the work pages (reports, feedback, meetings, broadcasts) share."""

from __future__ import annotations

import datetime as dt

from flask import abort, current_app, g, request
from sqlalchemy import select

from bot.core.exports import Filters, day_filters
from bot.meetings.texts import localized
from bot.store import Meeting, Role, User
from bot.text import places
from bot.text.vocabulary import ROLES
from dashboard.auth import services
from dashboard.i18n import current_language, zone_name
from dashboard.i18n import gettext as _
from locales import LANGUAGES

MAX_ID = 2**31 - 1


def actor() -> str:
    """Who did it, for the audit trail and report history."""
    return f"user:{g.user.email}"


def choices() -> dict:
    geography = places.load(services().settings.places)
    return {"provinces": geography.places, "roles": ROLES, "contact_languages": LANGUAGES}


def checked_id(value: int) -> int:
    if value > MAX_ID:
        abort(404)
    return value


def form_ids(name: str, limit: int = 200) -> list[int]:
    """The ids a form sent under `name` (ticked boxes, chosen options); anything that is
    not an id is left out."""
    raw = request.form.getlist(name)[:limit]
    return [int(v) for v in raw if v.isascii() and v.isdigit() and int(v) <= MAX_ID]


def export_filters(f: dict) -> Filters:
    """The page's filters as the exports' Filters: days in the deployment's zone, the
    "until" day included."""
    return day_filters(zone_name(), f.get("since"), f.get("until"), status=f.get("status"),
                       category=f.get("category") or f.get("topic"), province=f.get("province"))


def get_or_404(db, model, ident: int):
    """The row of `model` with this id, or a 404 (an id beyond the column's range too)."""
    row = db.get(model, checked_id(ident))
    if row is None:
        abort(404)
    return row


def arg_date(name: str) -> dt.date | None:
    """A YYYY-MM-DD query argument; anything else is ignored, not an error."""
    try:
        return dt.date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def arg_choice(name: str, allowed) -> str:
    value = request.args.get(name, "")
    return value if value in allowed else ""


def page_number() -> int:
    raw = request.args.get("page", "1")
    return min(int(raw), 10_000) if raw.isdigit() and int(raw) > 0 else 1


def place_name(code: str | None) -> str:
    geography = places.load(services().settings.places)
    place = geography.get(code)
    return place.name(current_language()) if place else (code or _("dash.unknown"))


def default_zone() -> str:
    return current_app.extensions["dashboard"].timezone


def time_zones() -> list[str]:
    """The zones a form offers: the deployment's first, then those of the bundled lists of
    places, then UTC."""
    default = default_zone()
    others = {places.load(name).timezone for name in places.bundled()} | {"UTC"}
    return [default, *sorted(others - {default})]


def form_texts(name: str, limit: int = 200) -> dict[str, str]:
    """A text written per language (`name_en`, `name_fa`, ...), the empty ones left out."""
    texts = {code: request.form.get(f"{name}_{code}", "").strip()[:limit] for code in LANGUAGES}
    return {code: text for code, text in texts.items() if text}


def title_of(meeting: Meeting) -> str:
    return localized(meeting.title, current_language(), services().settings.default_language)


def coordinators(db) -> list[User]:
    """Active accounts that may follow up a report or a conversation."""
    return list(db.scalars(select(User).where(
        User.role.in_((Role.COORDINATOR, Role.ADMIN)), User.disabled_at.is_(None))
        .order_by(User.email)))
