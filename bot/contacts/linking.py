"""Linking a phone number to a person, and merging two contacts into one.

When someone on Telegram shares their own phone number, the SMS identity for that
number joins their contact, so they are one person on both channels. If the number
already belongs to another contact (they wrote by SMS before), the two contacts are
merged: the registered one is kept (the older, if both are), it takes any profile
field it lacks from the other, and every row that pointed at the other contact
(identities, messages, and the tables of every feature, found from the foreign keys)
moves to it. A row the kept contact already has an equivalent of (an open session,
a membership of the same group) stays with the other contact and goes with it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.contacts.lookup import find_identity
from bot.core.crypto import keyring
from bot.core.db import Database, insert_ignore
from bot.store import Base, Contact, ContactStatus, Identity

SMS = "sms"
PROFILE = ("language", "name", "province", "district", "role", "consent_at", "registered_at",
           "preferred_channel")


def link_phone(database: Database, channel: str, address: str, phone: str,
               at: dt.datetime) -> int | None:
    """Gives the contact behind (channel, address) the SMS number `phone`; the id of
    the contact that holds both afterwards."""
    with database.write() as db:
        identity = find_identity(db, channel, address)
        if identity is None:
            return None
        sms = find_identity(db, SMS, phone)
        if sms is None:
            insert_ignore(db, Identity, {
                "contact_id": identity.contact_id, "channel": SMS, "address": phone,
                "address_index": keyring().blind_index(phone), "created_at": at,
            })
            return identity.contact_id
        if sms.contact_id == identity.contact_id:
            return identity.contact_id
        return merge(db, identity.contact_id, sms.contact_id)


def merge(db: Session, first_id: int, second_id: int) -> int:
    """Merges two contacts (see the module's docstring); the kept contact's id."""
    contacts = db.scalars(select(Contact).where(Contact.id.in_((first_id, second_id)))
                          .order_by(Contact.id).with_for_update()).all()
    keep, drop = sorted(contacts, key=lambda c: (not c.registered, c.created_at, c.id))
    for name in PROFILE:
        if getattr(keep, name) is None and getattr(drop, name) is not None:
            setattr(keep, name, getattr(drop, name))
    if drop.registered and not keep.registered:
        keep.status = ContactStatus.ACTIVE
    db.flush()
    for table, column in _references():
        _move(db, table, column, keep.id, drop.id)
    db.expunge(drop)
    db.execute(delete(Contact).where(Contact.id == drop.id))
    return keep.id


def _references():
    for table in Base.metadata.sorted_tables:
        for key in table.foreign_keys:
            if key.column.table.name == "contacts" and table.name != "contacts":
                yield table, key.parent


def _move(db: Session, table, column, keep: int, drop: int) -> None:
    try:
        with db.begin_nested():
            db.execute(update(table).where(column == drop).values({column.name: keep}))
        return
    except IntegrityError:
        pass
    keys = list(table.primary_key.columns)
    for row in db.execute(select(*keys).where(column == drop)).all():
        try:
            with db.begin_nested():
                db.execute(update(table).where(*(k == v for k, v in zip(keys, row, strict=True)))
                           .values({column.name: keep}))
        except IntegrityError:
            continue  # the kept contact already has its own: this one goes with `drop`
