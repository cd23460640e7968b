"""Conversations: a coordinator and one person, over the message log.

The thread itself is the message log (what the person sent and received, in time
order); a conversation row says that someone is following it up, who, since when, and
how much the person wrote that nobody has read yet. Notes are the coordinators' own.
A question on an anonymous report is not a message (there is nobody to send it to): it
waits on the report until the reporter asks with STATUS and the code.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.clock import now
from bot.core.crypto import Encrypted
from bot.store.base import Base


class ConversationStatus:
    OPEN = "open"
    CLOSED = "closed"
    ALL = (OPEN, CLOSED)


class Conversation(Base):
    __tablename__ = "conversations"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(8), default=ConversationStatus.OPEN, index=True)
    # Where it started from, if anywhere: a report's code or a feedback reference.
    subject: Mapped[str | None] = mapped_column(String(12))
    # The person's province when it was opened: the list is read by area.
    province: Mapped[str | None] = mapped_column(String(64), index=True)
    assigned_to: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    unread: Mapped[int] = mapped_column(Integer, default=0)
    opened_at: Mapped[dt.datetime] = mapped_column(default=now)
    last_activity_at: Mapped[dt.datetime] = mapped_column(default=now, index=True)
    closed_at: Mapped[dt.datetime | None]


class ConversationNote(Base):
    __tablename__ = "conversation_notes"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    by: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Encrypted)
    at: Mapped[dt.datetime] = mapped_column(default=now)


class ReportQuestion(Base):
    """A coordinator's question on an anonymous report, and the reporter's answer.

    Nothing here points at a person. The answer keeps only its day: an exact time could
    be matched against the message log (the STATUS message that carried it)."""

    __tablename__ = "report_questions"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_code: Mapped[str] = mapped_column(
        ForeignKey("reports.code", ondelete="CASCADE"), index=True
    )
    question: Mapped[str] = mapped_column(Encrypted)
    asked_by: Mapped[str] = mapped_column(String(120))
    asked_at: Mapped[dt.datetime] = mapped_column(default=now)
    answer: Mapped[str | None] = mapped_column(Encrypted)
    answered_on: Mapped[dt.date | None] = mapped_column(Date)
