"""Engines and transactions.

SQLite gets WAL, a busy timeout and foreign keys on every connection. Writes go
through `Database.write()`, which on SQLite opens the transaction with BEGIN
IMMEDIATE: the write lock is taken up front, so two writers queue on the busy
timeout instead of failing half way with "database is locked". Reads use a second
engine with ordinary deferred transactions, which WAL lets run beside a writer.
On PostgreSQL both are one engine, and rows are locked explicitly where it matters.

What the disk keeps: SQLite overwrites deleted content with zeros (`secure_delete`),
`checkpoint()` empties the write-ahead log (old page versions) after erasures and
purges, and the database, WAL and shared-memory files are readable by their owner
only. Neither engine prints bound parameters (numbers, texts) in its errors.
"""

from __future__ import annotations

import functools
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from pathlib import Path

from sqlalchemy import Engine, Table, create_engine, event, make_url, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 30_000
PRIVATE = 0o600


def sqlite_files(url: str) -> list[Path]:
    """The database file and its WAL and shared memory; none for an in-memory database."""
    name = make_url(url).database
    if not name or name == ":memory:" or name.startswith("file:"):
        return []
    return [Path(name + suffix) for suffix in ("", "-wal", "-shm")]


def _create_private(path: Path) -> None:
    """Creates the file 0600 before SQLite does: SQLite gives its WAL and shared memory
    the database file's mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))


def _make_private(files: list[Path]) -> None:
    for path in files:
        try:
            if path.stat().st_mode & 0o077 and path.stat().st_uid == os.getuid():
                path.chmod(PRIVATE)
        except FileNotFoundError:
            pass
# A WAL checkpoint waits this long for the writers, then tries again next time.
CHECKPOINT_WAIT_SECONDS = 1.0
# A bulk write this large has PostgreSQL refresh the table's statistics (Database.wrote).
ANALYZE_AFTER = 10_000


def _sqlite_engine(url: str, immediate: bool) -> Engine:
    files = sqlite_files(url)
    if files:
        _create_private(files[0])
    engine = create_engine(
        url, hide_parameters=True,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event issue BEGIN, not the driver.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()
        _make_private(files)  # an older file, or a WAL made by another process

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Database:
    def __init__(self, url: str, **engine_options):
        self.url = url
        if url.startswith("sqlite"):
            self.write_engine = _sqlite_engine(url, immediate=True)
            self.read_engine = _sqlite_engine(url, immediate=False)
        else:
            options = {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 20,
                       "hide_parameters": True}
            self.write_engine = create_engine(url, **{**options, **engine_options})
            self.read_engine = self.write_engine
        self._write = sessionmaker(self.write_engine, expire_on_commit=False)
        self._read = sessionmaker(self.read_engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.write_engine.dialect.name

    @property
    def is_postgres(self) -> bool:
        return self.dialect == "postgresql"

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: committed on success, rolled back on any error."""
        with self._write() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read() as session, session.begin():
            yield session

    def checkpoint(self) -> int:
        """SQLite: copies the WAL into the database file and truncates the WAL, so it
        stays small (SQLite's own checkpoints never shrink the file). Gives up after a
        moment when readers still need the log, to try again at the next tick. Returns
        the bytes the WAL shrank by; nothing to do on PostgreSQL."""
        name = self.write_engine.url.database
        if self.is_postgres or not name or name == ":memory:":
            return 0
        wal = Path(f"{name}-wal")
        before = wal.stat().st_size if wal.exists() else 0
        with closing(sqlite3.connect(name, timeout=CHECKPOINT_WAIT_SECONDS)) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return max(0, before - (wal.stat().st_size if wal.exists() else 0))

    def wrote(self, table: str, rows: int) -> None:
        """After a bulk write of `rows` rows to `table` (a broadcast's or a consultation's
        fan-out): from ANALYZE_AFTER rows on, `analyze`, for the claims that follow read a
        much longer queue."""
        if rows >= ANALYZE_AFTER:
            self.analyze(table)

    def analyze(self, table: str) -> None:
        """PostgreSQL: fresh statistics on `table` after a bulk write (a broadcast's
        fan-out of 100,000 rows), so that the next queries are planned for the rows there
        are now, not for what autovacuum last saw (a minute or more later, or never where
        it is off). SQLite is left as it is."""
        if self.is_postgres:
            with self.write_engine.connect() as connection:
                connection.execute(text(f'ANALYZE "{table}"'))  # one of our tables, by name
                connection.commit()

    def dispose(self) -> None:
        self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            self.read_engine.dispose()


def insert_ignore(session: Session, model, values: dict) -> int | None:
    """INSERT ... ON CONFLICT DO NOTHING; the new primary key, or None if it existed.

    Both SQLite (3.35+) and PostgreSQL support the statement and RETURNING; on
    PostgreSQL a conflicting insert waits for the other transaction to finish.
    """
    statement = _insert_ignore(session.get_bind().dialect.name, model.__table__)
    return session.execute(statement, values).scalar()


@functools.cache
def _insert_ignore(dialect: str, table: Table):
    # Built once, values given as parameters: building it with the values inside costs
    # more than running it, on the inbound hot path.
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    primary = list(table.primary_key.columns)[0]
    return insert(table).on_conflict_do_nothing().returning(primary)
