"""Migration 0002 encrypts the attachments already in the store."""

from __future__ import annotations

import json

from sqlalchemy import text

from bot.core import migrate
from bot.core.config import Settings
from bot.services import Services
from bot.store import Message
from tests.conftest import TEST_KEY

LOCATION = [{"type": "location", "latitude": 34.5, "longitude": 69.2}]


def _check(url: str) -> None:
    services = Services(Settings(database_url=url, encryption_keys=(TEST_KEY,)))
    migrate.upgrade(services.database, "0001")
    with services.database.write() as db:
        db.execute(text(
            "INSERT INTO messages (direction, channel, status, priority, attempts, created_at,"
            " attachments, external_id) VALUES ('in', 'telegram', 'handled', 0, 0,"
            " CURRENT_TIMESTAMP, :value, 'u1:1')"), {"value": json.dumps(LOCATION)})
    migrate.upgrade(services.database)
    with services.database.read() as db:
        raw = db.execute(text("SELECT attachments FROM messages")).scalar()
        assert "34.5" not in raw
        assert db.query(Message).one().attachments == LOCATION
    services.database.dispose()


def test_existing_attachments_are_encrypted(empty_database_url):
    _check(empty_database_url)
