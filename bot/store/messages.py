from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.clock import now
from bot.core.crypto import Encrypted, EncryptedJSON
from bot.store.base import Base

# SQLite only auto-increments an INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Direction:
    IN = "in"
    OUT = "out"


class Status:
    # inbound
    RECEIVED = "received"
    HANDLED = "handled"
    ERRORED = "errored"
    # outbound, in the order a message moves through them
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    # outbound, final
    FAILED = "failed"
    UNDELIVERED = "undelivered"
    CANCELLED = "cancelled"
    STOPPED = "stopped"
    # outbound, held where the dispatcher does not look (nor count them as in flight):
    # a paused broadcast's rows, and broadcast SMS waiting for quiet hours to end
    PAUSED = "paused"
    WAITING = "waiting"


# Outbound rows that may still reach the provider: not to be purged or forgotten.
IN_FLIGHT = (Status.QUEUED, Status.SENDING)


class Priority:
    CONVERSATION = 0
    ALERT = 1
    BULK = 10


# The outbound rows waiting to be sent, as the dispatcher's claim spells them: literally,
# so that both databases can use the queue index (ix_messages_queue, outbound rows only).
OUT = "direction = 'out'"
QUEUE = f"{OUT} AND status = 'queued'"


class Message(Base):
    """The message log and the outbox: inbound and outbound messages in one table.

    An outbound message is a row before any provider call; the dispatcher claims
    queued rows and records the provider's verdict on them.
    """

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("channel", "external_id"),
        Index("ix_messages_outbox", "status", "priority", "next_attempt_at"),
        Index("ix_messages_identity_status", "identity_id", "status"),
        # The queue in the dispatcher's claim order (migration 0018).
        Index("ix_messages_queue", "status", "priority", "id", postgresql_where=text(OUT),
              sqlite_where=text(OUT)),
        # One message per contact per broadcast run: fan-out can be re-run safely.
        # (Conversation rows have no run; NULLs never conflict.)
        Index("uq_messages_broadcast_run_contact", "broadcast_run_id", "contact_id",
              unique=True),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    direction: Mapped[str] = mapped_column(String(3))
    channel: Mapped[str] = mapped_column(String(16))
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    identity_id: Mapped[int | None] = mapped_column(
        ForeignKey("identities.id", ondelete="SET NULL")
    )
    text: Mapped[str | None] = mapped_column(Encrypted)
    choices: Mapped[list | None] = mapped_column(JSON)
    # Locations and media links can identify a reporter: encrypted like the text.
    attachments: Mapped[list | None] = mapped_column(EncryptedJSON)
    language: Mapped[str | None] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16))
    priority: Mapped[int] = mapped_column(SmallInteger, default=Priority.CONVERSATION)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None]
    claimed_at: Mapped[dt.datetime | None]
    external_id: Mapped[str | None] = mapped_column(String(80))
    segments: Mapped[int | None] = mapped_column(SmallInteger)
    error_code: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=now, index=True)
    sent_at: Mapped[dt.datetime | None]
    delivered_at: Mapped[dt.datetime | None]
    # A plain integer, no foreign key: adding one would rebuild this big table on SQLite.
    broadcast_run_id: Mapped[int | None] = mapped_column(Integer)
