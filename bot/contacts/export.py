"""The contacts export."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.exports import Filters, export
from bot.store import Contact, ContactStatus, Identity


def contact_rows(db: Session, filters: Filters):
    query = select(Contact).where(Contact.status == ContactStatus.ACTIVE).order_by(Contact.id)
    query = filters.apply(query, at=Contact.registered_at, province=Contact.province)
    for contact in db.scalars(query.execution_options(yield_per=500)):
        addresses = {i.channel: i.address for i in db.scalars(
            select(Identity).where(Identity.contact_id == contact.id))}
        yield (contact.id, contact.status, contact.language, contact.name, contact.province,
               contact.district, contact.role, addresses.get("sms"), addresses.get("telegram"),
               contact.registered_at, contact.stopped_at)


EXPORTS = (
    export(contact_rows, "contacts",
    ("id", "status", "language", "name", "province", "district", "role", "sms", "telegram",
     "registered_at", "stopped_at"),
    "registered contacts with their addresses",),
)
