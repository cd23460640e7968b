"""Reaching a person outside a conversation: a status change, an invitation, an alert.

One person, one message: it goes to the identity of their preferred channel (the
one they last wrote from), or else their most recently seen reachable identity.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.config import Settings
from bot.outbound.outbox import enqueue
from bot.store import Contact, Identity, Priority
from bot.text.render import Choice
from locales import Translator


def preferred_identity(db: Session, contact: Contact) -> Identity | None:
    identities = db.scalars(
        select(Identity).where(Identity.contact_id == contact.id, Identity.stopped_at.is_(None))
    ).all()
    if not identities:
        return None
    preferred = [i for i in identities if i.channel == contact.preferred_channel]
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    return max(preferred or identities, key=lambda i: (i.last_seen_at or epoch, i.id))


def language_of(contact: Contact, settings: Settings) -> str:
    """The one place a reader's language is decided: theirs, else the deployment's."""
    return contact.language or settings.default_language


def translator(contact: Contact, settings: Settings) -> Translator:
    return Translator(language_of(contact, settings), settings.default_language)


def notify(
    db: Session,
    contact: Contact,
    text: str,
    *,
    now: dt.datetime,
    choices: Iterable[Choice] = (),
    priority: int = Priority.CONVERSATION,
    settings: Settings,
) -> int | None:
    """Queues `text` for `contact`: the message's id, or None when they have no
    reachable address."""
    identity = preferred_identity(db, contact)
    if identity is None:
        return None
    return enqueue(db, identity, text, now=now, choices=choices,
                   language=language_of(contact, settings),
                   priority=priority)
