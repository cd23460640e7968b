"""Migration 0010: sessions already in the store are encrypted, rebuilding tables on
SQLite (for AUTOINCREMENT) loses no row that points at them, and a purged contact's
id is never given to the next person."""

from __future__ import annotations

import json

from sqlalchemy import func, select, text

from bot.contacts.erasure import erase_contact, purge_erased
from bot.core import migrate
from bot.core.clock import now
from bot.core.config import Settings
from bot.services import Services
from bot.store import Contact, ConversationSession
from tests.builders import make_contact
from tests.conftest import TEST_KEY

STATE = {"description": "They burned the school in Qarabagh"}


def _check(url: str) -> None:
    services = Services(Settings(database_url=url, encryption_keys=(TEST_KEY,)))
    migrate.upgrade(services.database, "0009")
    with services.database.write() as db:
        db.execute(text("INSERT INTO contacts (id, status, created_at) VALUES"
                        " (7, 'active', CURRENT_TIMESTAMP)"))
        db.execute(text("INSERT INTO sessions (contact_id, flow, state, started_at, updated_at,"
                        " expires_at) VALUES (7, 'report', :state, CURRENT_TIMESTAMP,"
                        " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"), {"state": json.dumps(STATE)})
    migrate.upgrade(services.database)
    with services.database.read() as db:
        raw = db.execute(text("SELECT state FROM sessions")).scalar()
        assert "Qarabagh" not in raw
        assert db.get(ConversationSession, 7).state == STATE  # the child row survived
    services.database.dispose()


def test_existing_session_state_is_encrypted_and_kept(empty_database_url):
    _check(empty_database_url)


def test_a_purged_contacts_id_is_not_given_to_the_next_person(services):
    make_contact(services)
    last_id, _, _ = make_contact(services)
    with services.database.write() as db:
        erase_contact(db, db.get(Contact, last_id))
    with services.database.write() as db:
        assert purge_erased(db, now()) == 1
        assert db.scalar(select(func.max(Contact.id))) == last_id - 1
    next_id, _, _ = make_contact(services)
    assert next_id == last_id + 1


def test_rebuilding_a_table_keeps_the_rows_that_point_at_it(tmp_path):
    """SQLite: migration 0008 rebuilds `reports`; with foreign keys on, dropping the old
    table deleted every report_changes row (ON DELETE CASCADE). Seen: 0 rows left
    before migrations ran with foreign keys off. (A SQLite file on either backend.)"""
    services = Services(Settings(database_url=f"sqlite:///{tmp_path}/old.db",
                                 encryption_keys=(TEST_KEY,)))
    migrate.upgrade(services.database, "0007")
    with services.database.write() as db:
        db.execute(text("INSERT INTO reports (code, category, occurred, description, urgent,"
                        " anonymous, status, received_on) VALUES ('R-AAAA', 'rights', 'today',"
                        " 'x', false, true, 'new', '2026-11-01')"))
        db.execute(text("INSERT INTO report_changes (report_code, old_status, status, by, at)"
                        " VALUES ('R-AAAA', 'new', 'reviewing', 'cli', '2026-11-01 10:00:00')"))
    migrate.upgrade(services.database)
    with services.database.read() as db:
        assert db.execute(text("SELECT count(*) FROM report_changes")).scalar() == 1
    services.database.dispose()
