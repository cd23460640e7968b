"""The audit trail (admins only): newest first, filtered by action, actor and dates (days
in the deployment's zone, as the rows are shown)."""

from __future__ import annotations

import datetime as dt

from flask import render_template, request
from sqlalchemy import Select, select

from bot.store import AuditEvent
from dashboard.auth import services
from dashboard.i18n import digits, gettext, local_midnight, word
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
        return local_midnight(dt.date.fromisoformat(value))
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


def actor_label(actor: str) -> str:
    """user:a@b.org -> a@b.org; cli:root -> command line (root); token:7 -> API token 7;
    system, scheduler, reporter, anonymous -> words."""
    kind, _, who = actor.partition(":")
    if kind == "user":
        return who
    if kind in ("cli", "token", "contact") and who:
        return gettext(f"dash.word.actor.{kind}_named", who=digits(who) if kind != "cli" else who)
    return word("dash.word.actor", actor)


def target_label(kind: str | None, ident: str | None) -> tuple[str, str]:
    """(report, R-7K3Q), (user, ۳), (export of reports, ""): the words, and the id to show
    left-to-right beside them (a code stays as it is typed, a number in the reader's digits)."""
    if kind == "export":
        return gettext("dash.word.target.export_named", name=word("dash.word.export", ident)), ""
    if not ident:
        return word("dash.word.target", kind), ""
    return word("dash.word.target", kind), digits(ident) if ident.isdigit() else ident


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
                           page=page, chosen=filters, actions=actions, actor_label=actor_label,
                           target_label=target_label)
