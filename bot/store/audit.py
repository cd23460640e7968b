"""The audit trail: who did what, when. Rows are only ever added (the migration
installs triggers that refuse UPDATE and DELETE on both backends)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.clock import now
from bot.store.base import Base


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True
    )
    at: Mapped[dt.datetime] = mapped_column(default=now, index=True)
    # "user:<email>", "token:<prefix>", "cli:<login>", "contact:<id>" or "system"
    actor: Mapped[str] = mapped_column(String(300))
    action: Mapped[str] = mapped_column(String(64), index=True)
    target_type: Mapped[str | None] = mapped_column(String(32))
    target_id: Mapped[str | None] = mapped_column(String(64))
    # Ids, counts, statuses and filters only: never a phone number, name or report text.
    details: Mapped[dict | None] = mapped_column(JSON)
