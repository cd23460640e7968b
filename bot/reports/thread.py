"""A report with its whole thread, as lines of text (`mashwara reports show`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.conversations import service as conversations
from bot.reports.questions import questions
from bot.reports.referrals import of_report
from bot.store import Message, Report, ReportChange

WITHHELD = "[not kept in the log]"


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "-"


def report_thread(db: Session, report: Report) -> list[str]:
    who = "anonymous" if report.anonymous or report.contact_id is None else \
        f"contact {report.contact_id}"
    lines = [f"{report.code}  {report.status}  {report.category}  "
             f"{report.province or '-'} / {report.district or '-'}  "
             f"{'urgent  ' if report.urgent else ''}received {report.received_on}  {who}",
             "", report.description, ""]
    for change in db.scalars(select(ReportChange).where(ReportChange.report_code == report.code)
                             .order_by(ReportChange.id)):
        what = (f"{change.old_status} -> {change.status}" if change.old_status != change.status
                else "note")
        lines.append(f"{_when(change.at)}  {change.by}: {what}"
                     + (f"  {change.note}" if change.note else ""))
    for question in questions(db, report.code):
        lines.append(f"{_when(question.asked_at)}  {question.asked_by} asks: {question.question}")
        if question.answer is not None:
            lines.append(f"{question.answered_on}  reporter answers: {question.answer}")
        else:
            lines.append("  (no answer yet: it waits for STATUS with the code)")
    for referral in of_report(db, report.code):
        lines.append(f"{_when(referral.proposed_at)}  {referral.proposed_by}: referral "
                     f"{referral.id} to partner {referral.partner_id}: {referral.status}"
                     + (f" ({referral.share})" if referral.share else ""))
    if report.contact_id is not None and not report.anonymous:
        lines += [""] + [_message(m) for m in conversations.thread(db, report.contact_id)
                         if report.created_at is None or m.created_at >= report.created_at]
    return lines


def _message(message: Message) -> str:
    arrow = "<-" if message.direction == "in" else "->"
    text = message.text if message.text is not None else WITHHELD
    return f"{_when(message.created_at)}  {arrow} {message.channel}  {text}"
