"""/api/v1/reports and /api/v1/feedback: concern reports (text only with reports.text)
and feedback (text only with feedback.text). Reports are keyed by their public code,
so their pages are offsets, not ids."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from bot.audit import trail as audit
from bot.core.clock import now
from bot.core.exports import day_filters
from bot.reports.service import change_status
from bot.store import Feedback, Report, ReportStatus
from bot.text.vocabulary import CATEGORIES
from dashboard.api.registry import ApiError, Call, PageQuery, cursor_after, endpoint, page_of, paged
from dashboard.api.schema import spec
from dashboard.i18n import zone_name


def day():
    return spec("", max_length=10, format="date",
                description="YYYY-MM-DD, a day in the deployment's time zone, inclusive")


def services():
    return current_app.extensions["mashwara"]


def token_actor(call: Call) -> str:
    return f"token:{call.token.id}"


def _day(value: str, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ApiError(400, "bad_query", f"{name} must be a date like 2026-11-23") from None


@dataclass
class ReportQuery(PageQuery):
    code: str = spec("", max_length=12, description="one report by its code")
    status: str = spec("", enum=("", *ReportStatus.ALL))
    category: str = spec("", enum=("", *CATEGORIES))
    province: str = spec("", max_length=64, description="province code")
    urgent: str = spec("", enum=("", "true", "false"))
    since: str = day()
    until: str = day()


@dataclass
class ReportOut:
    code: str
    status: str = spec(enum=ReportStatus.ALL)
    category: str = spec(enum=CATEGORIES)
    province: str | None = spec()
    urgent: bool = spec()
    anonymous: bool = spec()
    received_on: str = spec(format="date")
    assigned_to: int | None = spec(description="the dashboard user following it up")
    description: str | None = spec(description="null without reports.text")
    district: str | None = spec(description="null without reports.text")


@dataclass
class StatusIn:
    status: str = spec(enum=ReportStatus.ALL)
    note: str | None = spec(None, max_length=2000)


def report_out(report: Report, text: bool) -> ReportOut:
    return ReportOut(report.code, report.status, report.category, report.province,
                     report.urgent, report.anonymous, report.received_on.isoformat(),
                     report.assigned_to, report.description if text else None,
                     report.district if text else None)


@endpoint("GET", "/v1/reports", permission="reports.view", tag="reports",
          summary="Concern reports, newest first; text only with reports.text",
          query=ReportQuery, response=page_of(ReportOut))
def list_reports(call: Call):
    q: ReportQuery = call.query
    query = select(Report)
    for column, value in ((Report.code, q.code.upper()), (Report.status, q.status),
                          (Report.category, q.category), (Report.province, q.province)):
        if value:
            query = query.where(column == value)
    if q.urgent:
        query = query.where(Report.urgent.is_(q.urgent == "true"))
    since, until = _day(q.since, "since"), _day(q.until, "until")
    if since:
        query = query.where(Report.received_on >= since)
    if until:
        query = query.where(Report.received_on <= until)
    offset = cursor_after(q) or 0
    if offset > 1_000_000:
        raise ApiError(400, "bad_cursor", "cursor is not one this API gave")
    text = call.can("reports.text")
    with services().database.write() as db:
        rows = list(db.scalars(query.order_by(Report.received_on.desc(), Report.code)
                               .offset(offset).limit(q.limit + 1)))
        more = len(rows) > q.limit
        rows = rows[:q.limit]
        if text and rows:
            audit.record(db, token_actor(call), "report.view", "report",
                         rows[0].code if len(rows) == 1 else None,
                         {"codes": [r.code for r in rows]})
        items = [report_out(r, text) for r in rows]
    return page_of(ReportOut)(items, str(offset + q.limit) if more else None)


@endpoint("POST", "/v1/reports/status", permission="reports.edit", tag="reports",
          summary="Change a report's status (a named reporter is told)",
          query=ReportQuery, body=StatusIn, response=ReportOut, errors=(404, 422))
def set_report_status(call: Call):
    code = call.query.code.upper()
    with services().database.write() as db:
        report = db.get(Report, code) if code else None
        if report is None:
            raise ApiError(404, "not_found", "give the code of a report: ?code=R-XXXX")
        old = report.status
        if change_status(db, report, call.body.status, token_actor(call), call.body.note,
                         now(), services().settings):
            audit.record(db, token_actor(call), "report.status", "report", report.code,
                         {"from": old, "to": report.status})
        return report_out(report, call.can("reports.text"))


@dataclass
class FeedbackQuery(PageQuery):
    topic: str = spec("", max_length=32)
    province: str = spec("", max_length=64, description="province code")
    since: str = day()
    until: str = day()


@dataclass
class FeedbackOut:
    id: int
    reference: str
    topic: str
    province: str | None
    language: str | None
    created_at: dt.datetime
    text: str | None = spec(description="null without feedback.text")


@endpoint("GET", "/v1/feedback", permission="feedback.view", tag="feedback",
          summary="Feedback, newest first; text only with feedback.text",
          query=FeedbackQuery, response=page_of(FeedbackOut))
def list_feedback(call: Call):
    q: FeedbackQuery = call.query
    query = select(Feedback)
    if q.topic:
        query = query.where(Feedback.topic == q.topic)
    if q.province:
        query = query.where(Feedback.province == q.province)
    days = day_filters(zone_name(), _day(q.since, "since"), _day(q.until, "until"))
    query = days.apply(query, at=Feedback.created_at)
    after = cursor_after(q)
    if after is not None:
        query = query.where(Feedback.id < after)
    text = call.can("feedback.text")
    with services().database.read() as db:
        rows = list(db.scalars(query.order_by(Feedback.id.desc()).limit(q.limit + 1)))
        rows, cursor = paged(rows, q.limit, lambda f: f.id)
        return page_of(FeedbackOut)([
            FeedbackOut(f.id, f.reference, f.topic, f.province, f.language, f.created_at,
                        f.text if text else None) for f in rows], cursor)
