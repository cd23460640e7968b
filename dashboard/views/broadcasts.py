"""Broadcasts: the list, the composer (texts per language with the live SMS counter,
audience, schedule), the preview (bot.broadcasts.compose), and the progress page with
pause, resume and cancel (bot.broadcasts.control)."""

from __future__ import annotations

import dataclasses

from flask import flash, redirect, render_template, url_for
from sqlalchemy import select

from bot.audit import trail as audit
from bot.broadcasts import compose, control, runner
from bot.core.clock import now
from bot.store import Broadcast, Group, Recurrence
from dashboard import scope
from dashboard.auth import services
from dashboard.i18n import current_language, number
from dashboard.i18n import gettext as _
from dashboard.nav import NavItem
from dashboard.page import page_blueprint
from dashboard.permissions import require
from dashboard.views.broadcast_form import FormError, default_values, draft_of, values_from_form
from dashboard.views.common import actor, choices, get_or_404, time_zones
from locales import LANGUAGES, NATIVE_NAMES

bp = page_blueprint("broadcasts", "/broadcasts")
NAV = NavItem(40, "broadcasts.index", "dash.nav.broadcasts", "broadcasts.view",
              section="outreach")


@bp.get("/")
@require("broadcasts.view")
def index():
    with services().database.read() as db:
        rows = list(db.scalars(select(Broadcast).order_by(Broadcast.created_at.desc(),
                                                          Broadcast.id.desc()).limit(200)))
    return render_template("broadcasts/index.html", broadcasts=rows)


def _composer(values: dict, result=None, error: str | None = None, status: int = 200):
    with services().database.read() as db:
        groups = [(g.id, g.name) for g in db.scalars(select(Group).order_by(Group.name))]
    lang = current_language()
    options = {
        "groups": groups,
        "provinces": [(p.code, p.name(lang)) for p in choices()["provinces"]],
        "roles": [(r, _(f"role.{r}")) for r in choices()["roles"]],
        "languages": list(NATIVE_NAMES.items()),
        "channels": [(c, _(f"dash.channel.{c}")) for c in runner.channels(services())],
    }
    return render_template(
        "broadcasts/new.html", values=values, preview=result, error=error, options=options,
        text_languages=LANGUAGES, recurrences=Recurrence.ALL, time_zones=time_zones(),
        warnings=[in_words(w, "warning") for w in result.warnings] if result else [],
        errors=[in_words(e, "error") for e in result.errors] if result else []), status


def in_words(notice: compose.Notice, kind: str) -> str:
    """A preview's warning or error in the reader's language, with languages named."""
    values = {key: NATIVE_NAMES.get(value, value) if key in ("language", "fallback")
              else number(value) if isinstance(value, int) else value
              for key, value in notice.values.items()}
    return _(f"dash.broadcast.{kind}.{notice.key}", **values)


@bp.get("/new")
@require("broadcasts.send")
def new():
    return _composer(default_values())


def _preview(values: dict):
    draft = draft_of(values)
    settings = services().settings
    with services().database.read() as db:
        result = compose.preview(db, draft, default_language=settings.default_language,
                                 channels=runner.channels(services()), now=now(),
                                 large_audience=settings.broadcast_confirm_above)
    return draft, result


@bp.post("/preview")
@require("broadcasts.send")
def preview():
    values = values_from_form()
    try:
        _draft, result = _preview(values)
    except FormError as error:
        return _composer(values, error=str(error), status=422)
    return _composer(values, result)


@bp.post("/")
@require("broadcasts.send")
def create():
    values = values_from_form()
    try:
        draft, result = _preview(values)
    except FormError as error:
        return _composer(values, error=str(error), status=422)
    if result.errors:
        return _composer(values, result, status=422)
    if not scope.confines(draft.audience):
        return _composer(values, result, error=_("dash.scope.audience_outside"), status=422)
    with services().database.write() as db:
        broadcast = compose.store(db, draft, now=now())
        audit.record(db, actor(), "broadcast.create", "broadcast", broadcast.id,
                     {"recipients": result.total, "languages": sorted(broadcast.texts),
                      "recurrence": broadcast.recurrence})
        broadcast_id = broadcast.id
    flash(_("dash.broadcast.created"))
    return redirect(url_for("broadcasts.show", broadcast_id=broadcast_id))


def _broadcast(db, broadcast_id: int) -> Broadcast:
    return get_or_404(db, Broadcast, broadcast_id)


@bp.get("/<int:broadcast_id>")
@require("broadcasts.view")
def show(broadcast_id: int):
    with services().database.read() as db:
        broadcast = _broadcast(db, broadcast_id)
        counts = control.counts(db, control.run_ids(db, broadcast.id))
        texts = compose.versions(broadcast.texts)
    return render_template("broadcasts/show.html", broadcast=broadcast,
                           counts=dataclasses.asdict(counts), versions=texts)


def _control(broadcast_id: int, action: str, work):
    with services().database.write() as db:
        broadcast = _broadcast(db, broadcast_id)
        try:
            changed = work(db, broadcast)
        except control.ControlError:
            flash(_("dash.broadcast.cannot", action=_(f"dash.broadcast.{action}")), "error")
        else:
            audit.record(db, actor(), f"broadcast.{action}", "broadcast", broadcast.id,
                         {"messages": changed})
            flash(_(f"dash.broadcast.{action}d" if action != "cancel" else
                    "dash.broadcast.cancelled"))
    return redirect(url_for("broadcasts.show", broadcast_id=broadcast_id))


@bp.post("/<int:broadcast_id>/pause")
@require("broadcasts.send")
def pause(broadcast_id: int):
    return _control(broadcast_id, "pause", control.pause)


@bp.post("/<int:broadcast_id>/resume")
@require("broadcasts.send")
def resume(broadcast_id: int):
    return _control(broadcast_id, "resume", lambda db, b: control.resume(db, b, now()))


@bp.post("/<int:broadcast_id>/cancel")
@require("broadcasts.send")
def cancel(broadcast_id: int):
    return _control(broadcast_id, "cancel", lambda db, b: control.cancel(db, b, now()))
