"""Erasing a person: what consent "no", CANCEL during registration and DELETE do.

Personal data goes at once; the contact row itself is removed by the worker's purge
once the last message to it (the goodbye) has left, so that goodbye still has an
address. Each feature that keeps data about a person lists an eraser (ERASERS), and
the composition root installs them all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.orm import Session

from bot.store import (
    IN_FLIGHT,
    Contact,
    ContactStatus,
    ConversationSession,
    Direction,
    GroupMember,
    Message,
    PendingFlow,
)


@dataclass(frozen=True)
class Eraser:
    # The tables whose rows about a person `run` erases: tests/test_erasure_coverage.py
    # fails when a table that points at a contact is covered by no eraser.
    tables: tuple[str, ...]
    run: Callable[[Session, Contact], None]


# What erase_contact itself clears; the contact row goes with the worker's purge.
OWN_TABLES = ("contacts", "identities", "messages", "group_members", "sessions",
              "pending_flows")
# Filled by bot.features.install() (the composition root).
ERASERS: list[Eraser] = []


def erase_contact(db: Session, contact: Contact) -> None:
    for eraser in ERASERS:
        eraser.run(db, contact)
    db.execute(
        update(Message)
        .where(Message.contact_id == contact.id)
        .values(text=None, attachments=None, choices=None, error=None)
    )
    db.execute(delete(GroupMember).where(GroupMember.contact_id == contact.id))
    db.execute(delete(ConversationSession).where(ConversationSession.contact_id == contact.id))
    db.execute(delete(PendingFlow).where(PendingFlow.contact_id == contact.id))
    for field in ("name", "district", "province", "role", "consent_at", "registered_at"):
        setattr(contact, field, None)
    contact.status = ContactStatus.ERASING


def erase_abandoned(db: Session, now: dt.datetime, days: int) -> int:
    """Erases registrations left before consent for `days`: someone who never agreed
    keeps nothing, not even their number. The worker's purge then removes them."""
    cutoff = now - dt.timedelta(days=days)
    abandoned = db.scalars(select(Contact).where(
        Contact.status == ContactStatus.NEW,
        func.coalesce(Contact.last_seen_at, Contact.created_at) < cutoff).limit(500)).all()
    for contact in abandoned:
        erase_contact(db, contact)
    return len(abandoned)


def purge_erased(db: Session, _now: dt.datetime) -> int:
    """Deletes erased contacts whose last outbound message has left. Returns how many."""
    pending = exists().where(
        Message.contact_id == Contact.id,
        Message.direction == Direction.OUT,
        Message.status.in_(IN_FLIGHT),
    )
    ids = db.scalars(
        select(Contact.id).where(Contact.status == ContactStatus.ERASING, ~pending)
    ).all()
    if not ids:
        return 0
    db.execute(
        update(Message).where(Message.contact_id.in_(ids))
        .values(text=None, choices=None, error=None)
    )
    db.execute(delete(Contact).where(Contact.id.in_(ids)))
    return len(ids)
