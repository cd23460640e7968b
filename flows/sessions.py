"""Session rows, read and written with Core: the engine does this on every inbound
message, and the ORM's loading and unit of work cost more than the statements.

The engine reads a session as a row (`flow`, `state`, `started_at`, `expires_at`,
`contact_id`); what it writes goes straight to the table.
"""

from __future__ import annotations

import datetime as dt
import functools

from sqlalchemy import Row, bindparam, case, delete, exists, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.store import ConversationSession, PendingFlow

_sessions, _pending = ConversationSession.__table__, PendingFlow.__table__
_contact = bindparam("contact")
# For a caller that reads the session along with other things (the inbound path, with
# the flood counts): select these from an outer join of contacts and sessions, then
# `found(row)`.
COLUMNS = (_sessions.c.contact_id, _sessions.c.flow, _sessions.c.state,
           _sessions.c.started_at, _sessions.c.expires_at)
_READ = select(*COLUMNS).where(_sessions.c.contact_id == _contact)
_CLOSE = delete(_sessions).where(_sessions.c.contact_id == _contact)
_NEXT_PENDING = select(_pending.c.id, _pending.c.flow, _pending.c.trigger).where(
    _pending.c.contact_id == _contact,
    ~exists().where(_sessions.c.contact_id == _contact),
).order_by(_pending.c.id).limit(1)
_TAKE_PENDING = delete(_pending).where(_pending.c.id == bindparam("pending"))


def read(db: Session, contact_id: int) -> Row | None:
    return db.execute(_READ, {"contact": contact_id}).first()


def found(row: Row) -> Row | None:
    """The session in a row that selected COLUMNS from an outer join: the row itself
    (what else it holds is the caller's), or None where the join found no session. A
    row, not an ORM bundle: the ORM's loading costs more than the query."""
    return row if row.flow is not None else None


def save(db: Session, contact_id: int, flow: str, state: dict, at: dt.datetime,
         expires: dt.datetime) -> None:
    """Updates the contact's session, or opens one: a session read at the start of the
    turn may have been closed since, and one may have been opened since (a follow-up
    flow), so the row decides, not what the caller read: one upsert."""
    db.execute(_upsert(db.get_bind().dialect.name), {
        "contact_id": contact_id, "flow": flow, "state": state, "started_at": at,
        "updated_at": at, "expires_at": expires})


@functools.cache
def _upsert(dialect: str):
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    new = insert(_sessions)
    return new.on_conflict_do_update(index_elements=[_sessions.c.contact_id], set_={
        "flow": new.excluded.flow,
        "state": new.excluded.state,
        "updated_at": new.excluded.updated_at,
        "expires_at": new.excluded.expires_at,
        # a new flow in the same row is a new conversation
        "started_at": case((_sessions.c.flow != new.excluded.flow, new.excluded.started_at),
                           else_=_sessions.c.started_at),
    })


def close(db: Session, contact_id: int) -> None:
    db.execute(_CLOSE, {"contact": contact_id})


def take_pending(db: Session, contact_id: int) -> Row | None:
    """The oldest conversation waiting for this person, removed from the queue; None
    while they are in a session, or when none waits."""
    waiting = db.execute(_NEXT_PENDING, {"contact": contact_id}).first()
    if waiting is not None:
        db.execute(_TAKE_PENDING, {"pending": waiting.id})
    return waiting
