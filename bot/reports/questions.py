"""A coordinator's question to a reporter.

A named reporter receives it at once, in the conversation about the report. An
anonymous report has nobody to send it to: the question waits on the report, the
reporter sees it with STATUS and the code and answers with STATUS, the code and the
answer (flows/status.py). The answer is kept encrypted on the report with its day only,
and the message that carried it is redacted from the log like the report's own text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.conversations import service as conversations
from bot.core.config import Settings
from bot.outbound.notify import translator
from bot.store import Contact, Conversation, Report, ReportQuestion

QUESTION_LIMIT = 600  # under nine Arabic-script segments with the words around it
ANSWER_LIMIT = 2000


@dataclass(frozen=True)
class Asked:
    held: bool  # True: waits for STATUS (anonymous); False: sent in the conversation
    conversation: Conversation | None = None
    reached: bool = True  # False: a named reporter with no reachable address


def ask(db: Session, report: Report, text: str, *, by: str, now: dt.datetime,
        settings: Settings) -> Asked:
    text = text.strip()
    if not text or len(text) > QUESTION_LIMIT:
        raise ValueError(f"a question is 1 to {QUESTION_LIMIT} characters")
    contact = db.get(Contact, report.contact_id) if report.contact_id else None
    if report.anonymous or contact is None or not contact.registered:
        db.add(ReportQuestion(report_code=report.code, question=text, asked_by=by[:120],
                              asked_at=now))
        return Asked(held=True)
    conversation = conversations.open_for(db, contact, now=now, subject=report.code)
    t = translator(contact, settings)
    sent = conversations.send(db, conversation, t("followup.question", code=report.code,
                                                  question=text), now=now, settings=settings)
    return Asked(held=False, conversation=conversation, reached=sent is not None)


def waiting(db: Session, code: str) -> ReportQuestion | None:
    """The oldest question on the report that has no answer yet."""
    return db.scalars(select(ReportQuestion).where(
        ReportQuestion.report_code == code, ReportQuestion.answer.is_(None))
        .order_by(ReportQuestion.id).limit(1)).first()


def answer(db: Session, code: str, text: str, today: dt.date) -> ReportQuestion | None:
    question = waiting(db, code)
    if question is not None:
        question.answer = text[:ANSWER_LIMIT]
        question.answered_on = today
    return question


def questions(db: Session, code: str) -> list[ReportQuestion]:
    return list(db.scalars(select(ReportQuestion).where(ReportQuestion.report_code == code)
                           .order_by(ReportQuestion.id)))
