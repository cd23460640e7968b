"""Alembic, driven from code: `mashwara db upgrade` and the start of `mashwara run`."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from bot.core.db import Database

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def alembic_config(connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(database: Database, revision: str = "head") -> None:
    # A plain connection: BEGIN IMMEDIATE on SQLite would clash with Alembic's batch
    # mode, and migrations run before any other process writes.
    with database.read_engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode rebuilds a table and drops the old one; with foreign keys on,
            # that DROP first deletes every row pointing at it (ON DELETE CASCADE).
            # The pragma is ignored inside a transaction, so it is set before one.
            _pragma(connection, "foreign_keys=OFF")
        try:
            with connection.begin():
                command.upgrade(alembic_config(connection), revision)
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise RuntimeError("a migration left rows pointing at nothing")
        finally:
            if sqlite:
                _pragma(connection, "foreign_keys=ON")


def _pragma(connection, setting: str) -> None:
    connection.connection.driver_connection.execute(f"PRAGMA {setting}")


def revision(database: Database, message: str) -> None:
    """Autogenerate a migration from the models (a developer's command)."""
    with database.read_engine.begin() as connection:
        command.revision(alembic_config(connection), message=message, autogenerate=True)
