"""Finding people by address without keeping the address in clear."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.crypto import keyring
from bot.core.db import insert_ignore
from bot.store import Contact, Identity
from locales import LANGUAGES


def find_identity(db: Session, channel: str, address: str) -> Identity | None:
    indexes = keyring().blind_indexes(address)
    match = (Identity.address_index == indexes[0] if len(indexes) == 1
             else Identity.address_index.in_(indexes))
    return db.scalars(select(Identity).where(Identity.channel == channel, match)).first()


def identify(
    db: Session, channel: str, address: str, now: dt.datetime, language: str | None = None
) -> Identity:
    """The identity for this address, made (with a new contact) if it is new."""
    identity = find_identity(db, channel, address)
    if identity is not None:
        return identity
    contact = Contact(language=language if language in LANGUAGES else None, created_at=now)
    db.add(contact)
    db.flush()
    inserted = insert_ignore(
        db,
        Identity,
        {
            "contact_id": contact.id,
            "channel": channel,
            "address": address,
            "address_index": keyring().blind_index(address),
            "created_at": now,
        },
    )
    if not inserted:  # someone else made it a moment ago
        db.delete(contact)
    return find_identity(db, channel, address)
