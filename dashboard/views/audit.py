"""The audit trail (admins only): newest first, filtered by action, actor and dates."""

from __future__ import annotations

import datetime as dt

from flask import render_template, request
from sqlalchemy import Select, select

from bot.store import AuditEvent
from dashboard.auth import services
from dashboard.nav import NavItem
from dashboard.page import page_blueprint
from dashboard.permissions import require

bp = page_blueprint("audit", "/audit")
NAV = NavItem(88, "audit.index", "dash.nav.audit", "audit.view",
              section="records")
PAGE = 100
FILTERS = ("action", "actor", "since", "until")


def _day(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)
    except ValueError:
        return None


def chosen() -> dict[str, str]:
    return {key: request.args[key][:120] for key in FILTERS if request.args.get(key)}


def query(filters: dict[str, str]) -> Select:
    found = select(AuditEvent).order_by(AuditEvent.id.desc())
    if filters.get("action"):
        found = found.where(AuditEvent.action == filters["action"])
    if filters.get("actor"):
        # A literal substring: % and _ typed by the admin match themselves.
        found = found.where(AuditEvent.actor.contains(filters["actor"], autoescape=True))
    if (since := _day(filters.get("since", ""))) is not None:
        found = found.where(AuditEvent.at >= since)
    if (until := _day(filters.get("until", ""))) is not None:
        found = found.where(AuditEvent.at < until + dt.timedelta(days=1))
    return found


def _page_number() -> int:
    raw = request.args.get("page", "1")
    return min(int(raw), 10_000) if raw.isdigit() and int(raw) > 0 else 1


@bp.get("/")
@require("audit.view")
def index():
    filters, page = chosen(), _page_number()
    with services().database.read() as db:
        events = list(db.scalars(query(filters).offset((page - 1) * PAGE).limit(PAGE + 1)))
        actions = list(db.scalars(select(AuditEvent.action).distinct().order_by(
            AuditEvent.action)))
    return render_template("audit.html", events=events[:PAGE], more=len(events) > PAGE,
                           page=page, chosen=filters, actions=actions)
