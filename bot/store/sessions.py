from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.clock import now
from bot.core.crypto import EncryptedJSON
from bot.store.base import Base


class ConversationSession(Base):
    """Where a contact is in a flow: one row per contact. The state holds answers not
    yet filed (a report's description, a name), so it is encrypted like them."""

    __tablename__ = "sessions"

    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True
    )
    flow: Mapped[str] = mapped_column(String(32))
    state: Mapped[dict] = mapped_column(EncryptedJSON)
    started_at: Mapped[dt.datetime] = mapped_column(default=now)
    updated_at: Mapped[dt.datetime] = mapped_column(default=now)
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)


class PendingFlow(Base):
    """A conversation waiting for the person to finish the one they are in (a
    consultation sent while they write a report, say): started when that one ends."""

    __tablename__ = "pending_flows"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    flow: Mapped[str] = mapped_column(String(32))
    trigger: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=now)


class Lease(Base):
    """A named lease, so that one worker at a time runs the scheduler."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    expires_at: Mapped[dt.datetime]
