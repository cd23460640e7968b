"""The inbound pipeline: record, then process, in one transaction.

The sender is found with their contact row locked (two messages from one person are
handled one after the other), and the message is recorded under its unique (channel,
provider id): a duplicate delivery finds the key taken and is acknowledged without
being processed again. Processing runs in the same transaction: the engine runs, and
the replies become outbox rows. If processing fails, the transaction is rolled back
and a new one keeps the message as errored and asks the person to try again (a
savepoint would do it in one, at two statements more on every message). If the process
dies before the commit, nothing was acknowledged to the provider, which delivers the
message again.

`record` and `process` are also available apart, for a message that is stored now
and handled later (the worker retries any left unprocessed).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass

from sqlalchemy import Row, Select, bindparam, func, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from bot.channels.base import InboundMessage
from bot.contacts.lookup import sender
from bot.core.clock import now
from bot.core.config import Settings
from bot.core.db import Database, insert_ignore
from bot.outbound.notify import preferred_identity, translator
from bot.outbound.outbox import Recipient, enqueue
from bot.pipeline import offers
from bot.pipeline.flood_alerts import tell_coordinators
from bot.pipeline.unlink import forget_conversation, restore_last_seen
from bot.reports import alerts, referrals
from bot.store import (
    Contact,
    ContactStatus,
    ConversationSession,
    Direction,
    Identity,
    Message,
    Priority,
    ScrubAfterSend,
    Status,
)
from flows import sessions
from flows.engine import FLOWS, Context, Engine, Input, Outcome

log = logging.getLogger(__name__)

# Longest text kept from one inbound message; SMS concatenation tops out far below.
MAX_STORED = 10_000
# last_seen is kept to the minute: no write on every message for it.
SEEN_PRECISION = dt.timedelta(minutes=1)

_messages, _identities = Message.__table__, Identity.__table__
_contacts, _sessions = Contact.__table__, ConversationSession.__table__
# The hot path's statements, built once: building one costs about as much as running it.
# Once the contact is locked, one query reads the session and the flood check's two
# counts (see Inbox._flooding). It cannot be the locking query itself: on PostgreSQL a
# query that waited for the lock still sees the other tables as they were before it
# waited, without what the message it waited for has just written.
_ARRIVAL = select(
    *sessions.COLUMNS,
    select(func.count()).select_from(_messages).where(
        _messages.c.contact_id == bindparam("contact"),
        _messages.c.direction == Direction.OUT,
        _messages.c.priority == Priority.CONVERSATION,
        _messages.c.created_at > bindparam("since")).scalar_subquery().label("recent"),
    select(func.count()).select_from(_messages).where(
        _messages.c.contact_id == bindparam("contact"),
        _messages.c.direction == Direction.IN,
        _messages.c.status == Status.RECEIVED,
        _messages.c.id < bindparam("message")).scalar_subquery().label("waiting"),
).select_from(_contacts.outerjoin(_sessions)).where(_contacts.c.id == bindparam("contact"))
_TOUCH = update(_identities).where(_identities.c.id == bindparam("identity"))
_LOCK = select(Contact).where(Contact.id == bindparam("contact")).with_for_update(key_share=True)


class _Failed(Exception):
    """Processing a message failed (the cause is chained): the transaction is rolled
    back and the message kept as errored in a new one."""


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
        """Records and processes `message`; returns once its replies are queued."""
        at = now()
        try:
            with self.database.write() as db:
                identity, message_id = self._record(db, message, at, Status.HANDLED)
                if message_id is None:
                    return Receipt(None, duplicate=True)
                self._process_safely(db, message_id, identity, message, at, identity.contact)
                return Receipt(message_id)
        except _Failed:
            with self.database.write() as db:
                identity, message_id = self._record(db, message, at, Status.ERRORED)
                if message_id is None:  # delivered again, and handled, in the meantime
                    return Receipt(None, duplicate=True)
                self._apologise(db, message_id, identity, at)
                return Receipt(message_id)

    def record(self, message: InboundMessage, keep_only: bool = False) -> Receipt:
        """Stores the message to process later. `keep_only`: log it as handled without
        answering (an edited Telegram message: the conversation has moved on)."""
        status = Status.HANDLED if keep_only else Status.RECEIVED
        with self.database.write() as db:
            _, message_id = self._record(db, message, now(), status)
            return Receipt(message_id, duplicate=message_id is None)

    def process(self, message_id: int) -> None:
        at = now()
        try:
            with self.database.write() as db:
                row = db.get(Message, message_id)
                if row is None or row.status != Status.RECEIVED or row.identity_id is None:
                    return
                identity_id = row.identity_id
                inbound = InboundMessage(channel=row.channel, address="", text=row.text or "",
                                         external_id=row.external_id,
                                         attachments=tuple(row.attachments or ()))
                row.status = Status.HANDLED
                self._process_safely(db, row.id, db.get(Identity, identity_id), inbound, at)
        except _Failed:
            with self.database.write() as db:
                self._apologise(db, message_id, db.get(Identity, identity_id), at)

    def _record(self, db: Session, message: InboundMessage, at: dt.datetime, status: str):
        """Stores the message; returns its identity and id (None for a duplicate).

        A message processed at once is stored as handled: if processing fails, the
        transaction rolls back and it is stored again, errored."""
        identity = sender(db, message.channel, message.address, at, message.language_hint)
        text = message.choice if message.choice is not None else message.text
        message_id = insert_ignore(db, Message, {
            "direction": Direction.IN,
            "channel": message.channel,
            "contact_id": identity.contact_id,
            "identity_id": identity.id,
            "text": (text or "")[:MAX_STORED],
            "attachments": list(message.attachments) or None,
            "status": status,
            "priority": 0,
            "attempts": 0,
            "external_id": message.external_id or f"local-{uuid.uuid4().hex}",
            "created_at": at,
        })
        if message_id is None:
            log.info("duplicate %s message acknowledged", message.channel)
        return identity, message_id

    def _process_safely(self, db: Session, message_id: int, identity: Recipient,
                        message: InboundMessage, at: dt.datetime,
                        contact: Contact | None = None) -> None:
        """`_process`, its failure logged and raised as `_Failed` for the caller to roll
        back and apologise; a store that went away is raised as it is (nothing is kept,
        the caller answers 503)."""
        try:
            self._process(db, message_id, identity, message, at, contact)
            db.flush()  # the ORM's writes fail here, as part of processing
        except DBAPIError as error:
            if error.connection_invalidated:
                raise
            log.exception("inbound message %s could not be processed", message_id)
            raise _Failed from error
        except Exception as error:
            log.exception("inbound message %s could not be processed", message_id)
            raise _Failed from error

    def _process(self, db: Session, message_id: int, identity: Recipient,
                 message: InboundMessage, at: dt.datetime, contact: Contact | None) -> None:
        """`contact`: the sender's, locked already (`receive` locks it as it finds the
        sender), or None to lock it here."""
        if contact is None:
            contact = lock_contact(db, identity.contact_id)
        if contact.status == ContactStatus.STAFF:
            log.info("message from alert destination (contact %s) logged, not answered",
                     contact.id)
            return
        arrival = db.execute(_ARRIVAL, {
            "contact": contact.id, "since": at - dt.timedelta(minutes=1),
            "message": message_id}).one()
        if self._flooding(db, contact, identity, message_id, at, arrival):
            return
        if contact.status == ContactStatus.ERASING:
            contact.status = ContactStatus.NEW  # they came back before the purge
        ctx = Context(db=db, contact=contact, identity=identity, settings=self.settings, now=at)
        outcome = self.engine.handle(ctx, Input.from_message(message), sessions.found(arrival))
        if outcome.forget_since is not None:
            forget_conversation(db, contact, identity, outcome.forget_since)
        perform(db, identity, outcome, ctx.t.language, self.settings, at)
        if outcome.redact_input:
            db.execute(update(Message).where(Message.id == message_id)
                       .values(text=None, attachments=None))
        if contact.preferred_channel != identity.channel:
            contact.preferred_channel = identity.channel
        touch = {}
        if identity.stopped_at is not None:
            touch["stopped_at"] = None  # they wrote to us: reachable again (unblocked, START)
        if outcome.forget_since is not None:
            restore_last_seen(db, contact, identity, outcome.forget_since)
        elif contact.last_seen_at is None or at - contact.last_seen_at > SEEN_PRECISION:
            contact.last_seen_at = touch["last_seen_at"] = at
        if touch:
            db.execute(_TOUCH, {"identity": identity.id, **touch})

    def _flooding(self, db: Session, contact: Contact, identity: Recipient, message_id: int,
                  at: dt.datetime, pace: Row) -> bool:
        """Past the per-minute limit, a message waits (status received) and the worker
        handles it later at the allowed pace, in order: slowed, never dropped. The
        person is told once; the log names the contact id only."""
        # The pace is measured by replies written in the last minute: they are made
        # when a message is handled, whenever it arrived, and they are what costs.
        # `pace`: those replies (recent), and the person's earlier messages still waiting.
        if pace.recent < self.settings.inbound_per_minute and not pace.waiting:
            return False
        db.execute(update(Message).where(Message.id == message_id)
                   .values(status=Status.RECEIVED))
        if not pace.waiting:
            log.warning("contact %s is sending faster than %s messages a minute; slowing down",
                        contact.id, self.settings.inbound_per_minute)
            t = translator(contact, self.settings)
            enqueue(db, identity, t("error.slow_down"), now=at, language=t.language)
            tell_coordinators(db, contact.id, settings=self.settings, now=at)
        return True

    def _apologise(self, db: Session, message_id: int, identity: Recipient,
                   at: dt.datetime) -> None:
        values = {"status": Status.ERRORED}
        session = db.get(ConversationSession, identity.contact_id)
        if session is not None and getattr(FLOWS.get(session.flow), "redact", False):
            values |= {"text": None, "attachments": None}  # an answer to a report
        db.execute(update(Message).where(Message.id == message_id).values(**values))
        contact = db.get(Contact, identity.contact_id)
        t = translator(contact, self.settings)
        enqueue(db, identity, t("error.internal"), now=at, language=t.language)

    def offer(self, db: Session, contact_id: int, flow: str, trigger: str = "",
              at: dt.datetime | None = None, priority: int = Priority.CONVERSATION) -> bool:
        """Starts conversation `flow` for a person from outside (a consultation, a
        coordinator's question), in the caller's transaction, with the contact locked as
        for an inbound message; it waits while they are in another conversation. False
        when they cannot be reached (no address, or stopped)."""
        at = at or now()
        contact = lock_contact(db, contact_id)
        identity = preferred_identity(db, contact)
        if identity is None or not contact.registered:
            return False
        ctx = Context(db=db, contact=contact, identity=identity, settings=self.settings, now=at)
        outcome = self.engine.offer(ctx, flow, trigger)
        perform(db, identity, outcome, ctx.t.language, self.settings, at, priority)
        return True

    def offer_all(self, db: Session, people: Select, flow: str, trigger: str = "", *,
                  within: tuple[int, int], priority: int = Priority.CONVERSATION) -> Select:
        """`offer` for a chunk of an audience at once, in SQL (bot.pipeline.offers)."""
        return offers.offer_all(db, people, flow, trigger, within=within, settings=self.settings,
                         now=now(), priority=priority)

    def pending(self, older_than: dt.timedelta) -> list[int]:
        """Messages recorded but not processed yet: slowed down, or left by a crash."""
        with self.database.read() as db:
            return list(db.scalars(
                select(Message.id).where(
                    Message.direction == Direction.IN,
                    Message.status == Status.RECEIVED,
                    Message.created_at < now() - older_than,
                ).order_by(Message.id).limit(500)
            ))


def lock_contact(db: Session, contact_id: int) -> Contact:
    """One message per person at a time: the contact row is the lock. FOR NO KEY UPDATE,
    not FOR UPDATE: a row inserted that refers to the contact (a message, in this
    transaction or another) takes a key-share lock on it, through its foreign key, which
    FOR UPDATE conflicts with. Two transactions that each inserted a message for one
    person before locking would each wait for the other (a deadlock PostgreSQL breaks
    by failing one of them), and other work writing the person's rows (a broadcast)
    would wait for the conversation."""
    return db.scalars(_LOCK, {"contact": contact_id}).one()


NOTICES = {"urgent_report": alerts.urgent_report, "referral": referrals.deliver}


def perform(db: Session, identity: Recipient, outcome: Outcome, language: str,
            settings: Settings, at: dt.datetime, priority: int = Priority.CONVERSATION) -> None:
    """Does what a turn asked for: its replies queued in the reader's language, the
    ones to be wiped once sent recorded so, and its notices to others."""
    for reply in outcome.replies:
        message_id = enqueue(db, identity, reply.text, choices=reply.choices, now=at,
                             language=language, priority=priority)
        if reply.scrub:
            db.add(ScrubAfterSend(message_id=message_id))
    for notice in outcome.notices:
        NOTICES[notice.kind](db, notice.subject, settings=settings, now=at)
