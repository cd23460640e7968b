"""Finding contacts. Names are encrypted, so a name search decrypts a bounded number of
candidates (after the province and role filters, which run in SQL); a phone number is
found exactly through its blind index."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.contacts.imports import RowError, normal_phone
from bot.contacts.lookup import find_identity
from bot.store import Contact, ContactStatus

SCAN_LIMIT = 5000
PAGE = 50


@dataclass(frozen=True)
class Search:
    q: str = ""
    province: str = ""
    role: str = ""
    page: int = 1


def _phone(q: str) -> str | None:
    try:
        return normal_phone(q)
    except RowError:
        return None


def by_number(s: Search) -> bool:
    """Whether this search finds a person by phone number: for coordinators only, and
    audited, because it tells whether a number is registered."""
    return bool(s.q) and _phone(s.q) is not None


def search(db: Session, s: Search) -> tuple[list[Contact], bool]:
    """One page of matching contacts (newest first) and whether there are more."""
    query = select(Contact).where(Contact.status == ContactStatus.ACTIVE)
    if s.province:
        query = query.where(Contact.province == s.province)
    if s.role:
        query = query.where(Contact.role == s.role)
    phone = _phone(s.q) if s.q else None
    if phone:
        found = [find_identity(db, channel, phone) for channel in ("sms", "sim")]
        ids = [i.contact_id for i in found if i is not None]
        query = query.where(Contact.id.in_(ids))
    query = query.order_by(Contact.id.desc())
    start = (s.page - 1) * PAGE
    if s.q and not phone:
        needle = s.q.casefold()
        rows = [c for c in db.scalars(query.limit(SCAN_LIMIT))
                if needle in (c.name or "").casefold()]
        return rows[start:start + PAGE], len(rows) > start + PAGE
    rows = list(db.scalars(query.offset(start).limit(PAGE + 1)))
    return rows[:PAGE], len(rows) > PAGE


def mask(address: str) -> str:
    """An address as a viewer sees it: enough to tell two apart, not to call anyone."""
    return "•" * max(len(address) - 2, 3) + address[-2:]
