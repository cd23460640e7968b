"""Feedback: the list with filters (topic, province, date); the text only for those
allowed to read it."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import select

from bot.store import Feedback
from dashboard.auth import services
from dashboard.nav import NavItem
from dashboard.page import page_blueprint
from dashboard.permissions import require
from dashboard.views.common import arg_choice, arg_date, choices, export_filters, page_number

bp = page_blueprint("feedback", "/feedback")
NAV = NavItem(27, "feedback.index", "dash.nav.feedback", "feedback.view",
              section="followup")
PAGE = 50


def _filters() -> dict:
    provinces = {p.code for p in choices()["provinces"]}
    return {"topic": arg_choice("topic", services().settings.feedback_topics),
            "province": arg_choice("province", provinces),
            "since": arg_date("since"), "until": arg_date("until")}


def _query(f: dict):
    query = export_filters(f).apply(select(Feedback), at=Feedback.created_at,
                                    category=Feedback.topic, province=Feedback.province)
    return query.order_by(Feedback.created_at.desc(), Feedback.id.desc())


@bp.get("/")
@require("feedback.view")
def index():
    f, page = _filters(), page_number()
    with services().database.read() as db:
        rows = list(db.scalars(_query(f).offset((page - 1) * PAGE).limit(PAGE + 1)))
    return render_template("feedback/index.html", items=rows[:PAGE], more=len(rows) > PAGE,
                           page=page, f=f, topics=services().settings.feedback_topics,
                           **choices())
