"""`mashwara backup` / `mashwara restore`: a private file, read back before it counts,
restored only into an empty store; a backup taken while a real `mashwara run` takes
webhook traffic holds every update acknowledged before it. And the WAL checkpoint
tick keeps SQLite's log small."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

import pytest
from sqlalchemy import select, text

from bot.core.db import Database
from bot.pipeline.housekeeping import checkpoint_wal
from bot.store import Direction, Message
from bot.store.backup import BackupError, backup, restore
from tests import faults
from tests.builders import make_contact
from tests.fakes.payloads import tg_text
from tests.private_postgres import _free_port
from tests.test_faults_postgres_restart import SECRET, Telegram


def inbound_ids(url: str) -> set[str]:
    database = Database(url)
    try:
        with database.read() as db:
            return set(db.scalars(select(Message.external_id)
                                  .where(Message.direction == Direction.IN)))
    finally:
        database.dispose()


def test_a_backup_is_private_read_back_and_restores_into_an_empty_database_url(services, tmp_path,
                                                                         empty_database_url):
    for n in range(5):
        make_contact(services, address=f"+9370000{n:04d}")
    file = tmp_path / "mashwara.backup"

    summary = backup(services.database, file)

    assert file.stat().st_mode & 0o777 == 0o600
    assert summary.counts["contacts"] == 5 and summary.counts["identities"] == 5
    with pytest.raises(BackupError, match="exists"):
        backup(services.database, file)
    restored = Database(empty_database_url)
    try:
        assert restore(restored, file).counts == summary.counts
        with restored.read() as db:
            assert db.execute(text("SELECT count(*) FROM contacts")).scalar_one() == 5
        with pytest.raises(BackupError, match="only into an empty store"):
            restore(restored, file)
    finally:
        restored.dispose()


def test_restore_refuses_a_store_with_rows_and_a_file_that_is_no_backup(services, tmp_path,
                                                                        empty_database_url):
    make_contact(services)
    file = tmp_path / "mashwara.backup"
    backup(services.database, file)
    with pytest.raises(BackupError, match="only into an empty store"):
        restore(services.database, file)

    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello\n" * 100)
    with pytest.raises(BackupError):
        restore(Database(empty_database_url), not_a_backup)


def test_backup_during_traffic_holds_everything_acknowledged_before_it(
        channel_settings, fake_telegram, tmp_path, empty_database_url):
    port = _free_port()
    environment = faults.env(channel_settings, tmp_path, TELEGRAM_WEBHOOK_SECRET=SECRET,
                             MASHWARA_PUBLIC_URL=f"http://127.0.0.1:{port}")
    run = faults.start(["run", "--port", str(port)], environment, tmp_path, tmp_path / "run.log")
    updates = [tg_text(9_200_000 + n % 30, f"hello {n}") for n in range(300)]
    telegram = Telegram(f"http://127.0.0.1:{port}/webhooks/telegram", updates)
    senders = [threading.Thread(target=telegram.run, daemon=True) for _ in range(3)]
    file = tmp_path / "live.backup"
    try:
        faults.wait_for(lambda: faults.answers(f"http://127.0.0.1:{port}/healthz"), 60,
                        "mashwara run to answer")
        for sender in senders:
            sender.start()
        faults.wait_for(lambda: len(telegram.acknowledged) >= 60, 60, "traffic to flow")
        with telegram.lock:
            before = set(telegram.acknowledged)
        taken = subprocess.run(faults.command(["backup", str(file)]), env=environment,
                               cwd=tmp_path, capture_output=True, text=True, timeout=120)
        with telegram.lock:
            during = set(telegram.acknowledged)
        faults.wait_for(lambda: len(telegram.acknowledged) == len(updates), 90,
                        "the rest of the traffic")
    finally:
        telegram.stopping.set()
        for sender in senders:
            sender.join(timeout=15)
        faults.stop(run)

    assert taken.returncode == 0, taken.stderr
    assert "read back and counted" in taken.stdout
    assert file.stat().st_mode & 0o777 == 0o600
    restored = subprocess.run(faults.command(["restore", str(file)]),
                              env={**environment, "MASHWARA_DATABASE_URL": empty_database_url},
                              cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert restored.returncode == 0, restored.stderr
    kept = {int(external.split(":")[0].lstrip("u")) for external in inbound_ids(empty_database_url)}
    print(f"\nbackup under traffic: {len(before)} acknowledged before it, {len(during)} by its"
          f" end, {len(kept)} in the restored store, {len(updates)} in all")
    assert before <= kept, "an update acknowledged before the backup is missing"
    again = subprocess.run(faults.command(["restore", str(file)]),
                           env={**environment, "MASHWARA_DATABASE_URL": empty_database_url},
                           cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert again.returncode != 0 and "only into an empty store" in again.stderr


def test_the_checkpoint_tick_keeps_the_wal_small(services):
    if services.database.is_postgres:
        assert checkpoint_wal(services) == 0  # PostgreSQL manages its own log
        return
    wal = Path(services.database.url.removeprefix("sqlite:///") + "-wal")
    for n in range(300):
        make_contact(services, address=f"+9379{n:07d}")
    grown = wal.stat().st_size
    assert grown > 256 * 1024

    shrank = checkpoint_wal(services)

    assert wal.stat().st_size == 0
    assert shrank == grown  # what the worker logs
    assert checkpoint_wal(services) == 0  # nothing to do, nothing logged
