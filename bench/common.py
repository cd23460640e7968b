"""What the benchmarks share: a fresh database per run, and printing figures."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from cryptography.fernet import Fernet

from bot.core.config import Settings
from bot.services import Services
from tests.conftest import scratch_database

PG_SERVER = "postgresql://root@127.0.0.1:5432/postgres"


@contextlib.contextmanager
def fresh_services(backend: str) -> Iterator[Services]:
    """Services on a new, migrated database that is removed afterwards."""
    key = Fernet.generate_key().decode()
    with tempfile.TemporaryDirectory() as folder:
        if backend == "sqlite":
            url = f"sqlite:///{Path(folder) / 'bench.db'}"
            yield _services(url, key, folder)
            return
        with scratch_database("mashwara_bench") as url:
            yield _services(url, key, folder)


def _services(url: str, key: str, folder: str) -> Services:
    services = Services(Settings(database_url=url, encryption_keys=(key,),
                                 secret_key="bench", instance_dir=Path(folder)))
    services.upgrade()
    return services


@contextlib.contextmanager
def neighbours(count: int) -> Iterator[None]:
    """`count` CPU-bound processes running beside the benchmark, standing for the other
    work of a shared server (`--busy N`)."""
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"])
                for _ in range(count)]
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


def table(rows: list[tuple], headers: tuple[str, ...]) -> str:
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *rows, strict=True)]
    line = lambda cells: "  ".join(str(c).rjust(w) for c, w in zip(cells, widths, strict=True))  # noqa: E731
    return "\n".join([line(headers), *(line(r) for r in rows)])
