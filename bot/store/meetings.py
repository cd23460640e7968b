"""Meetings of a shura or any group: invitations (one RSVP per person) and the
scheduled work about them (reminders, the quorum check) as rows with a due time."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.clock import now
from bot.store.base import Base


class MeetingStatus:
    SCHEDULED = "scheduled"
    CHANGED = "changed"  # time or place moved after invitations went out
    CANCELLED = "cancelled"
    HELD = "held"


class Response:
    NONE = "none"
    YES = "yes"
    NO = "no"
    MAYBE = "maybe"


class Meeting(Base):
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Texts per language code, e.g. {"en": "Dand shura", "fa": "شورای دند"}; read with
    # bot.meetings.texts.localized, which falls back to the default language.
    title: Mapped[dict] = mapped_column(JSON)
    description: Mapped[dict | None] = mapped_column(JSON)
    place: Mapped[dict | None] = mapped_column(JSON)
    starts_at: Mapped[dt.datetime] = mapped_column(index=True)  # UTC
    time_zone: Mapped[str] = mapped_column(String(64))  # IANA name: shown in local time
    duration_minutes: Mapped[int] = mapped_column(Integer, default=120)
    organiser_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    quorum: Mapped[int | None] = mapped_column(Integer)
    reminder_minutes: Mapped[list] = mapped_column(JSON, default=lambda: [1440, 120])
    status: Mapped[str] = mapped_column(String(16), default=MeetingStatus.SCHEDULED, index=True)
    checkin_code: Mapped[str] = mapped_column(String(8), index=True)
    outcome: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    changed_at: Mapped[dt.datetime | None]
    cancelled_at: Mapped[dt.datetime | None]

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)


class Invitation(Base):
    """One person's invitation and answer: unique per meeting and contact, so someone
    on both SMS and Telegram is invited once and has one RSVP."""

    __tablename__ = "invitations"
    __table_args__ = (UniqueConstraint("meeting_id", "contact_id"),
                      {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    response: Mapped[str] = mapped_column(String(8), default=Response.NONE)
    responded_at: Mapped[dt.datetime | None]
    # The time or place changed since they answered: they were asked to confirm again.
    reconfirm: Mapped[bool] = mapped_column(Boolean, default=False)
    invited_at: Mapped[dt.datetime | None]  # None: added, not yet sent
    attended: Mapped[bool] = mapped_column(Boolean, default=False)
    attended_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=now)


class ReminderKind:
    REMINDER = "reminder"  # to YES and MAYBE
    QUORUM = "quorum"  # to the organiser


class MeetingReminder(Base):
    """Scheduled work for a meeting. The worker claims a due row with a conditional
    UPDATE of `done_at` in the transaction that queues its messages: a row is done
    once, and a crash before the commit leaves it due."""

    __tablename__ = "meeting_reminders"
    __table_args__ = (
        UniqueConstraint("meeting_id", "kind", "due_at"),
        Index("ix_meeting_reminders_due", "done_at", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[dt.datetime]
    done_at: Mapped[dt.datetime | None]
    sent: Mapped[int | None] = mapped_column(Integer)  # messages queued when done
