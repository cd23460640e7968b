"""Conversations: open, reply, read, assign, note, close.

A conversation is opened by a coordinator (from a person, a report or a feedback item);
while it is open, what the person sends that is no keyword and no answer to a question
lands here (flows/conversation.py) and counts as unread. Replies go through notify: the
channel the person last wrote from, at conversation priority. Closing tells the person,
in their language, how to reach the organisation again.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.contacts.erasure import Eraser
from bot.core.config import Settings
from bot.outbound.notify import notify, translator
from bot.store import (
    Contact,
    Conversation,
    ConversationNote,
    ConversationSession,
    ConversationStatus,
    Message,
    Priority,
)
from bot.text import keywords

NOTE_LIMIT = 2000
TEXT_LIMIT = 1600  # ten SMS segments of GSM-7; a reply box is not a broadcast
THREAD_LIMIT = 300


def current(db: Session, contact_id: int) -> Conversation | None:
    return db.scalars(select(Conversation).where(
        Conversation.contact_id == contact_id, Conversation.status == ConversationStatus.OPEN)
        .order_by(Conversation.id.desc()).limit(1)).first()


def open_for(db: Session, contact: Contact, *, now: dt.datetime,
             subject: str | None = None) -> Conversation:
    """The person's open conversation, or a new one."""
    found = current(db, contact.id)
    if found is not None:
        if subject and not found.subject:
            found.subject = subject
        return found
    conversation = Conversation(contact_id=contact.id, status=ConversationStatus.OPEN,
                                subject=subject, province=contact.province, unread=0,
                                opened_at=now, last_activity_at=now)
    db.add(conversation)
    db.flush()
    return conversation


def send(db: Session, conversation: Conversation, text: str, *, now: dt.datetime,
         settings: Settings) -> Message | None:
    """Queues a coordinator's reply; None when the person has no reachable address."""
    text = text.strip()
    if not text or len(text) > TEXT_LIMIT:
        raise ValueError(f"a reply is 1 to {TEXT_LIMIT} characters")
    contact = db.get(Contact, conversation.contact_id)
    if conversation.status != ConversationStatus.OPEN:
        raise ValueError("the conversation is closed")
    # An idle main menu would take their answer as a wrong menu choice.
    db.execute(delete(ConversationSession).where(
        ConversationSession.contact_id == contact.id, ConversationSession.flow == "menu"))
    sent = notify(db, contact, text, now=now, settings=settings, priority=Priority.CONVERSATION)
    conversation.last_activity_at = now
    conversation.unread = 0
    return None if sent is None else db.get(Message, sent)


def received(db: Session, contact_id: int, now: dt.datetime) -> bool:
    """Counts a message the person sent into their open conversation; False if none."""
    conversation = current(db, contact_id)
    if conversation is None:
        return False
    conversation.unread += 1
    conversation.last_activity_at = now
    return True


def mark_read(conversation: Conversation) -> None:
    conversation.unread = 0


def assign(conversation: Conversation, user_id: int | None) -> None:
    conversation.assigned_to = user_id


def add_note(db: Session, conversation: Conversation, text: str, *, by: str,
             now: dt.datetime) -> ConversationNote:
    text = text.strip()
    if not text or len(text) > NOTE_LIMIT:
        raise ValueError(f"a note is 1 to {NOTE_LIMIT} characters")
    note = ConversationNote(conversation_id=conversation.id, by=by[:120], text=text, at=now)
    db.add(note)
    return note


def close(db: Session, conversation: Conversation, *, now: dt.datetime,
          settings: Settings) -> bool:
    """Closes it and tells the person how to reach the organisation again. False if it
    was closed already (nobody is told twice)."""
    if conversation.status == ConversationStatus.CLOSED:
        return False
    conversation.status = ConversationStatus.CLOSED
    conversation.closed_at = now
    conversation.unread = 0
    contact = db.get(Contact, conversation.contact_id)
    if contact is not None and contact.registered:
        t = translator(contact, settings)
        words = {name.lower(): keywords.KEYWORDS[name].display(t.language)
                 for name in ("MENU", "REPORT", "FEEDBACK") if name in keywords.KEYWORDS}
        notify(db, contact, t("followup.closed", org=settings.org_name, **words), now=now,
               settings=settings)
    return True


def thread(db: Session, contact_id: int, limit: int = THREAD_LIMIT) -> list[Message]:
    """What the person sent and received, oldest first (the latest `limit`)."""
    latest = list(db.scalars(select(Message).where(Message.contact_id == contact_id)
                             .order_by(Message.created_at.desc(), Message.id.desc())
                             .limit(limit)))
    return latest[::-1]


def notes(db: Session, conversation_id: int) -> list[ConversationNote]:
    return list(db.scalars(select(ConversationNote).where(
        ConversationNote.conversation_id == conversation_id).order_by(ConversationNote.id)))


def open_list(db: Session, *, province: str | None = None, assignee: int | None = None,
              unassigned: bool = False):
    """Open conversations, unread first, then the most recently active."""
    query = select(Conversation).where(Conversation.status == ConversationStatus.OPEN)
    if province:
        query = query.where(Conversation.province == province)
    if unassigned:
        query = query.where(Conversation.assigned_to.is_(None))
    elif assignee:
        query = query.where(Conversation.assigned_to == assignee)
    return query.order_by((Conversation.unread > 0).desc(),
                          Conversation.last_activity_at.desc(), Conversation.id.desc())


def unread_total(db: Session) -> int:
    return db.scalar(select(func.coalesce(func.sum(Conversation.unread), 0)).where(
        Conversation.status == ConversationStatus.OPEN)) or 0


def forget_contact(db: Session, contact: Contact) -> None:
    """Their conversations go, with the coordinators' notes on them (notes about a
    person are about that person)."""
    ids = select(Conversation.id).where(Conversation.contact_id == contact.id)
    db.execute(delete(ConversationNote).where(ConversationNote.conversation_id.in_(ids)))
    db.execute(delete(Conversation).where(Conversation.contact_id == contact.id))


ERASERS = (Eraser(("conversations", "conversation_notes"), forget_contact),)
