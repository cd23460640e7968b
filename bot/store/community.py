"""Community input: feedback, concern reports and their status history.

A concern report is keyed by its public code (R-7K3Q), not by a counter: a serial
number would order anonymous reports among named ones and so date them. An
anonymous report has no contact, no channel and only the day it arrived.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.clock import now
from bot.core.crypto import Encrypted
from bot.store.base import Base


class ReportStatus:
    NEW = "new"
    REVIEWING = "reviewing"
    REFERRED = "referred"
    RESOLVED = "resolved"
    CLOSED = "closed"
    ALL = (NEW, REVIEWING, REFERRED, RESOLVED, CLOSED)


class Report(Base):
    __tablename__ = "reports"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    category: Mapped[str] = mapped_column(String(32), index=True)
    # "today", "week", "earlier" or "date" (then occurred_on says which)
    occurred: Mapped[str] = mapped_column(String(16))
    occurred_on: Mapped[dt.date | None] = mapped_column(Date)
    province: Mapped[str | None] = mapped_column(String(64), index=True)
    district: Mapped[str | None] = mapped_column(Encrypted)
    location: Mapped[str | None] = mapped_column(Encrypted)  # "lat,lon" from Telegram
    description: Mapped[str] = mapped_column(Encrypted)
    urgent: Mapped[bool]
    anonymous: Mapped[bool]
    language: Mapped[str | None] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default=ReportStatus.NEW, index=True)
    received_on: Mapped[dt.date] = mapped_column(Date, index=True)
    # Only for a named report: the exact time, and who to tell when the status changes.
    created_at: Mapped[dt.datetime | None]
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    # The coordinator following it up (a dashboard user), if anyone is.
    assigned_to: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )


class ReportChange(Base):
    """One status change: who (a coordinator's name or email, or "cli"), when, why.
    A note without a change of status is a row whose old_status equals status."""

    __tablename__ = "report_changes"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    report_code: Mapped[str] = mapped_column(
        ForeignKey("reports.code", ondelete="CASCADE"), index=True
    )
    old_status: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    by: Mapped[str] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(Encrypted)
    at: Mapped[dt.datetime] = mapped_column(default=now)


class Feedback(Base):
    __tablename__ = "feedback"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    topic: Mapped[str] = mapped_column(String(32), index=True)
    text: Mapped[str] = mapped_column(Encrypted)
    province: Mapped[str | None] = mapped_column(String(64), index=True)
    language: Mapped[str | None] = mapped_column(String(8))
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=now, index=True)


class InputQuota(Base):
    """How many reports (or feedback messages) a contact sent in the current hour.

    Holds no report and no text; the row goes when its hour is over. It says no more
    than the message log already does (that this person talked to the bot then)."""

    __tablename__ = "input_quotas"

    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    window_start: Mapped[dt.datetime] = mapped_column(index=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class AnonymousQuota(Base):
    """How many anonymous reports someone filed today, under a key that names nobody:
    a keyed hash of the contact id whose key lives only in the process's memory and
    changes every day (bot.store.quota). Rows of past days are dropped."""

    __tablename__ = "anonymous_quotas"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class HeldAlert(Base):
    """An anonymous urgent report's alert, held until a random moment a few minutes
    later: sent at once, its time would date the reporter's last message."""

    __tablename__ = "held_alerts"

    report_code: Mapped[str] = mapped_column(
        ForeignKey("reports.code", ondelete="CASCADE"), primary_key=True
    )
    due_at: Mapped[dt.datetime] = mapped_column(index=True)


class ScrubAfterSend(Base):
    """Outbound messages removed from the log once sent: the confirmation that carries
    an anonymous report's code, and the rest of that conversation, must not stay in
    the log next to the contact (their ids would too)."""

    __tablename__ = "scrub_after_send"

    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True
    )
