"""Fixtures: a real database per test (SQLite file or PostgreSQL), the services on it,
and builders for the objects tests need.

`--db postgresql` (or MASHWARA_TEST_DB=postgresql) runs the suite against a fresh
PostgreSQL database created for this run and dropped after it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from cryptography.fernet import Fernet
from hypothesis import settings as hypothesis_settings
from sqlalchemy import text

from bot.core.config import Settings
from bot.core.db import Database
from bot.services import Services
from bot.store import Base
from tests.builders import running, web_app

pytest_plugins = ["tests.fakes.fixtures", "tests.browser"]

PG_SERVER = os.environ.get("MASHWARA_TEST_PG", "postgresql://root@127.0.0.1:5432/postgres")
TEST_KEY = Fernet.generate_key().decode()

# CI runs the same examples every time, so a submission's result is reproducible;
# on a developer's machine each run explores new ones.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


def pytest_addoption(parser):
    parser.addoption(
        "--db", choices=("sqlite", "postgresql"),
        default=os.environ.get("MASHWARA_TEST_DB", "sqlite"),
        help="database backend for the tests",
    )
    parser.addoption("--update-goldens", action="store_true",
                     help="rewrite golden transcripts from the current flows")


def pytest_collection_modifyitems(config, items):
    """Tests marked postgresql_only need a PostgreSQL server (one they restart): on
    SQLite they are not collected at all (deselected, not skipped)."""
    if config.getoption("--db") == "postgresql":
        return
    dropped = [item for item in items if item.get_closest_marker("postgresql_only")]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if item not in dropped]


def pytest_report_header(config):
    return f"mashwara database: {config.getoption('--db')}"


@pytest.fixture(scope="session")
def backend(request) -> str:
    return request.config.getoption("--db")


@pytest.fixture(scope="session")
def _template(backend, tmp_path_factory):
    """A migrated database: an SQLite file to copy, or a PostgreSQL database to truncate."""
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("template") / "template.db"
        yield _migrated(f"sqlite:///{path}")
        return
    with scratch_database("mashwara_test") as url:
        yield _migrated(url)


@contextlib.contextmanager
def scratch_database(prefix: str) -> Iterator[str]:
    """A PostgreSQL database of its own (its SQLAlchemy URL), dropped afterwards: for
    the tests and the benchmarks."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_SERVER, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_SERVER.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(PG_SERVER, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _migrated(url: str) -> str:
    services = Services(Settings(database_url=url, encryption_keys=(TEST_KEY,)))
    services.upgrade()
    services.database.dispose()
    return url


@pytest.fixture
def database_url(_template, backend, tmp_path) -> str:
    if backend == "sqlite":
        path = tmp_path / "mashwara.db"
        shutil.copy(_template.removeprefix("sqlite:///"), path)
        return f"sqlite:///{path}"
    database = Database(_template)
    with database.write() as db:
        # DELETE is some fifteen times faster than TRUNCATE on small tables; the audit
        # trail refuses DELETE (by design), so it is truncated when it has rows.
        for table in reversed(Base.metadata.sorted_tables):
            if table.name != "audit_events":
                db.execute(table.delete())
        if db.execute(text("SELECT 1 FROM audit_events LIMIT 1")).first():
            db.execute(text("TRUNCATE audit_events"))
        db.execute(text("SELECT setval(oid, 1, false) FROM pg_class WHERE relkind = 'S'"))
    database.dispose()
    return _template


@pytest.fixture
def settings(database_url, tmp_path) -> Settings:
    return Settings(
        database_url=database_url,
        encryption_keys=(TEST_KEY,),
        secret_key="test-secret",
        instance_dir=tmp_path / "instance",
        org_name="Mashwara",
    )


@pytest.fixture
def services(settings):
    with running(settings) as built:
        yield built


@pytest.fixture
def app(services):
    return web_app(services)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(autouse=True, scope="session")
def production_hasher():
    """argon2id at its production cost takes 0.1-0.6 s a hash and as much a check, and the
    suite signs in hundreds of times; tests hash at the smallest cost instead (the
    production parameters are checked by test_accounts_access.py). Processes the tests
    start keep the production cost."""
    from argon2 import PasswordHasher

    from bot.accounts import service

    production, service.HASHER = service.HASHER, PasswordHasher(
        time_cost=1, memory_cost=8, parallelism=1)
    yield production
    service.HASHER = production


@pytest.fixture
def empty_database_url(backend, tmp_path):
    """A store with no tables yet, for the migration tests that build an old schema and
    upgrade it: an SQLite file, or a PostgreSQL database of its own, dropped after."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path}/old.db"
        return
    with scratch_database("mashwara_mig") as url:
        yield url
