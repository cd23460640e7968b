"""Forgetting a conversation that must not point back at its sender (an anonymous
report): every message of it, both ways, is listed to be removed from the log once
the replies have left (bot.reports.ticks.scrub_sent), and the person's "last seen"
goes back to what it was before it began.

Removing the rows, rather than keeping them without the contact, is deliberate: a
kept row's id and time would still sit between the sender's other messages. What
remains is where in the log rows are missing (see SECURITY.md).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from bot.outbound.outbox import Recipient
from bot.store import Contact, Direction, Identity, Message, Priority, ScrubAfterSend


def forget_conversation(db: Session, contact: Contact, identity: Recipient,
                        since: dt.datetime) -> int:
    """Lists the contact's conversation messages since `since`; returns how many."""
    db.flush()
    ids = set(db.scalars(select(Message.id).where(
        Message.contact_id == contact.id, Message.created_at >= since,
        or_(Message.direction == Direction.IN, Message.priority == Priority.CONVERSATION))))
    listed = set(db.scalars(select(ScrubAfterSend.message_id)
                            .where(ScrubAfterSend.message_id.in_(ids))))
    db.add_all(ScrubAfterSend(message_id=message_id) for message_id in sorted(ids - listed))
    return len(ids)


def restore_last_seen(db: Session, contact: Contact, identity: Recipient,
                      since: dt.datetime) -> None:
    """"Last seen" as it was before the conversation: otherwise it would keep the time
    of a message that is no longer in the log, and so point at the gap it left."""
    before = db.scalar(select(func.max(Message.created_at)).where(
        Message.contact_id == contact.id, Message.direction == Direction.IN,
        Message.created_at < since))
    contact.last_seen_at = before
    db.execute(update(Identity).where(Identity.id == identity.id).values(last_seen_at=before))
