"""Offering a conversation to many people at once, in SQL: Inbox.offer for a whole
chunk of an audience (a consultation sent to 100,000 people).

The rule is the engine's offer: someone in the middle of another conversation gets a
pending-flow row, and the conversation when that one ends; anyone else (no session,
the idle main menu, or a session past its time) gets the flow's session and its first
message now, in their language. The first message and the state are the same for
every reader of one language: each is encrypted once and picked by a CASE on the
reader's language, so no row passes through Python. The chunk's people are chosen once
into a temporary table that each statement then reads.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Column,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    delete,
    exists,
    insert,
    literal,
    null,
    or_,
    select,
)
from sqlalchemy.orm import Session

from bot.broadcasts.fanout import by_language
from bot.core.config import Settings
from bot.core.crypto import Encrypted, EncryptedJSON
from bot.store import Contact, ConversationSession, Direction, Message, PendingFlow, Status
from bot.store.base import UTCDateTime
from flows.engine import FLOWS, Opening

# The chunk's people, chosen once (the audience query ranks each one's addresses: it
# is the costly part) and read by every statement after; private to the connection.
CHOSEN = Table("offer_people", MetaData(),
               Column("contact_id", Integer, primary_key=True, autoincrement=False),
               Column("identity_id", Integer), Column("channel", String(16)),
               Column("language", String(8)), prefixes=["TEMPORARY"])
MESSAGE_COLUMNS = ("direction", "channel", "contact_id", "identity_id", "text", "choices",
                   "language", "status", "priority", "attempts", "next_attempt_at",
                   "created_at")


def offer_all(db: Session, people: Select, flow: str, trigger: str, *,
              within: tuple[int, int], settings: Settings, now: dt.datetime,
              priority: int) -> Select:
    """`people`: one row each (contact_id, identity_id, channel, language: the reader's),
    registered and reachable, all with contact ids `within` (lo, hi). In the caller's
    transaction, like Inbox.offer. Returns the ids of the people offered it, to be read
    in the same transaction (for the caller's own rows)."""
    opening = FLOWS[flow].opening(db, trigger, settings, now)
    CHOSEN.create(db.connection(), checkfirst=True)
    db.execute(delete(CHOSEN))
    db.execute(insert(CHOSEN).from_select(list(CHOSEN.c.keys()), people))
    chosen = CHOSEN
    ids = select(chosen.c.contact_id)
    in_range = ConversationSession.contact_id.between(*within)
    if db.get_bind().dialect.name == "postgresql":
        # As Inbox.offer locks its one contact: an inbound message from any of them
        # waits until this chunk is written, and this chunk waits for it.
        db.execute(select(Contact.id).where(Contact.id.between(*within)).order_by(Contact.id)
                   .with_for_update(key_share=True)).all()
    at = literal(now, UTCDateTime())
    # Sessions are few: found by range first, so that a chunk where nobody is in a
    # conversation costs nothing here.
    if db.scalar(select(exists().where(in_range))):
        db.execute(delete(ConversationSession).where(
            in_range, ConversationSession.contact_id.in_(ids),
            or_(ConversationSession.flow == "menu", ConversationSession.expires_at <= now)))
        # Whoever still has a session is in the middle of a conversation: theirs waits.
        db.execute(insert(PendingFlow).from_select(
            ("contact_id", "flow", "trigger", "created_at"),
            select(ConversationSession.contact_id, literal(flow), literal(trigger), at)
            .where(in_range, ConversationSession.contact_id.in_(ids))))
    free = ~exists().where(ConversationSession.contact_id == chosen.c.contact_id)
    db.execute(insert(Message).from_select(
        MESSAGE_COLUMNS, _first_messages(chosen, opening, settings, at, priority).where(free)))
    db.execute(insert(ConversationSession).from_select(
        ("contact_id", "flow", "state", "started_at", "updated_at", "expires_at"),
        select(chosen.c.contact_id, literal(flow), literal(opening.state, EncryptedJSON()),
               at, at, literal(opening.expires_at, UTCDateTime())).where(free)))
    return ids


def _first_messages(chosen, opening: Opening, settings: Settings, at, priority: int) -> Select:
    """The outbox rows of the first reply, as Inbox.offer's enqueue writes them."""
    default = settings.default_language
    replies = {default: opening.replies[default], **opening.replies}  # the CASE's else
    texts = {language: reply.text for language, reply in replies.items()}
    choices = {language: [{"key": c.key, "label": c.label} for c in reply.choices] or None
               for language, reply in replies.items()}
    return select(
        literal(Direction.OUT), chosen.c.channel, chosen.c.contact_id, chosen.c.identity_id,
        by_language(chosen.c.language, texts, Encrypted()),
        null() if not any(choices.values()) else by_language(chosen.c.language, choices,
                                                             JSON()),
        chosen.c.language, literal(Status.QUEUED), literal(priority), literal(0), at, at)
