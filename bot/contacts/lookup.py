"""Finding people by address without keeping the address in clear."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, bindparam, delete, insert, select
from sqlalchemy.orm import Session

from bot.core.crypto import keyring
from bot.core.db import insert_ignore
from bot.store import Contact, Identity
from locales import LANGUAGES


@dataclass(frozen=True)
class Sender:
    """The identity a message came from, as the inbound path needs it: read in one
    query with its contact, without decrypting the address (it is not needed to
    answer)."""

    id: int
    contact_id: int
    channel: str
    stopped_at: dt.datetime | None
    last_seen_at: dt.datetime | None
    # Locked until the transaction ends: one message per person at a time.
    contact: Contact


_identities, _contacts = Identity.__table__, Contact.__table__
_NEW_CONTACT = insert(_contacts).returning(_contacts.c.id)
_DROP_CONTACT = delete(_contacts).where(_contacts.c.id == bindparam("contact"))


def _sender_query(index: ColumnElement[bool]) -> Select:
    # FOR NO KEY UPDATE OF contacts: bot.pipeline.inbox.lock_contact says why that lock.
    return select(
        _identities.c.id, _identities.c.contact_id, _identities.c.channel,
        _identities.c.stopped_at, _identities.c.last_seen_at, Contact,
    ).join(Contact, Contact.id == _identities.c.contact_id).where(
        _identities.c.channel == bindparam("channel"), index,
    ).with_for_update(of=Contact, key_share=True).limit(1)


# One key, as almost always: an equality, whose SQL the statement cache keeps. During a
# key rotation, an expanding IN, whose SQL is rendered again on every run.
_SENDER = _sender_query(_identities.c.address_index == bindparam("index"))
_SENDER_ROTATING = _sender_query(
    _identities.c.address_index.in_(bindparam("index", expanding=True)))


def find_identity(db: Session, channel: str, address: str) -> Identity | None:
    indexes = keyring().blind_indexes(address)
    match = (Identity.address_index == indexes[0] if len(indexes) == 1
             else Identity.address_index.in_(indexes))
    return db.scalars(select(Identity).where(Identity.channel == channel, match)).first()


def identify(
    db: Session, channel: str, address: str, now: dt.datetime, language: str | None = None
) -> Identity:
    """The identity for this address, made (with a new contact) if it is new."""
    return _found_or_made(find_identity, db, channel, address, now, language)


def sender(
    db: Session, channel: str, address: str, now: dt.datetime, language: str | None = None
) -> Sender:
    """As `identify`, for the inbound hot path; its contact is locked, in the same query
    (one statement fewer on every message)."""
    return _found_or_made(_find_sender, db, channel, address, now, language)


def _found_or_made(find, db: Session, channel: str, address: str, now: dt.datetime,
                   language: str | None):
    found = find(db, channel, address)
    if found is None:
        _create(db, channel, address, now, language)
        found = find(db, channel, address)
    return found


def _find_sender(db: Session, channel: str, address: str) -> Sender | None:
    indexes = keyring().blind_indexes(address)
    query, index = (_SENDER, indexes[0]) if len(indexes) == 1 else (_SENDER_ROTATING, indexes)
    row = db.execute(query, {"channel": channel, "index": index}).first()
    return None if row is None else Sender(*row)


def _create(db: Session, channel: str, address: str, now: dt.datetime,
            language: str | None) -> None:
    """A contact and its identity, in Core: someone's first message is common in a
    campaign's first hour, and the ORM's unit of work cost more than both inserts."""
    contact = db.execute(_NEW_CONTACT, {
        "language": language if language in LANGUAGES else None, "created_at": now,
    }).scalar_one()
    inserted = insert_ignore(db, Identity, {
        "contact_id": contact, "channel": channel, "address": address,
        "address_index": keyring().blind_index(address), "created_at": now,
    })
    if not inserted:  # someone else made it a moment ago
        db.execute(_DROP_CONTACT, {"contact": contact})
