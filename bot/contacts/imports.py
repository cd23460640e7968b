"""Adding and updating contacts from outside a conversation: CSV import (the CLI and the
dashboard share it), the dashboard's "add contact" form and the API.

A contact added here counts as registered: the organisation that adds people is
responsible for having their consent (say so in the import instructions).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.contacts.lookup import find_identity, identify
from bot.core.clock import now
from bot.core.db import Database
from bot.store import Contact, ContactStatus, Group, GroupMember
from bot.text import places
from bot.text.normalize import to_ascii_digits
from bot.text.vocabulary import ROLES
from locales import LANGUAGES

COLUMNS = ("phone", "name", "language", "province", "district", "role", "groups")
PHONE = re.compile(r"^\+[1-9]\d{6,14}$")
MAX_TEXT = 120


class RowError(ValueError):
    """A row that cannot be imported: `code` and `params` let the dashboard say it in the
    coordinator's language; str() is the English for the CLI and the API."""

    ENGLISH = {
        "phone": "phone {value!r} is not an international number like +93700000001",
        "too_long": "{column} is longer than {limit} characters",
        "not_one_of": "{column} {value!r} is not one of: {allowed}",
        "erased": "this person asked to be erased; they must register again themselves",
        "no_phone_column": "the file has no 'phone' column; columns: {allowed}",
    }

    def __init__(self, code: str, **params):
        super().__init__(self.ENGLISH[code].format(**params))
        self.code, self.params = code, params


@dataclass(frozen=True)
class ContactFields:
    phone: str
    name: str | None = None
    language: str | None = None
    province: str | None = None
    district: str | None = None
    role: str | None = None
    groups: tuple[str, ...] = ()


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, RowError]] = field(default_factory=list)


# Country calling codes of the places files' countries, for numbers written the national
# way (a trunk 0 and no country code: "0700 000 001" in Afghanistan).
CALLING_CODES = {"AF": "93", "YE": "967", "MA": "212"}


def normal_phone(raw: str, country: str | None = None) -> str:
    """+<country code><number>, from an international number written any usual way, or,
    given the `country` (ISO code), from one written nationally with its trunk 0."""
    phone = re.sub(r"[\s().-]", "", to_ascii_digits(raw or ""))
    if phone.startswith("00"):
        phone = "+" + phone[2:]
    elif phone.startswith("0") and country in CALLING_CODES:
        phone = "+" + CALLING_CODES[country] + phone[1:]
    if not PHONE.match(phone):
        raise RowError("phone", value=raw)
    return phone


def _text(raw: dict, key: str) -> str | None:
    value = (raw.get(key) or "").strip()
    if len(value) > MAX_TEXT:
        raise RowError("too_long", column=key, limit=MAX_TEXT)
    return value or None


def _choice(raw: dict, key: str, allowed: Iterable[str]) -> str | None:
    value = (_text(raw, key) or "").lower() or None
    allowed = tuple(allowed)
    if value is not None and value not in allowed:
        raise RowError("not_one_of", column=key, value=value, allowed=", ".join(allowed))
    return value


def validate(raw: dict, places_name: str) -> ContactFields:
    """Checked fields from one row (a dict of column -> text), or RowError."""
    provinces = [p.code for p in places.load(places_name).places]
    groups = tuple(g.strip() for g in re.split(r"[;|]", raw.get("groups") or "") if g.strip())
    if any(len(g) > MAX_TEXT for g in groups):
        raise RowError("too_long", column="groups", limit=MAX_TEXT)
    return ContactFields(
        phone=normal_phone(raw.get("phone") or ""), name=_text(raw, "name"),
        language=_choice(raw, "language", LANGUAGES), province=_choice(raw, "province", provinces),
        district=_text(raw, "district"), role=_choice(raw, "role", ROLES), groups=groups,
    )


def validate_edit(raw: dict, places_name: str) -> dict:
    """The editable fields of an existing contact (empty means cleared), or RowError."""
    provinces = [p.code for p in places.load(places_name).places]
    return {"name": _text(raw, "name"), "language": _choice(raw, "language", LANGUAGES),
            "province": _choice(raw, "province", provinces), "district": _text(raw, "district"),
            "role": _choice(raw, "role", ROLES)}


def save_contact(db: Session, fields: ContactFields) -> tuple[int, bool]:
    """Creates or updates the SMS contact with this phone; (contact id, created?).
    Empty fields leave what is there."""
    at = now()
    existing = find_identity(db, "sms", fields.phone)
    identity = existing or identify(db, "sms", fields.phone, at, fields.language)
    contact = db.get(Contact, identity.contact_id)
    if contact.status == ContactStatus.ERASING:
        raise RowError("erased")
    for name in ("name", "language", "province", "district", "role"):
        if getattr(fields, name) is not None:
            setattr(contact, name, getattr(fields, name))
    if contact.status != ContactStatus.ACTIVE:
        contact.status = ContactStatus.ACTIVE
        contact.consent_at = contact.registered_at = at
    contact.preferred_channel = contact.preferred_channel or "sms"
    for group_name in fields.groups:
        add_member(db, group_by_name(db, group_name), contact.id)
    db.flush()
    return contact.id, existing is None


def group_by_name(db: Session, name: str) -> Group:
    group = db.scalar(select(Group).where(Group.name == name))
    if group is None:
        group = Group(name=name, created_at=now())
        db.add(group)
        db.flush()
    return group


def add_member(db: Session, group: Group, contact_id: int) -> bool:
    if db.get(GroupMember, (group.id, contact_id)) is not None:
        return False
    db.add(GroupMember(group_id=group.id, contact_id=contact_id, added_at=now()))
    db.flush()
    return True


def read_csv(data: bytes | str) -> tuple[list[str], list[dict]]:
    """The header and the rows of a CSV file (UTF-8, with or without a BOM; , or ;)."""
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)  # spreadsheets in fr/ar locales use ;
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [(h or "").strip().lower() for h in reader.fieldnames or []]
    reader.fieldnames = header
    if "phone" not in header:
        raise RowError("no_phone_column", allowed=", ".join(COLUMNS))
    return header, list(reader)


def import_rows(database: Database, rows: list[dict], places_name: str,
                progress: Callable[[int], None] | None = None, batch: int = 200) -> ImportResult:
    """Imports rows in batches; a bad row is reported with its line number, not fatal."""
    result = ImportResult()
    for start in range(0, len(rows), batch):
        with database.write() as db:
            for offset, raw in enumerate(rows[start:start + batch]):
                _import_one(db, raw, start + offset + 2, places_name, result)  # line 1: header
        if progress:
            progress(min(batch, len(rows) - start))
    return result


def _import_one(db: Session, raw: dict, line: int, places_name: str, result: ImportResult):
    try:
        fields = validate(raw, places_name)
        with db.begin_nested():
            _, created = save_contact(db, fields)
    except RowError as error:
        result.errors.append((line, error))
        return
    if created:
        result.created += 1
    else:
        result.updated += 1
