"""Migration 0017: answers already stored get their response's province, role, language
and channel, so the results' breakdowns count them as before (anonymous ones too)."""

from __future__ import annotations

from sqlalchemy import text

from bot.core import migrate
from bot.core.config import Settings
from bot.services import Services
from tests.conftest import TEST_KEY

RESPONSES = (("r1", "balkh", "teacher", "fa", "sms"), ("r2", None, None, "ps", "telegram"))


def _check(url: str) -> None:
    services = Services(Settings(database_url=url, encryption_keys=(TEST_KEY,)))
    migrate.upgrade(services.database, "0016")
    with services.database.write() as db:
        db.execute(text("INSERT INTO consultations (id, name, definition, audience, opens_at,"
                        " closes_at, timezone, anonymous, status, created_at) VALUES (1, 'w',"
                        " '{}', '{}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'UTC', :yes,"
                        " 'open', CURRENT_TIMESTAMP)"), {"yes": True})
        for ident, province, role, language, channel in RESPONSES:
            db.execute(text("INSERT INTO consultation_responses (id, consultation_id, province,"
                            " role, language, channel, answered_on) VALUES (:i, 1, :p, :r, :l,"
                            " :c, CURRENT_DATE)"),
                       {"i": ident, "p": province, "r": role, "l": language, "c": channel})
            for question in ("source", "enough"):
                db.execute(text("INSERT INTO consultation_answers (response_id, question,"
                                " consultation_id, option) VALUES (:i, :q, 1, 'yes')"),
                           {"i": ident, "q": question})
    migrate.upgrade(services.database)
    with services.database.read() as db:
        copied = db.execute(text("SELECT response_id, province, role, language, channel FROM"
                                 " consultation_answers ORDER BY response_id, question")).all()
    assert [tuple(row) for row in copied] == [r for r in RESPONSES for _ in range(2)]
    services.database.dispose()


def test_stored_answers_get_their_responses_attributes(empty_database_url):
    _check(empty_database_url)
