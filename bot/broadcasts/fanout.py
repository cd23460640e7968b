"""Fan-out: a broadcast run's audience becomes outbox rows, in SQL, chunk by chunk.

Each language version is encrypted once here; the database picks each recipient's
ciphertext with a CASE on their language, so no row passes through Python. Chunks
are ranges of contact ids, each in its own transaction with the run's cursor, and
the unique (broadcast_run_id, contact_id) index with ON CONFLICT DO NOTHING makes a
repeated chunk a no-op: a fan-out cut short resumes without a second copy to anyone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from sqlalchemy import (
    Integer,
    SmallInteger,
    String,
    Text,
    bindparam,
    case,
    func,
    literal,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.broadcasts import audience as audiences
from bot.broadcasts.schedule import quiet_until
from bot.core.crypto import keyring
from bot.core.db import Database
from bot.store import (
    Broadcast,
    BroadcastRun,
    Contact,
    Direction,
    Message,
    Priority,
    RunStatus,
    Status,
)
from bot.store.base import UTCDateTime
from bot.text import segments

CHUNK = 5000  # contacts per transaction; SQLite holds its write lock ~0.1 s for one

Progress = Callable[[int, int], None]  # (contacts covered so far, contacts in all)


def by_language(column, values: dict[str, object], type_):
    """CASE column WHEN lang THEN value ...: one bound value per language."""
    (fallback, *_) = values.values()
    whens = [(column == lang, literal(value, type_)) for lang, value in values.items()]
    return case(*whens, else_=literal(fallback, type_))


def _param(name: str, type_=None):
    return bindparam(name, type_=type_ or String())


def outbox_rows(broadcast: Broadcast, run_id: int, *, default_language: str,
                channels: Iterable[str]):
    """The SELECT that makes the outbox rows of contacts :lo to :hi.

    Per chunk only the parameters change: :status (queued, or paused while the run
    is), :sms_status and :sms_due (held as 'waiting' in quiet hours), and :now."""
    texts = broadcast.texts
    chosen = audiences.recipients(
        broadcast.audience, texts=texts, default_language=default_language,
        channels=channels, contact_ids=(_param("lo", Integer()), _param("hi", Integer())),
    ).subquery("chosen")
    fallback = default_language if default_language in texts else "en"
    order = [fallback] + [lang for lang in texts if lang != fallback]
    tokens = {lang: keyring().encrypt(texts[lang]) for lang in order}
    counts = {lang: segments.count(texts[lang]).segments for lang in order}
    sms = chosen.c.channel == "sms"
    at = _param("now", UTCDateTime())
    return select(
        literal(Direction.OUT).label("direction"),
        chosen.c.channel,
        chosen.c.contact_id,
        chosen.c.identity_id,
        by_language(chosen.c.language, tokens, Text()).label("text"),
        chosen.c.language,
        case((sms, _param("sms_status")), else_=_param("status")).label("status"),
        literal(Priority.BULK, SmallInteger()).label("priority"),
        literal(0, Integer()).label("attempts"),
        case((sms, _param("sms_due", UTCDateTime())), else_=at).label("next_attempt_at"),
        case((sms, by_language(chosen.c.language, counts, SmallInteger()))).label("segments"),
        at.label("created_at"),
        literal(run_id, Integer()).label("broadcast_run_id"),
    ).where(true())  # SQLite reads "INSERT ... SELECT ... ON CONFLICT" only after a WHERE


def chunk_parameters(broadcast: Broadcast, run: BroadcastRun, lo: int, hi: int,
                     now: dt.datetime) -> dict:
    status = Status.PAUSED if run.status == RunStatus.PAUSED else Status.QUEUED
    quiet_end = quiet_until(broadcast, now)
    held = quiet_end is not None and status == Status.QUEUED
    return {"lo": lo, "hi": hi, "now": now, "status": status,
            "sms_status": Status.WAITING if held else status, "sms_due": quiet_end or now}


COLUMNS = ("direction", "channel", "contact_id", "identity_id", "text", "language", "status",
           "priority", "attempts", "next_attempt_at", "segments", "created_at",
           "broadcast_run_id")


def insert_statement(dialect: str, rows):
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return insert(Message.__table__).from_select(COLUMNS, rows).on_conflict_do_nothing()


def written(db: Session, run_id: int) -> int:
    # Counted, not summed from rowcount: psycopg reports -1 for INSERT ... SELECT.
    return db.scalar(select(func.count()).where(Message.broadcast_run_id == run_id))


def start_run(db: Session, broadcast: Broadcast, fire_at: dt.datetime,
              now: dt.datetime) -> BroadcastRun:
    """The run for this occurrence (made once: the unique key guards a second claim)."""
    run = db.scalars(select(BroadcastRun).where(BroadcastRun.broadcast_id == broadcast.id,
                                                BroadcastRun.fire_at == fire_at)).first()
    if run is None:
        last = db.scalar(select(func.coalesce(func.max(Contact.id), 0)))
        run = BroadcastRun(broadcast_id=broadcast.id, fire_at=fire_at, last_contact_id=last,
                           cursor=0, recipients=0, started_at=now,
                           status=RunStatus.FANNING_OUT)
        db.add(run)
        db.flush()
    return run


def fan_out(database: Database, run_id: int, *, default_language: str, channels: Iterable[str],
            now: Callable[[], dt.datetime], chunk: int = CHUNK,
            progress: Progress | None = None) -> int:
    """Writes the run's remaining recipients to the outbox; returns how many it added.

    The statement is built (and each text encrypted) once; chunks only bind values."""
    with database.read() as db:
        before = written(db, run_id)
        run = db.get(BroadcastRun, run_id)
        broadcast = db.get(Broadcast, run.broadcast_id)
        rows = outbox_rows(broadcast, run_id, default_language=default_language,
                           channels=tuple(channels))
    statement = insert_statement(database.dialect, rows)
    while _next_chunk(database, statement, broadcast, run_id, now, chunk, progress):
        pass
    with database.write() as db:
        run = db.get(BroadcastRun, run_id)
        run.recipients = written(db, run_id)
        added = run.recipients - before
    database.wrote("messages", added)
    return added


def _next_chunk(database: Database, statement, broadcast: Broadcast, run_id: int,
                now: Callable[[], dt.datetime], chunk: int, progress: Progress | None) -> bool:
    """Writes one chunk in its own transaction; False when there is nothing left."""
    with database.write() as db:
        run = db.scalars(select(BroadcastRun).where(BroadcastRun.id == run_id)
                         .with_for_update()).one()
        if run.status == RunStatus.CANCELLED or run.fanned_out_at is not None:
            return False
        if run.cursor >= run.last_contact_id:
            run.fanned_out_at = now()
            if run.status == RunStatus.FANNING_OUT:
                run.status = RunStatus.SENDING
            return False
        lo, hi = run.cursor + 1, min(run.cursor + chunk, run.last_contact_id)
        db.execute(statement, chunk_parameters(broadcast, run, lo, hi, now()))
        run.cursor, last = hi, run.last_contact_id
    if progress:
        progress(hi, last)
    return True
