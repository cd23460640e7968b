"""Consultations: questions put to an audience, their answers, and what came of them.

A consultation's questions are data (`definition`, JSON written by a coordinator).
Each person it was sent to has a recipient row (for the response rate and the one
reminder); each finished set of answers is a response row with one answer row per
question. An anonymous consultation's responses have no contact and only the day:
their id is random, so that not even the order of rows dates them.
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.clock import now
from bot.core.crypto import Encrypted
from bot.store.base import Base

# Who answered, as the results' breakdowns group it.
GROUPS = ("province", "role", "language", "channel")


class ConsultationStatus:
    DRAFT = "draft"
    SCHEDULED = "scheduled"  # sent when it opens
    OPEN = "open"  # sent; answers are taken until closes_at
    CLOSED = "closed"
    ALL = (DRAFT, SCHEDULED, OPEN, CLOSED)


class Consultation(Base):
    __tablename__ = "consultations"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    # {"title": {lang: text}, "questions": [...]}: see bot.consultations.spec
    definition: Mapped[dict] = mapped_column(JSON)
    audience: Mapped[dict] = mapped_column(JSON)
    opens_at: Mapped[dt.datetime]
    closes_at: Mapped[dt.datetime]
    timezone: Mapped[str] = mapped_column(String(64))
    remind_at: Mapped[dt.datetime | None]
    reminded_at: Mapped[dt.datetime | None]
    anonymous: Mapped[bool]
    status: Mapped[str] = mapped_column(String(16), default=ConsultationStatus.DRAFT, index=True)
    sent_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]
    created_by: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(default=now)


class ConsultationRecipient(Base):
    """Someone a consultation was sent to; `answered` without a time, so that it
    cannot be matched to an anonymous response."""

    __tablename__ = "consultation_recipients"
    __table_args__ = (UniqueConstraint("consultation_id", "contact_id"),
                      {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    sent_at: Mapped[dt.datetime] = mapped_column(default=now)
    answered: Mapped[bool] = mapped_column(default=False)


def response_id() -> str:
    return secrets.token_hex(8)


class ConsultationResponse(Base):
    __tablename__ = "consultation_responses"
    # In the breakdowns' order: responses per group are counted without a sort.
    __table_args__ = (Index("ix_consultation_responses_groups", "consultation_id", *GROUPS),)

    id: Mapped[str] = mapped_column(String(16), primary_key=True, default=response_id)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    # None for an anonymous consultation.
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    # Who answered, as the breakdowns need it (small cells are suppressed when shown).
    province: Mapped[str | None] = mapped_column(String(64))
    role: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(8))
    channel: Mapped[str | None] = mapped_column(String(16))
    answered_on: Mapped[dt.date] = mapped_column(Date)


class ConsultationAnswer(Base):
    """One answer: an option's key (choice, yes/no), a number, or a text (encrypted)."""

    __tablename__ = "consultation_answers"
    # The options chosen per group, read in order from the index alone (numbers and
    # texts are counted from the table).
    __table_args__ = (Index("ix_consultation_answers_chosen", "consultation_id", *GROUPS,
                            "question", "option", sqlite_where=text("option IS NOT NULL"),
                            postgresql_where=text("option IS NOT NULL")),)

    response_id: Mapped[str] = mapped_column(
        ForeignKey("consultation_responses.id", ondelete="CASCADE"), primary_key=True)
    question: Mapped[str] = mapped_column(String(32), primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    option: Mapped[str | None] = mapped_column(String(32))
    number: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(Encrypted)
    # The response's, copied when written: the breakdowns count answers without a join.
    province: Mapped[str | None] = mapped_column(String(64))
    role: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(8))
    channel: Mapped[str | None] = mapped_column(String(16))


class RecommendationStatus:
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    REJECTED = "rejected"
    ALL = (PROPOSED, ACCEPTED, IN_PROGRESS, DONE, REJECTED)


class Recommendation(Base):
    """What a meeting or a consultation recommended, to whom, and where it stands."""

    __tablename__ = "recommendations"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), index=True)
    consultation_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultations.id", ondelete="SET NULL"), index=True)
    texts: Mapped[dict] = mapped_column(JSON)  # {language: text}
    addressed_to: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default=RecommendationStatus.PROPOSED,
                                        index=True)
    created_by: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(default=now)


class RecommendationChange(Base):
    """One dated step of a recommendation's history; a note may name people: encrypted."""

    __tablename__ = "recommendation_changes"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), index=True)
    old_status: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Encrypted)
    by: Mapped[str | None] = mapped_column(String(120))
    at: Mapped[dt.datetime] = mapped_column(default=now)
    announced: Mapped[int] = mapped_column(Integer, default=0)  # people told of it
