"""Key rotation: re-encrypt every encrypted column, and recompute blind indexes,
under the first configured key.

Every encrypted column of every table, whatever its type (`Encrypted`,
`EncryptedJSON`, any type marked `uses_keyring`), is found from the models, so a
feature's new tables are covered without registering anything. Resumable by construction: a
value already readable with the new key is skipped, so an interrupted rotation is
finished by running it again. Each batch is its own transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import Table, Text, select, tuple_, type_coerce, update

from bot.core.crypto import keyring
from bot.core.db import Database
from bot.store import Base, Identity

BATCH = 500


@dataclass(frozen=True)
class Target:
    table: Table
    columns: tuple[str, ...]


def targets() -> list[Target]:
    found = []
    for table in Base.metadata.sorted_tables:
        columns = tuple(c.name for c in table.columns
                        if getattr(c.type, "uses_keyring", False))
        if columns:
            found.append(Target(table, columns))
    return found


def _raw(table: Table, name: str):
    return type_coerce(table.c[name], Text).label(name)  # the token, not decrypted


def _batches(database: Database, target: Target) -> Iterator[list]:
    """Rows as (primary key values..., encrypted tokens...), in key order, a batch at a
    time; a key of several columns (an answer's response and question) as well."""
    keys = tuple(target.table.primary_key.columns)
    last = None
    while True:
        query = (select(*keys, *(_raw(target.table, c) for c in target.columns))
                 .order_by(*keys))
        if last is not None:
            query = query.where(tuple_(*keys) > tuple_(*last))
        with database.read() as db:
            rows = db.execute(query.limit(BATCH)).all()
        if not rows:
            return
        last = rows[-1][:len(keys)]
        yield rows


def rotate(database: Database, progress: Callable[[str, int], None] = lambda *_: None) -> int:
    """Re-encrypts everything under the first key; returns how many values changed."""
    ring = keyring()
    newest = Fernet(ring.keys[0])
    changed = 0
    for target in targets():
        keys = tuple(target.table.primary_key.columns)
        for rows in _batches(database, target):
            updates = []
            for row in rows:
                values = {}
                for name, token in zip(target.columns, row[len(keys):], strict=True):
                    if token is not None and not _readable(newest, token):
                        values[name] = ring.rotate(token)
                if values:
                    updates.append((row[:len(keys)], values))
            with database.write() as db:
                for ident, values in updates:
                    where = [key == value for key, value in zip(keys, ident, strict=True)]
                    db.execute(update(target.table).where(*where)
                               .values({k: type_coerce(v, Text) for k, v in values.items()}))
            changed += sum(len(v) for _, v in updates)
            progress(target.table.name, len(rows))
    changed += reindex(database)
    return changed


def _readable(fernet: Fernet, token: str) -> bool:
    try:
        fernet.decrypt(token.encode())
        return True
    except InvalidToken:
        return False


def reindex(database: Database) -> int:
    """Blind indexes under the first key (lookups accept every key meanwhile)."""
    ring = keyring()
    changed = 0
    last = 0
    while True:
        with database.write() as db:
            identities = db.scalars(select(Identity).where(Identity.id > last)
                                    .order_by(Identity.id).limit(BATCH)).all()
            for identity in identities:
                wanted = ring.blind_index(identity.address)
                if identity.address_index != wanted:
                    identity.address_index = wanted
                    changed += 1
        if not identities:
            return changed
        last = identities[-1].id
