"""The dispatcher's claim stays cheap on a long queue: it walks the queue index in its
order and stops at its limit, and finds a person's earlier rows by (identity, status).

At 100,000 queued rows the claim's old plan sorted the whole queue and read it again
for every row, and took minutes (bench.scale --full stalled). A large fan-out now has
PostgreSQL refresh its statistics (a broadcast's, a consultation's), as the first test
does before reading the plan: without them PostgreSQL believes the table nearly empty
and any plan will do."""

from __future__ import annotations

import pytest
from sqlalchemy import event, insert, select

from bot.core import db as db_module
from bot.core.clock import now
from bot.store import Identity, Message
from tests import faults
from tests.consulting import OPEN, create, send

QUEUED = 3000


def claim_and_plan(services, channel: str = "sms") -> tuple[int, str]:
    """Claims 50 rows, and the database's plan for the claim's SELECT as it was sent."""
    sent: list[tuple[str, object]] = []

    def keep(_connection, _cursor, statement, parameters, _context, _many):
        if "ORDER BY messages.priority, messages.id" in statement:
            sent.append((statement, parameters))

    engine = services.database.write_engine
    event.listen(engine, "before_cursor_execute", keep)
    try:
        claimed = len(services.dispatcher.claim(50, [channel]))
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    (statement, parameters), = sent
    explain = "EXPLAIN" if services.database.is_postgres else "EXPLAIN QUERY PLAN"
    with services.database.write() as db:
        rows = db.connection().exec_driver_sql(f"{explain} {statement}", parameters)
        return claimed, "\n".join(str(row[-1]) for row in rows)


def test_the_claim_walks_the_queue_index_and_probes_each_person(services):
    faults.recipients(services, "sms", [f"+9378{n:07d}" for n in range(QUEUED)])
    with services.database.write() as db:
        at = now()
        db.execute(insert(Message), [
            {"direction": "out", "channel": "sms", "contact_id": contact, "identity_id": identity,
             "text": "x", "status": "queued", "priority": 10, "attempts": 0,
             "next_attempt_at": at, "created_at": at}
            for identity, contact in db.execute(select(Identity.id, Identity.contact_id))])
    services.database.analyze("messages")  # as a broadcast's fan-out does (ANALYZE_AFTER)
    claimed, shown = claim_and_plan(services)
    assert claimed == 50
    assert "ix_messages_queue" in shown
    assert "ix_messages_identity_status" in shown, shown
    assert "Sort" not in shown and "TEMP B-TREE" not in shown, shown



@pytest.mark.postgresql_only
def test_a_consultation_sent_to_many_refreshes_the_statistics_too(services, monkeypatch,
                                                                  time_machine):
    monkeypatch.setattr(db_module, "ANALYZE_AFTER", QUEUED)
    time_machine.move_to(OPEN, tick=False)
    faults.recipients(services, "sim", [f"+9378{n:07d}" for n in range(QUEUED)])
    assert send(services, create(services)) == QUEUED
    claimed, shown = claim_and_plan(services, "sim")
    assert claimed == 50
    assert "ix_messages_queue" in shown and "Sort" not in shown, shown
