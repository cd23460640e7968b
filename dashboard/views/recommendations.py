"""Recommendations: every one with its source and dated history, a status change (told
to those who took part, if asked), and a printable page to attach to a shadow report
or bring to the next meeting. The CSV/XLSX export is on the exports page."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from bot.audit import trail as audit
from bot.consultations import recommendations as service
from bot.consultations.spec import SpecError
from bot.core.clock import now
from bot.store import Consultation, Meeting, Recommendation, RecommendationStatus
from dashboard.auth import services
from dashboard.i18n import gettext as _
from dashboard.nav import NavItem
from dashboard.page import page_blueprint
from dashboard.permissions import require
from dashboard.views.common import actor, get_or_404, title_of
from locales import LANGUAGES

bp = page_blueprint("recommendations", "/recommendations")
NAV = NavItem(46, "recommendations.index", "dash.nav.recommendations", "broadcasts.view",
              section="outreach")


def _page(template: str, form: dict | None = None, error: str | None = None):
    with services().database.read() as db:
        rows = service.listing(db)
        consultations = db.execute(select(Consultation.id, Consultation.name)
                                   .order_by(Consultation.id.desc())).all()
        meetings = [(m.id, title_of(m)) for m in db.scalars(
            select(Meeting).order_by(Meeting.starts_at.desc()))]
    return render_template(template, rows=rows, statuses=RecommendationStatus.ALL,
                           source_of=service.source_of, consultations=consultations,
                           meetings=meetings, languages_written=LANGUAGES,
                           form=form or {}, error=error)


@bp.get("/")
@require("broadcasts.view")
def index():
    return _page("recommendations/index.html")


@bp.post("/")
@require("broadcasts.send")
def create():
    """A recommendation from one consultation or meeting ("consultation:3", "meeting:5")."""
    form = request.form.to_dict()
    kind, _sep, ident = form.get("source", "").partition(":")
    source = {"consultation": ("consultation_id", Consultation),
              "meeting": ("meeting_id", Meeting)}.get(kind)
    with services().database.write() as db:
        try:
            if source is None or not ident.isdigit() or db.get(source[1], int(ident)) is None:
                raise SpecError("source", _("dash.recommendation.pick_source"))
            row = service.add(db, texts={lang: form.get(f"text_{lang}", "")
                                         for lang in LANGUAGES},
                              addressed_to=form.get("addressed_to", ""), by=actor(),
                              now=now(), **{source[0]: int(ident)})
        except SpecError as error:
            db.rollback()
            return _page("recommendations/index.html", form, str(error)), 422
        audit.record(db, actor(), "recommendation.add", "recommendation", row.id)
    flash(_("dash.recommendation.added"))
    return redirect(url_for("recommendations.index"))


@bp.get("/print")
@require("broadcasts.view")
def printable():
    return _page("recommendations/print.html")


@bp.post("/<int:recommendation_id>/status")
@require("broadcasts.send")
def set_status(recommendation_id: int):
    with services().database.write() as db:
        row = get_or_404(db, Recommendation, recommendation_id)
        try:
            step = service.change(db, row, request.form.get("status", ""),
                                  note=request.form.get("note"), by=actor(), now=now(),
                                  announce=request.form.get("announce") == "1",
                                  settings=services().settings)
        except SpecError as error:
            flash(str(error), "error")
            return redirect(url_for("recommendations.index"))
        audit.record(db, actor(), "recommendation.status", "recommendation", row.id,
                     {"status": row.status, "announced": step.announced})
    flash(_("dash.recommendation.changed", n=step.announced))
    return redirect(url_for("recommendations.index"))
