"""The spine's own periodic work: closing idle sessions, retrying inbound messages
a crash left unprocessed, releasing stale claims, and purging erased contacts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from bot.clock import now
from bot.erasure import purge_erased
from bot.notify import preferred_identity
from bot.outbox import enqueue
from bot.services import Services
from bot.store import IN_FLIGHT, Contact, ConversationSession, Message
from bot.ticks import register_tick
from flows.engine import Context


@register_tick("expire-sessions", 30)
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
            for reply in services.inbox.engine.expire(ctx, session):
                if identity is not None:
                    enqueue(db, identity, reply.text, choices=reply.choices, now=at,
                            language=contact.language)
        return len(sessions)


@register_tick("retry-inbound", 15)
def retry_inbound(services: Services) -> int:
    pending = services.inbox.pending(older_than=dt.timedelta(seconds=30))
    for message_id in pending:
        services.inbox.process(message_id)
    return len(pending)


@register_tick("release-stale", 60)
def release_stale(services: Services) -> int:
    return services.dispatcher.release_stale(dt.timedelta(minutes=5))


@register_tick("purge-erased", 60)
def purge(services: Services) -> int:
    with services.database.write() as db:
        return purge_erased(db, now())


@register_tick("purge-message-texts", 3600)
def purge_message_texts(services: Services) -> int:
    """Message texts go after the retention period; the rows stay, for counts."""
    cutoff = now() - dt.timedelta(days=services.settings.message_retention_days)
    with services.database.write() as db:
        return db.execute(
            update(Message)
            .where(Message.created_at < cutoff, Message.text.is_not(None),
                   Message.status.not_in(IN_FLIGHT))
            .values(text=None, choices=None, attachments=None)
        ).rowcount
