"""/api/v1/contacts: registered contacts; list, read, create (or update by phone)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app, request
from sqlalchemy import select

from bot.audit import trail as audit
from bot.contacts.imports import ContactFields, RowError, normal_phone, save_contact, validate
from bot.contacts.lookup import find_identity
from bot.store import Contact, ContactStatus, GroupMember, Identity
from bot.text.vocabulary import ROLES
from dashboard.api.registry import (
    ApiError,
    Call,
    PageQuery,
    Reply,
    cursor_after,
    endpoint,
    page_of,
    paged,
)
from dashboard.api.schema import spec
from locales import LANGUAGES


@dataclass
class Address:
    """One way to reach a contact. `address` is null for tokens without contacts.addresses."""

    channel: str
    address: str | None
    stopped: bool


@dataclass
class ContactOut:
    id: int
    status: str
    language: str | None
    name: str | None
    province: str | None
    district: str | None = spec(description="null without the contacts.district permission"
                                " (viewers)")
    role: str | None
    addresses: list[Address]
    groups: list[int]
    registered_at: dt.datetime | None
    stopped_at: dt.datetime | None


@dataclass
class ContactQuery(PageQuery):
    province: str = spec("", max_length=64, description="province code")
    role: str = spec("", enum=("", *ROLES))
    phone: str = spec("", max_length=32, description=(
        "the contact with this phone number, international format; needs the"
        " contacts.by_number permission (not viewers), and every use is audited"))


@dataclass
class ContactIn:
    """A contact to add, or to update when the phone number is known already."""

    phone: str = spec(max_length=32, description="international format, e.g. +93700000001")
    name: str | None = spec(None, max_length=120)
    language: str | None = spec(None, enum=LANGUAGES)
    province: str | None = spec(None, max_length=64, description="a province code")
    district: str | None = spec(None, max_length=120)
    role: str | None = spec(None, enum=ROLES)
    groups: list[str] = spec([], description="group names; made when missing")


def services():
    return current_app.extensions["mashwara"]


def contacts_out(db, contacts: list[Contact], call: Call) -> list[ContactOut]:
    """Contacts with their addresses and groups, in two queries for the whole page."""
    ids = [c.id for c in contacts]
    see = call.can("contacts.addresses")
    district = call.can("contacts.district")
    addresses: dict[int, list[Address]] = {i: [] for i in ids}
    for i in db.scalars(select(Identity).where(Identity.contact_id.in_(ids))
                        .order_by(Identity.id)):
        addresses[i.contact_id].append(
            Address(i.channel, i.address if see else None, i.stopped_at is not None))
    groups: dict[int, list[int]] = {i: [] for i in ids}
    for member in db.scalars(select(GroupMember).where(GroupMember.contact_id.in_(ids))
                             .order_by(GroupMember.group_id)):
        groups[member.contact_id].append(member.group_id)
    return [ContactOut(c.id, c.status, c.language, c.name, c.province,
                       c.district if district else None, c.role,
                       addresses[c.id], groups[c.id], c.registered_at, c.stopped_at)
            for c in contacts]


def contact_out(db, contact: Contact, call: Call) -> ContactOut:
    return contacts_out(db, [contact], call)[0]


@endpoint("GET", "/v1/contacts", permission="contacts.view", tag="contacts",
          summary="Registered contacts, oldest first", query=ContactQuery,
          response=page_of(ContactOut))
def list_contacts(call: Call):
    q: ContactQuery = call.query
    query = select(Contact).where(Contact.status == ContactStatus.ACTIVE)
    if q.province:
        query = query.where(Contact.province == q.province)
    if q.role:
        query = query.where(Contact.role == q.role)
    after = cursor_after(q)
    if after is not None:
        query = query.where(Contact.id > after)
    if q.phone:
        return _by_number(call, query, q)
    with services().database.read() as db:
        rows = list(db.scalars(query.order_by(Contact.id).limit(q.limit + 1)))
        rows, cursor = paged(rows, q.limit, lambda c: c.id)
        return page_of(ContactOut)(contacts_out(db, rows, call), cursor)


def _by_number(call: Call, query, q: ContactQuery):
    """A lookup by number tells whether the number is registered: refused to viewers,
    and written to the audit trail either way (never the number itself)."""
    allowed = call.can("contacts.by_number")
    try:
        phone = normal_phone(q.phone)
    except RowError:
        raise ApiError(400, "bad_query", "phone: not a phone number") from None
    with services().database.write() as db:
        rows = []
        if allowed:
            found = [find_identity(db, channel, phone) for channel in ("sms", "sim")]
            ids = [i.contact_id for i in found if i is not None]
            rows = list(db.scalars(query.where(Contact.id.in_(ids)).order_by(Contact.id)))
        target = rows[0].id if len(rows) == 1 else None
        audit.record(db, f"token:{call.token.id}", "contact.lookup",
                     "contact" if target else None, target,
                     {"via": "api.filter", "found": len(rows), "refused": not allowed,
                      "address": request.remote_addr})
        page = page_of(ContactOut)(contacts_out(db, rows, call), None)
    if not allowed:  # after the write: the refusal stays in the trail
        raise ApiError(403, "forbidden", "this token's role may not find people by number")
    return page


@endpoint("GET", "/v1/contacts/<int:contact_id>", permission="contacts.view", tag="contacts",
          summary="One contact", response=ContactOut, errors=(404,))
def get_contact(call: Call, contact_id: int):
    with services().database.read() as db:
        contact = db.get(Contact, contact_id)
        if contact is None or contact.status != ContactStatus.ACTIVE:
            raise ApiError(404, "not_found", "no such contact")
        return contact_out(db, contact, call)


@endpoint("POST", "/v1/contacts", permission="contacts.edit", tag="contacts",
          summary="Add a contact (201), or update the one with this phone (200)",
          body=ContactIn, response=ContactOut, status=201, also=(200,), errors=(422,))
def create_contact(call: Call):
    body: ContactIn = call.body
    raw = {**body.__dict__, "groups": ";".join(body.groups)}
    raw = {key: value for key, value in raw.items() if value is not None}
    try:
        fields: ContactFields = validate(raw, services().settings.places)
        with services().database.write() as db:
            contact_id, created = save_contact(db, fields)
            out = contact_out(db, db.get(Contact, contact_id), call)
            # 200 or 201 says whether the number was registered: a lookup by number.
            audit.record(db, f"token:{call.token.id}", "contact.lookup", "contact", contact_id,
                         {"via": "api.create", "found": int(not created),
                          "address": request.remote_addr})
    except RowError as error:
        raise ApiError(422, "invalid", str(error)) from None
    return Reply(201 if created else 200, out)
