"""Recommendations: every one with its source and dated history, a status change (told
to those who took part, if asked), and a printable page to attach to a shadow report
or bring to the next meeting. The CSV/XLSX export is on the exports page."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from bot.audit import trail as audit
from bot.consultations import recommendations as service
from bot.consultations.spec import SpecError
from bot.core.clock import now
from bot.store import Recommendation, RecommendationStatus
from dashboard.auth import services
from dashboard.i18n import gettext as _
from dashboard.nav import NavItem
from dashboard.page import page_blueprint
from dashboard.permissions import require
from dashboard.views.common import actor, get_or_404

bp = page_blueprint("recommendations", "/recommendations")
NAV = NavItem(46, "recommendations.index", "dash.nav.recommendations", "broadcasts.view",
              section="outreach")


def _page(template: str):
    with services().database.read() as db:
        rows = service.listing(db)
    return render_template(template, rows=rows, statuses=RecommendationStatus.ALL,
                           source_of=service.source_of)


@bp.get("/")
@require("broadcasts.view")
def index():
    return _page("recommendations/index.html")


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
