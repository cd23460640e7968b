"""Sending slots shared by every worker: one row per paced channel, and one per
recipient where the channel limits each recipient (Telegram's per-chat limit)."""

from __future__ import annotations

from sqlalchemy import Float, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.base import Base


class PaceSlot(Base):
    """`next_at` (seconds since the epoch, on the store's clock) is when the next send
    under `key` may start; a worker takes a slot by moving it on, atomically."""

    __tablename__ = "pace_slots"

    # "channel" or "channel:<keyed hash of the address>": never an address in clear.
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    next_at: Mapped[float] = mapped_column(Float)
