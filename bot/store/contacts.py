from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.core.clock import now
from bot.core.crypto import BlindIndex, Encrypted
from bot.store.base import Base


class ContactStatus:
    NEW = "new"  # registering: nothing is kept until consent
    ACTIVE = "active"
    ERASING = "erasing"  # personal data gone; the row goes once the goodbye is sent
    # Only receives alerts (a coordinators' chat, a duty phone): never registered, never
    # in exports or broadcasts, and what it sends is logged but not answered.
    STAFF = "staff"


class Contact(Base):
    __tablename__ = "contacts"
    # Ids are never reused: a purged person's id must not come to mean someone else.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default=ContactStatus.NEW, index=True)
    language: Mapped[str | None] = mapped_column(String(8))
    name: Mapped[str | None] = mapped_column(Encrypted)
    province: Mapped[str | None] = mapped_column(String(64), index=True)
    district: Mapped[str | None] = mapped_column(Encrypted)
    role: Mapped[str | None] = mapped_column(String(32), index=True)
    preferred_channel: Mapped[str | None] = mapped_column(String(16))
    consent_at: Mapped[dt.datetime | None]
    registered_at: Mapped[dt.datetime | None]
    # STOP: no more broadcasts; conversations still answer.
    stopped_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    last_seen_at: Mapped[dt.datetime | None]

    identities: Mapped[list[Identity]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def registered(self) -> bool:
        return self.status == ContactStatus.ACTIVE


class Identity(Base):
    """One address of a contact on one channel: an SMS number, a Telegram chat."""

    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("channel", "address_index"),
                      {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(Encrypted)
    address_index: Mapped[str] = mapped_column(BlindIndex)
    # The provider told us this address cannot be reached (blocked bot, SMS opt-out).
    stopped_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    last_seen_at: Mapped[dt.datetime | None]

    contact: Mapped[Contact] = relationship(back_populates="identities")


class Group(Base):
    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(default=now)


class GroupMember(Base):
    __tablename__ = "group_members"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True
    )
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_at: Mapped[dt.datetime] = mapped_column(default=now)
