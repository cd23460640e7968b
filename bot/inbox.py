"""The inbound pipeline: record, then process.

Recording is its own transaction: once a webhook has been answered, the message is
in the store, whatever happens next. A duplicate delivery (same channel and provider
id) is recognised by the unique key and not processed again. Processing locks the
contact, runs the engine and writes the replies as outbox rows in one transaction;
if it fails, the person is told to try again and the message is kept as errored.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.channels.base import InboundMessage
from bot.clock import now
from bot.config import Settings
from bot.contacts import identify
from bot.db import Database, insert_ignore
from bot.outbox import enqueue
from bot.store import Contact, ContactStatus, Direction, Identity, Message, Status
from flows.engine import Context, Engine, Input
from locales import Translator

log = logging.getLogger(__name__)

# Longest text kept from one inbound message; SMS concatenation tops out far below.
MAX_STORED = 10_000


@dataclass(frozen=True)
class Receipt:
    message_id: int | None
    duplicate: bool = False


class Inbox:
    def __init__(self, database: Database, settings: Settings, engine: Engine | None = None):
        self.database = database
        self.settings = settings
        self.engine = engine or Engine()

    def receive(self, message: InboundMessage) -> Receipt:
        receipt = self.record(message)
        if not receipt.duplicate:
            self.process(receipt.message_id)
        return receipt

    def record(self, message: InboundMessage, keep_only: bool = False) -> Receipt:
        """Stores the message. `keep_only`: log it as handled without answering (an
        edited Telegram message: the conversation has moved on)."""
        at = now()
        with self.database.write() as db:
            identity = identify(db, message.channel, message.address, at, message.language_hint)
            text = message.choice if message.choice is not None else message.text
            message_id = insert_ignore(db, Message, {
                "direction": Direction.IN,
                "channel": message.channel,
                "contact_id": identity.contact_id,
                "identity_id": identity.id,
                "text": (text or "")[:MAX_STORED],
                "attachments": list(message.attachments) or None,
                "status": Status.HANDLED if keep_only else Status.RECEIVED,
                "priority": 0,
                "attempts": 0,
                "external_id": message.external_id or f"local-{uuid.uuid4().hex}",
                "created_at": at,
            })
        if message_id is None:
            log.info("duplicate %s message ignored", message.channel)
            return Receipt(None, duplicate=True)
        return Receipt(message_id)

    def process(self, message_id: int) -> None:
        try:
            with self.database.write() as db:
                self._process(db, message_id)
        except Exception:
            log.exception("inbound message %s could not be processed", message_id)
            with self.database.write() as db:
                self._apologise(db, message_id)

    def _process(self, db: Session, message_id: int) -> None:
        row = db.get(Message, message_id)
        if row is None or row.status != Status.RECEIVED or row.identity_id is None:
            return
        # One message per person at a time: the contact row is the lock.
        contact = db.scalars(
            select(Contact).where(Contact.id == row.contact_id).with_for_update()
        ).one()
        db.refresh(row)
        if row.status != Status.RECEIVED:
            return  # another process handled it while we waited for the lock
        identity = db.get(Identity, row.identity_id)
        at = now()
        if contact.status == ContactStatus.ERASING:
            contact.status = ContactStatus.NEW  # they came back before the purge
        ctx = Context(db=db, contact=contact, identity=identity, settings=self.settings, now=at,
                      message=self._inbound(row))
        outcome = self.engine.handle(ctx, Input.from_message(ctx.message))
        for reply in outcome.replies:
            enqueue(db, identity, reply.text, choices=reply.choices, now=at,
                    language=contact.language or self.settings.default_language)
        row.status = Status.HANDLED
        if outcome.redact_input:
            row.text = None
            row.attachments = None
        contact.last_seen_at = identity.last_seen_at = at
        identity.stopped_at = None  # they wrote to us: reachable again (unblocked, START)
        contact.preferred_channel = identity.channel

    @staticmethod
    def _inbound(row: Message) -> InboundMessage:
        return InboundMessage(
            channel=row.channel, address="", text=row.text or "",
            external_id=row.external_id, attachments=tuple(row.attachments or ()),
        )

    def _apologise(self, db: Session, message_id: int) -> None:
        row = db.get(Message, message_id)
        if row is None or row.status != Status.RECEIVED:
            return
        row.status = Status.ERRORED
        identity = db.get(Identity, row.identity_id) if row.identity_id else None
        if identity is None:
            return
        contact = db.get(Contact, identity.contact_id)
        language = contact.language or self.settings.default_language
        text = Translator(language, self.settings.default_language)("error.internal")
        enqueue(db, identity, text, now=now(), language=language)

    def pending(self, older_than: dt.timedelta) -> list[int]:
        """Messages recorded but never processed (the process died in between)."""
        with self.database.read() as db:
            return list(db.scalars(
                select(Message.id).where(
                    Message.direction == Direction.IN,
                    Message.status == Status.RECEIVED,
                    Message.created_at < now() - older_than,
                ).order_by(Message.id).limit(500)
            ))

