"""Writing outbound messages: every message is a row before any provider call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy.orm import Session

from bot.store import Direction, Identity, Message, Priority, Status
from bot.text.render import Choice


def enqueue(
    db: Session,
    identity: Identity,
    text: str,
    *,
    now: dt.datetime,
    choices: Iterable[Choice] = (),
    language: str | None = None,
    priority: int = Priority.CONVERSATION,
) -> Message:
    row = Message(
        direction=Direction.OUT,
        channel=identity.channel,
        contact_id=identity.contact_id,
        identity_id=identity.id,
        text=text,
        choices=[{"key": c.key, "label": c.label} for c in choices] or None,
        language=language,
        status=Status.QUEUED,
        priority=priority,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    db.add(row)
    return row


def choices_of(row: Message) -> tuple[Choice, ...]:
    return tuple(Choice(c["key"], c["label"]) for c in row.choices or ())
