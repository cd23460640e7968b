"""Consistent copies of a live store, read back before they count, and restoring one.

SQLite: the online backup API copies the file page by page inside one read
transaction, beside running writers (WAL), so the copy is one moment of the store.
PostgreSQL: `pg_dump --format=custom` from a snapshot exported by our own repeatable
read transaction, so the rows we count are exactly the rows dumped.

A backup file is created 0600 (it holds encrypted texts and the contacts' blind
indexes: the key lives elsewhere). It counts as done only once it has been read back:
SQLite's integrity check and row counts, or pg_restore's reading of every table's
data; each table's count must equal the count in the snapshot.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess  # nosec B404
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from bot.core.db import Database
from bot.store.base import Base


class BackupError(Exception):
    """Said to the person running the command; nothing was written or restored."""


@dataclass(frozen=True)
class Summary:
    path: Path
    counts: dict[str, int]

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


TABLES = [table.name for table in Base.metadata.sorted_tables]


def _count_sql(table: str) -> str:
    """`table` is always one of TABLES: names from our own models, never from input."""
    return f'SELECT count(*) FROM "{table}"'  # nosec B608


def backup(database: Database, path: Path) -> Summary:
    path = Path(path)
    _create_private(path)
    try:
        if database.is_postgres:
            counts = _pg_backup(database, path)
            found = _pg_counts_in(path)
        else:
            counts = _sqlite_backup(database, path)
            found = _sqlite_counts_in(path)
        if found != counts:
            differ = sorted(t for t in counts if found.get(t) != counts[t])
            raise BackupError(f"the backup read back differs in {', '.join(differ)}")
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Summary(path, counts)


def restore(database: Database, path: Path) -> Summary:
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} is not a file")
    used = [table for table, rows in _counts(database).items() if rows]
    if used:
        raise BackupError("restore goes only into an empty store; this one has rows in "
                          + ", ".join(used[:5]))
    if database.is_postgres:
        expected = _pg_counts_in(path)
        _pg_restore(database, path)
    else:
        expected = _sqlite_counts_in(path)
        _sqlite_restore(database, path)
    counts = _counts(database)
    if counts != expected:
        raise BackupError("the restored store does not hold what the backup holds")
    return Summary(path, counts)


def _create_private(path: Path) -> None:
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        raise BackupError(f"{path} exists; name a new file") from None
    os.chmod(path, 0o600)  # whatever the umask


def _counts(database: Database) -> dict[str, int]:
    with database.read() as db:
        present = set(inspect(db.connection()).get_table_names())
        return {table: db.execute(text(_count_sql(table))).scalar_one()
                for table in TABLES if table in present}


# SQLite ----------------------------------------------------------------------------

def _sqlite_file(database: Database) -> str:
    name = make_url(database.url).database
    if not name or name == ":memory:":
        raise BackupError("an in-memory store has nothing to back up")
    return name


def _count_tables(connection: sqlite3.Connection) -> dict[str, int]:
    present = {row[0] for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    return {table: connection.execute(_count_sql(table)).fetchone()[0]
            for table in TABLES if table in present}


def _sqlite_backup(database: Database, path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(_sqlite_file(database), isolation_level=None)) as source, \
            closing(sqlite3.connect(path)) as target:
        source.execute("PRAGMA busy_timeout=30000")
        # One read transaction: the counts and the copied pages are the same moment.
        source.execute("BEGIN")
        counts = _count_tables(source)
        source.backup(target)
        source.execute("COMMIT")
    return counts


def _sqlite_counts_in(path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as copy:
        try:
            verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{path} is not an SQLite backup ({error})") from None
        if verdict != "ok":
            raise BackupError(f"{path} fails SQLite's integrity check: {verdict}")
        return _count_tables(copy)


def _sqlite_restore(database: Database, path: Path) -> None:
    database.dispose()
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as source, \
            closing(sqlite3.connect(_sqlite_file(database))) as target:
        target.execute("PRAGMA busy_timeout=30000")
        source.backup(target)


# PostgreSQL --------------------------------------------------------------------------

def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return found


def _libpq(database: Database) -> tuple[str, dict[str, str]]:
    """The server's address for the PostgreSQL tools; the password goes in their
    environment, never on a command line that `ps` shows."""
    url = make_url(database.url)
    environment = {**os.environ}
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), environment


def _run(command: list[str], environment: dict[str, str], **options) -> str:
    done = subprocess.run(command, env=environment, capture_output=True, text=True,  # nosec B603
                          check=False, **options)
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()[-500:]}")
    return done.stdout


def _pg_backup(database: Database, path: Path) -> dict[str, int]:
    url, environment = _libpq(database)
    with database.write_engine.connect() as connection:
        connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
        present = set(inspect(connection).get_table_names())
        counts = {table: connection.exec_driver_sql(_count_sql(table)).scalar_one()
                  for table in TABLES if table in present}
        # The snapshot lives as long as this transaction: pg_dump reads the same moment.
        _run([_pg_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot}",
              "--no-owner", "--no-privileges", f"--file={path}", url], environment)
        connection.rollback()
    return counts


COPY = re.compile(r'^COPY public\.("?)([a-z_0-9]+)\1 ')


def _pg_counts_in(path: Path) -> dict[str, int]:
    """Reads every table's data back out of the dump, as a restore would."""
    listing = _run([_pg_tool("pg_restore"), "--list", str(path)], {**os.environ})
    counts = {table: 0 for table in TABLES if f" TABLE DATA public {table} " in listing}
    process = subprocess.Popen([_pg_tool("pg_restore"), "--data-only", "--file=-", str(path)],  # nosec B603
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    table = None
    for line in process.stdout:
        if table is None:
            if (match := COPY.match(line)) and match.group(2) in counts:
                table = match.group(2)
        elif line == "\\.\n":
            table = None
        else:
            counts[table] += 1
    if process.wait() != 0:
        raise BackupError(f"{path} is not a readable PostgreSQL backup")
    return counts


def _pg_restore(database: Database, path: Path) -> None:
    url, environment = _libpq(database)
    database.dispose()
    _run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
          "--single-transaction", "--exit-on-error", f"--dbname={url}", str(path)],
         environment)
