from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.store import Base


def test_models_and_migrations_agree(services):
    """Fails when a model changed without a migration: `mashwara db revision "what"`."""
    with services.database.read_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_sqlite_connections_use_wal_and_foreign_keys(services, backend):
    if backend != "sqlite":
        return
    with services.database.read_engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
