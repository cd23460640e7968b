"""The attacker with the disk: a copy of the instance folder (the SQLite file, its
write-ahead log and shared memory, the key files) holds nothing a person said in clear.

A person registers, writes a report through the real inbox, and the folder is read
byte by byte (as `strings` would) while the report is half written and again after
they erase themselves and the worker purges them. Before this protection the report's
description, the district and the name sat in clear in `sessions.state` (in
mashwara.db and mashwara.db-wal, seen with this test on the previous commit:
"description found in mashwara.db-wal"), and the files were created 0644.

This claim is about SQLite files: the test makes its own SQLite instance on either
backend.
"""

from __future__ import annotations

import stat
from pathlib import Path

from bot.core import config
from bot.core.ticks import TICKS
from tests.builders import chat, running

NUMBER = "+93701234987"
NAME = "Zarghuna Wardaki"
DISTRICT = "Qalay-e-Zaman"
DESCRIPTION = "Commander Gulbuddin took my cousin from the checkpoint at dawn"


def found(folder: Path) -> dict[str, list[str]]:
    """Which secrets appear in which file, in UTF-8 or UTF-16 (as strings -el would)."""
    secrets = (NUMBER, NUMBER.lstrip("+"), NAME, DISTRICT, DESCRIPTION, "Gulbuddin")
    hits: dict[str, list[str]] = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        for secret in secrets:
            if any(secret.encode(codec) in data for codec in ("utf-8", "utf-16-le")):
                hits.setdefault(path.name, []).append(secret)
    return hits


def modes(folder: Path) -> dict[str, int]:
    return {path.name: stat.S_IMODE(path.stat().st_mode)
            for path in [folder, *folder.iterdir()]}


def test_nothing_said_is_readable_on_disk_during_a_report_and_after_erasure(tmp_path):
    folder = tmp_path / "instance"
    # No key given: it is generated into the folder, as on a first run.
    settings = config.load({"MASHWARA_INSTANCE_DIR": str(folder)},
                           env_file=tmp_path / "none.env")
    with running(settings) as services:
        services.upgrade()
        person = chat(services, address=NUMBER)
        for said in ("hello", "1", "1", NAME, "14", DISTRICT, "2"):  # registration
            person.say(said)
        for said in ("report", "1", "1", "#", "14", DISTRICT, DESCRIPTION):  # half a report
            person.say(said)
        assert (folder / "mashwara.db-wal").exists()
        assert found(folder) == {}, "readable while the report is being written"
        for said in ("2", "2", "delete", "1"):  # named, not urgent; then erase me
            person.say(said)
        TICKS["purge-erased"].run(services)
        assert found(folder) == {}, "readable after erasure"
        # The purge emptied the WAL (old page versions), and deleted cells are zeroed.
        assert (folder / "mashwara.db-wal").stat().st_size == 0
        with services.database.read_engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
        created = modes(folder)
    assert created.pop("instance") == 0o700
    assert {"mashwara.db", "mashwara.db-wal", "mashwara.db-shm", "encryption_key",
            "secret_key"} <= set(created)
    assert set(created.values()) == {0o600}, created
