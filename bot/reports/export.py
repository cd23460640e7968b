"""Exports of reports and feedback, decrypted for coordinators.

Dates filter on the day a report arrived (an anonymous report keeps no more).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.exports import Filters, export
from bot.store import Feedback, Report, ReportChange


def _day(value: dt.datetime | None) -> dt.date | None:
    """The day a filter names, in the deployment's zone (bot.core.exports.day_filters),
    as received_on is."""
    return value.date() if value else None


def report_query(filters: Filters):
    query = select(Report).order_by(Report.received_on, Report.code)
    query = filters.apply(query, at=Report.received_on, day=_day, status=Report.status,
                          category=Report.category, province=Report.province)
    return query


def report_rows(db: Session, filters: Filters):
    for report in db.scalars(report_query(filters).execution_options(yield_per=500)):
        last = db.scalars(select(ReportChange).where(ReportChange.report_code == report.code)
                          .order_by(ReportChange.id.desc()).limit(1)).first()
        yield (report.code, report.received_on, report.status, report.category,
               report.occurred, report.occurred_on, report.province, report.district,
               report.location, report.description, report.urgent, report.anonymous,
               report.language, report.contact_id, last.at if last else None,
               last.note if last else None)


def feedback_rows(db: Session, filters: Filters):
    query = select(Feedback).order_by(Feedback.id)
    query = filters.apply(query, at=Feedback.created_at, category=Feedback.topic,
                          province=Feedback.province)
    for row in db.scalars(query.execution_options(yield_per=500)):
        yield (row.reference, row.created_at, row.topic, row.province, row.text, row.language,
               row.contact_id)


EXPORTS = (
    export(report_rows, "reports",
    ("code", "received_on", "status", "category", "occurred", "occurred_on", "province",
     "district", "location", "description", "urgent", "anonymous", "language", "contact_id",
     "last_change", "last_note"),
    "concern reports, decrypted; anonymous ones have no contact",),
    export(feedback_rows, "feedback",
    ("reference", "created_at", "topic", "province", "text", "language", "contact_id"),
    "feedback messages, decrypted",),
)
