"""Concern reports: the inbox with filters, one report with its history, status
changes (which tell a named reporter), notes and assignment. A viewer sees codes,
categories and statuses, never what was reported."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from bot.audit import trail as audit
from bot.conversations import service as conversations
from bot.core.clock import now
from bot.pipeline.referrals import refer as refer_report
from bot.reports import questions, referrals
from bot.reports.service import Told, change_status, find_report
from bot.reports.service import told as reporter_told
from bot.store import Partner, Referral, Report, ReportChange, ReportStatus, User
from bot.text.vocabulary import CATEGORIES
from dashboard import scope
from dashboard.auth import services
from dashboard.i18n import gettext as _
from dashboard.nav import NavItem
from dashboard.page import page_blueprint
from dashboard.permissions import require
from dashboard.views.common import (
    actor,
    arg_choice,
    arg_date,
    checked_id,
    choices,
    coordinators,
    export_filters,
    page_number,
)
from locales import NATIVE_NAMES

bp = page_blueprint("reports", "/reports")
NAV = NavItem(25, "reports.index", "dash.nav.reports", "reports.view",
              section="followup")
PAGE = 50
NOTE_LIMIT = 2000


def _filters() -> dict:
    provinces = {p.code for p in choices()["provinces"]}
    return {"status": arg_choice("status", ReportStatus.ALL),
            "category": arg_choice("category", CATEGORIES),
            "province": arg_choice("province", provinces),
            "urgent": arg_choice("urgent", ("yes", "no")),
            "since": arg_date("since"), "until": arg_date("until")}


def _query(f: dict):
    query = export_filters(f).apply(
        select(Report), at=Report.received_on, day=lambda moment: moment.date(),
        status=Report.status, category=Report.category, province=Report.province)
    if f["urgent"]:
        query = query.where(Report.urgent.is_(f["urgent"] == "yes"))
    # Urgent first, then newest: the day, then the time where a named report keeps one
    # (an anonymous report keeps only its day, and goes after that day's timed ones).
    return query.order_by(Report.urgent.desc(), Report.received_on.desc(),
                          Report.created_at.desc().nulls_last(), Report.code)


@bp.get("/")
@require("reports.view")
def index():
    f, page = _filters(), page_number()
    with services().database.read() as db:
        rows = list(db.scalars(_query(f).offset((page - 1) * PAGE).limit(PAGE + 1)))
    return render_template("reports/index.html", reports=rows[:PAGE], more=len(rows) > PAGE,
                           page=page, f=f, statuses=ReportStatus.ALL, categories=CATEGORIES,
                           **choices())


def _report(db, code: str) -> Report:
    report = find_report(db, code.upper()[:12])
    if report is None:
        abort(404)
    return report


@bp.get("/<code>")
@require("reports.view")
def show(code: str):
    with services().database.write() as db:
        report = _report(db, code)
        history = list(db.scalars(select(ReportChange).where(
            ReportChange.report_code == report.code).order_by(ReportChange.at, ReportChange.id)))
        audit.record(db, actor(), "report.view", "report", report.code)
        team = coordinators(db)
        assignee = db.get(User, report.assigned_to) if report.assigned_to else None
        asked = questions.questions(db, report.code)
        referred = referrals.of_report(db, report.code)
        partners = list(db.scalars(select(Partner).where(Partner.disabled_at.is_(None))
                                   .order_by(Partner.name)))
        conversation = (conversations.current(db, report.contact_id)
                        if report.contact_id and not report.anonymous else None)
    return render_template("reports/show.html", report=report, history=history,
                           statuses=ReportStatus.ALL, coordinators=team,
                           assignee=assignee, questions=asked, conversation=conversation,
                           referrals=referred, partners=partners,
                           partner_names={p.id: p.name for p in partners},
                           **choices())


def _confirmation(db, report: Report) -> str:
    """The status changed, and whether (and how) the reporter was told."""
    how, language = reporter_told(db, report)
    if how == Told.MESSAGE:
        return _("dash.report.told_message", language=NATIVE_NAMES.get(language, language or ""))
    if how == Told.ANONYMOUS:
        return _("dash.report.told_anonymous", code=report.code)
    return _("dash.report.told_nobody")


def _note() -> str | None:
    note = request.form.get("note", "").strip()
    if len(note) > NOTE_LIMIT:
        abort(400)
    return note or None


@bp.post("/<code>/status")
@require("reports.edit")
def set_status(code: str):
    status = request.form.get("status", "")
    if status not in ReportStatus.ALL:
        abort(400)
    note, settings = _note(), services().settings
    with services().database.write() as db:
        report = _report(db, code)
        old = report.status
        # Found inside the coordinator's area; the reporter may be registered elsewhere.
        with scope.whole_store():
            changed = change_status(db, report, status, actor()[5:][:120], note, now(),
                                    settings)
            confirmation = _confirmation(db, report) if changed else None
        if changed:
            audit.record(db, actor(), "report.status", "report", report.code,
                         {"from": old, "to": status})
            flash(confirmation)
        return redirect(url_for("reports.show", code=report.code))


@bp.post("/<code>/note")
@require("reports.edit")
def add_note(code: str):
    note = _note()
    if note is None:
        abort(400)
    with services().database.write() as db:
        report = _report(db, code)
        db.add(ReportChange(report_code=report.code, old_status=report.status,
                            status=report.status, by=actor()[5:][:120], note=note, at=now()))
        audit.record(db, actor(), "report.note", "report", report.code)
        return redirect(url_for("reports.show", code=report.code))


@bp.post("/<code>/assign")
@require("reports.edit")
def assign(code: str):
    raw = request.form.get("user", "")
    with services().database.write() as db:
        report = _report(db, code)
        user_id = None
        if raw:
            allowed = {u.id for u in coordinators(db)}
            if not raw.isdigit() or int(raw) not in allowed:
                abort(400)
            user_id = int(raw)
        report.assigned_to = user_id
        audit.record(db, actor(), "report.assign", "report", report.code,
                     {"user_id": user_id})
        return redirect(url_for("reports.show", code=report.code))


@bp.post("/<code>/ask")
@require("reports.edit")
def ask(code: str):
    """A question to the reporter: sent in their conversation when they gave their name,
    held for STATUS and the code when the report is anonymous."""
    text = request.form.get("text", "").strip()
    if not text or len(text) > questions.QUESTION_LIMIT:
        abort(400)
    with services().database.write() as db:
        report = _report(db, code)
        asked = questions.ask(db, report, text, by=actor()[5:], now=now(),
                              settings=services().settings)
        audit.record(db, actor(), "report.ask", "report", report.code, {"held": asked.held})
        shown = report.code
    if asked.held:
        flash(_("followup.dash.held"))
    elif asked.reached:
        flash(_("followup.dash.sent"))
    else:
        flash(_("followup.dash.unreachable"), "error")
    return redirect(url_for("reports.show", code=shown))


@bp.post("/<code>/refer")
@require("reports.edit")
def refer(code: str):
    """Refers the report to a partner: a named reporter is asked first what may be
    shared; an anonymous report goes as the account alone."""
    raw = request.form.get("partner", "")
    with services().database.write() as db:
        report = _report(db, code)
        partner = db.get(Partner, int(raw)) if raw.isdigit() and int(raw) < 2**31 else None
        if partner is None or partner.disabled_at is not None:
            abort(400)
        referral = refer_report(db, services().inbox, report, partner, by=actor(), now=now())
        flash(_(f"followup.dash.referral.{referral.status}"),
              "error" if referral.status == "unreachable" else "ok")
        return redirect(url_for("reports.show", code=report.code))


@bp.post("/<code>/referrals/<int:referral_id>/revoke")
@require("reports.edit")
def revoke_referral(code: str, referral_id: int):
    with services().database.write() as db:
        report = _report(db, code)
        referral = db.get(Referral, checked_id(referral_id))
        if referral is None or referral.report_code != report.code:
            abort(404)
        if referrals.revoke(db, referral, by=actor(), now=now(), settings=services().settings):
            flash(_("followup.dash.referral.revoked"))
        return redirect(url_for("reports.show", code=report.code))
