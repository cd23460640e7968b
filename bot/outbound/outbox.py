"""Writing outbound messages: every message is a row before any provider call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Protocol

from sqlalchemy import insert
from sqlalchemy.orm import Session

from bot.store import Direction, Message, Priority, Status
from bot.text.render import Choice


class Recipient(Protocol):
    """Where a message goes: an `Identity`, or the inbound path's lighter `Sender`."""

    id: int
    contact_id: int
    channel: str


_messages = Message.__table__
# A Core insert, built once: the ORM's unit of work cost more than the insert itself on
# the inbound hot path, where every reply is one of these.
_ENQUEUE = insert(_messages).returning(_messages.c.id)


def enqueue(
    db: Session,
    identity: Recipient,
    text: str,
    *,
    now: dt.datetime,
    choices: Iterable[Choice] = (),
    language: str | None = None,
    priority: int = Priority.CONVERSATION,
) -> int:
    """Queues `text` for `identity`; returns the new message's id."""
    return db.execute(_ENQUEUE, {
        "direction": Direction.OUT,
        "channel": identity.channel,
        "contact_id": identity.contact_id,
        "identity_id": identity.id,
        "text": text,
        "choices": [{"key": c.key, "label": c.label} for c in choices] or None,
        "language": language,
        "status": Status.QUEUED,
        "priority": priority,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }).scalar_one()


def choices_of(row) -> tuple[Choice, ...]:
    """A row's buttons (an ORM `Message` or a Core row with a `choices` column)."""
    return tuple(Choice(c["key"], c["label"]) for c in row.choices or ())
