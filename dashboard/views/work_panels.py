"""The overview's panels for reports, feedback, meetings and broadcasts (dashboard.panels).
Counts only: no text, no names."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.broadcasts import control
from bot.channels import WITHOUT_DELIVERY_REPORTS
from bot.core.clock import now
from bot.meetings.rsvp import ACTIVE
from bot.store import (
    Broadcast,
    BroadcastRun,
    Feedback,
    Invitation,
    Meeting,
    Message,
    Report,
    Response,
)
from dashboard.charts import bars
from dashboard.i18n import date, local_today, week_start
from dashboard.i18n import gettext as _
from dashboard.panels import Panel
from dashboard.views.common import place_name, title_of

WEEKS = 12
FEEDBACK_DAYS = 90


def reports(db: Session) -> dict:
    """By category, and by week (starting on the reader's first day of the week)."""
    first = week_start(local_today()) - dt.timedelta(weeks=WEEKS - 1)
    recent = Report.received_on >= first
    by_category = db.execute(select(Report.category, func.count()).where(recent)
                             .group_by(Report.category).order_by(func.count().desc())).all()
    weeks = dict.fromkeys((first + dt.timedelta(weeks=i) for i in range(WEEKS)), 0)
    for day, n in db.execute(select(Report.received_on, func.count()).where(recent)
                             .group_by(Report.received_on)):
        weeks[week_start(day)] += n
    return {"categories": bars([(_(f"report.category.{c}"), n) for c, n in by_category]),
            "weeks": bars([(date(week), n) for week, n in weeks.items()])}


def feedback(db: Session) -> dict:
    recent = Feedback.created_at >= now() - dt.timedelta(days=FEEDBACK_DAYS)

    def by(column):
        return db.execute(select(column, func.count()).where(recent).group_by(column)
                          .order_by(func.count().desc()).limit(15)).all()
    return {"topics": bars([(_(f"feedback.topic.{t}"), n) for t, n in by(Feedback.topic)]),
            "provinces": bars([(place_name(p), n) for p, n in by(Feedback.province)])}


def rsvp(db: Session) -> dict:
    meetings = list(db.scalars(select(Meeting).where(
        Meeting.status.in_(ACTIVE), Meeting.starts_at >= now())
        .order_by(Meeting.starts_at).limit(8)))
    rows = []
    for meeting in meetings:
        answers = dict(db.execute(select(Invitation.response, func.count()).where(
            Invitation.meeting_id == meeting.id, Invitation.invited_at.is_not(None))
            .group_by(Invitation.response)).all())
        invited = sum(answers.values())
        yes = answers.get(Response.YES, 0)
        rows.append({"title": title_of(meeting), "starts_at": meeting.starts_at, "yes": yes,
                     "invited": invited, "rate": yes / invited if invited else 0.0,
                     "quorum": meeting.quorum})
    return {"meetings": rows}


def delivery(db: Session) -> dict:
    recent = list(db.scalars(select(Broadcast).where(Broadcast.id.in_(
        select(BroadcastRun.broadcast_id))).order_by(Broadcast.created_at.desc()).limit(8)))
    rows = []
    for broadcast in recent:
        runs = control.run_ids(db, broadcast.id)
        counts = control.counts(db, runs, Message.channel.not_in(WITHOUT_DELIVERY_REPORTS))
        reached = counts.sent + counts.delivered + counts.failed
        unreported = control.counts(db, runs, Message.channel.in_(WITHOUT_DELIVERY_REPORTS))
        rows.append({"name": broadcast.name, "delivered": counts.delivered,
                     "total": counts.total + unreported.total,
                     "rate": counts.delivered / reached if reached else None,
                     "unreported": unreported.total})
    return {"broadcasts": rows, "wide": bool(rows)}  # names and words need the room


PANELS = (
    Panel("reports", 40, "reports.view", "panels/reports.html", reports),
    Panel("feedback", 50, "feedback.view", "panels/feedback.html", feedback),
    Panel("rsvp", 60, "meetings.view", "panels/rsvp.html", rsvp),
    Panel("delivery", 70, "broadcasts.view", "panels/delivery.html", delivery),
)
