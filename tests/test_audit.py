import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DatabaseError

from bot.audit import trail as audit
from bot.store import AuditEvent


def test_events_are_recorded(services):
    with services.database.write() as db:
        audit.record(db, "user:a@example.org", "report.view", "report", "R-7K3Q")
    with services.database.read() as db:
        event = db.scalars(select(AuditEvent)).one()
    assert (event.actor, event.action, event.target_id) == (
        "user:a@example.org", "report.view", "R-7K3Q")


@pytest.mark.parametrize("change", [
    update(AuditEvent).values(actor="someone else"),
    delete(AuditEvent),
], ids=["update", "delete"])
def test_the_trail_is_append_only(services, change):
    with services.database.write() as db:
        audit.record(db, "cli:root", "export", details={"name": "reports"})
    with pytest.raises(DatabaseError, match="append-only"), services.database.write() as db:
        db.execute(change)
    with services.database.read() as db:
        assert db.scalars(select(AuditEvent.actor)).all() == ["cli:root"]
