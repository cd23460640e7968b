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
    with database.read_engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def revision(database: Database, message: str) -> None:
    """Autogenerate a migration from the models (a developer's command)."""
    with database.read_engine.begin() as connection:
        command.revision(alembic_config(connection), message=message, autogenerate=True)
