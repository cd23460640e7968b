"""Merging two contacts when a shared phone number shows they are one person."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.contacts.linking import link_phone
from bot.core.clock import now
from bot.store import Contact, ConversationSession, Group, GroupMember, Identity
from tests.builders import make_contact


def group(services, name) -> int:
    with services.database.write() as db:
        row = Group(name=name)
        db.add(row)
        db.flush()
        return row.id


def join(services, contact_id, group_id):
    with services.database.write() as db:
        db.add(GroupMember(group_id=group_id, contact_id=contact_id))


def session(services, contact_id, flow):
    with services.database.write() as db:
        db.add(ConversationSession(contact_id=contact_id, flow=flow, state={},
                                   expires_at=now() + dt.timedelta(hours=1)))


def test_the_registered_contact_is_kept_and_takes_everything(services):
    kept, _, phone = make_contact(services, channel="sms", name="Amina", lang="fa")
    other, _, chat = make_contact(services, channel="telegram", address="7300001",
                                  registered=False, name=None)
    shura, women = group(services, "shura"), group(services, "women")
    join(services, kept, shura)
    join(services, other, shura)  # in both: one membership remains
    join(services, other, women)
    session(services, kept, "menu")
    session(services, other, "registration")

    assert link_phone(services.database, "telegram", chat, phone, now()) == kept

    with services.database.read() as db:
        assert db.get(Contact, other) is None
        identities = db.scalars(select(Identity).where(Identity.contact_id == kept)).all()
        assert {i.channel for i in identities} == {"sms", "telegram"}
        groups = db.scalars(select(GroupMember.group_id).where(GroupMember.contact_id == kept))
        assert sorted(groups) == sorted([shura, women])
        assert db.get(ConversationSession, kept).flow == "menu"
        assert db.get(Contact, kept).name == "Amina"


def test_a_new_number_becomes_an_sms_identity_of_the_person(services):
    contact, _, chat = make_contact(services, channel="telegram", address="7300002")
    link_phone(services.database, "telegram", chat, "+93700999888", now())
    with services.database.read() as db:
        channels = db.scalars(select(Identity.channel).where(Identity.contact_id == contact))
        assert sorted(channels) == ["sms", "telegram"]


def test_the_unregistered_side_fills_in_what_the_kept_one_lacks(services):
    kept, _, phone = make_contact(services, channel="sms", name=None)
    _, _, chat = make_contact(services, channel="telegram", address="7300003",
                              registered=False, name=None, lang="ps")
    with services.database.write() as db:
        db.get(Contact, kept).language = None
    link_phone(services.database, "telegram", chat, phone, now())
    with services.database.read() as db:
        assert db.get(Contact, kept).language == "ps"
