"""Broadcasts: an announcement to an audience, sent once or on a recurrence.

A broadcast is a schedule row (`next_fire_at`); each time it fires the worker makes
a run, and the run's recipients become outbox rows (`messages.broadcast_run_id`).
Progress and delivery counts are read from those rows, never kept twice.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.clock import now
from bot.core.crypto import Encrypted
from bot.store.base import Base


class BroadcastStatus:
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    PAUSED = "paused"
    DONE = "done"
    CANCELLED = "cancelled"


class RunStatus:
    FANNING_OUT = "fanning_out"  # recipients are being written to the outbox
    SENDING = "sending"
    PAUSED = "paused"
    DONE = "done"
    CANCELLED = "cancelled"


class Recurrence:
    NONE = "none"
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    ALL = (NONE, DAILY, WEEKLY, MONTHLY)


class Broadcast(Base):
    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # {language: text}; encrypted: an announcement can name a place or a person at risk.
    texts_json: Mapped[str] = mapped_column(Encrypted)
    # {"groups": [ids], "provinces": [...], "roles": [...], "languages": [...],
    #  "channels": [...], "exclude": {same keys}}
    audience: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default=BroadcastStatus.DRAFT, index=True)
    send_at: Mapped[dt.datetime]  # the first occurrence, UTC
    timezone: Mapped[str] = mapped_column(String(64))
    recurrence: Mapped[str] = mapped_column(String(8), default=Recurrence.NONE)
    weekdays: Mapped[list | None] = mapped_column(JSON)  # 0 = Monday, for weekly
    ends_at: Mapped[dt.datetime | None]  # no occurrence after this (UTC)
    quiet_start: Mapped[str | None] = mapped_column(String(5))  # local "HH:MM"
    quiet_end: Mapped[str | None] = mapped_column(String(5))
    next_fire_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    created_by: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(default=now)

    @property
    def texts(self) -> dict[str, str]:
        return json.loads(self.texts_json)

    @texts.setter
    def texts(self, value: dict[str, str]) -> None:
        self.texts_json = json.dumps(value, ensure_ascii=False, sort_keys=True)


class BroadcastRun(Base):
    """One occurrence of a broadcast; fan-out resumes from `cursor` after a crash."""

    __tablename__ = "broadcast_runs"
    __table_args__ = (UniqueConstraint("broadcast_id", "fire_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(
        ForeignKey("broadcasts.id", ondelete="CASCADE"), index=True
    )
    fire_at: Mapped[dt.datetime]
    status: Mapped[str] = mapped_column(String(16), default=RunStatus.FANNING_OUT, index=True)
    # Contacts with ids up to `last_contact_id` (the highest when the run began) are
    # the audience; those up to `cursor` are in the outbox already.
    last_contact_id: Mapped[int] = mapped_column(Integer, default=0)
    cursor: Mapped[int] = mapped_column(Integer, default=0)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[dt.datetime] = mapped_column(default=now)
    fanned_out_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]
