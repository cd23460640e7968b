"""The spine's own periodic work: closing idle sessions, retrying inbound messages
a crash left unprocessed, releasing stale claims, purging erased contacts, and
emptying SQLite's write-ahead log after purges and every few minutes."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import select, update

from bot.contacts.erasure import erase_abandoned, purge_erased
from bot.core.clock import now
from bot.core.ticks import Tick
from bot.outbound.notify import preferred_identity
from bot.pipeline.inbox import perform
from bot.store import IN_FLIGHT, Contact, ConversationSession, Message
from flows.engine import Context

if TYPE_CHECKING:
    from bot.services import Services


def expire_sessions(services: Services) -> int:
    """Closes sessions left unanswered and tells each person how to carry on."""
    at = now()
    with services.database.write() as db:
        sessions = db.scalars(
            select(ConversationSession).where(ConversationSession.expires_at <= at).limit(500)
        ).all()
        for session in sessions:
            contact = db.get(Contact, session.contact_id)
            identity = preferred_identity(db, contact)
            ctx = Context(db=db, contact=contact, identity=identity,
                          settings=services.settings, now=at)
            outcome = services.inbox.engine.expire(ctx, session)
            if identity is not None:
                perform(db, identity, outcome, ctx.t.language, services.settings, at)
        return len(sessions)


def retry_inbound(services: Services) -> int:
    pending = services.inbox.pending(older_than=dt.timedelta(seconds=30))
    for message_id in pending:
        services.inbox.process(message_id)
    return len(pending)


def release_stale(services: Services) -> int:
    return services.dispatcher.release_stale(dt.timedelta(minutes=5))


def purge(services: Services) -> int:
    with services.database.write() as db:
        purged = purge_erased(db, now())
    if purged:
        services.database.checkpoint()  # no old page of theirs left in the WAL
    return purged


def purge_abandoned(services: Services) -> int:
    """Registrations never consented to, after MASHWARA_ABANDONED_DAYS: erased, then
    purged with the others."""
    with services.database.write() as db:
        erased = erase_abandoned(db, now(), services.settings.abandoned_days)
    return erased + (purge(services) if erased else 0)


def purge_message_texts(services: Services) -> int:
    """Message texts go after the retention period; the rows stay, for counts."""
    cutoff = now() - dt.timedelta(days=services.settings.message_retention_days)
    with services.database.write() as db:
        purged = db.execute(
            update(Message)
            .where(Message.created_at < cutoff, Message.text.is_not(None),
                   Message.status.not_in(IN_FLIGHT))
            .values(text=None, choices=None, attachments=None)
        ).rowcount
    if purged:
        services.database.checkpoint()
    return purged


def checkpoint_wal(services: Services) -> int:
    return services.database.checkpoint()


TICKS = (
    Tick("expire-sessions", 30, expire_sessions),
    Tick("retry-inbound", 15, retry_inbound),
    Tick("release-stale", 60, release_stale),
    Tick("purge-erased", 60, purge),
    Tick("purge-message-texts", 3600, purge_message_texts),
    Tick("purge-abandoned", 3600, purge_abandoned),
    Tick("checkpoint-wal", 60, checkpoint_wal),
)
