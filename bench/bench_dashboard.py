"""Dashboard and API timings on a store of N contacts, as ratios to a baseline measured in
the same run (GET /healthz, one trivial query), so the figures travel between machines.

    .venv/bin/python bench/bench_dashboard.py [N]   (default 5000; SQLite in a temp dir)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.fernet import Fernet

from bot.app import create_app
from bot.contacts.imports import import_rows
from bot.core.config import Settings
from bot.services import Services
from tests.dashboard_builders import bearer, make_token, make_user, sign_in


def timed(call, repeat: int = 20) -> float:
    call()
    start = time.perf_counter()
    for _ in range(repeat):
        call()
    return (time.perf_counter() - start) / repeat


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        services = Services(Settings(database_url=f"sqlite:///{tmp}/bench.db",
                                     encryption_keys=(Fernet.generate_key().decode(),),
                                     secret_key="bench", instance_dir=Path(tmp)))
        services.upgrade()
        rows = [{"phone": f"+93701{i:06d}", "name": f"Person {i}", "province": "kabul",
                 "role": "member", "language": "fa"} for i in range(n)]
        start = time.perf_counter()
        import_rows(services.database, rows, services.settings.places)
        imported = time.perf_counter() - start
        app = create_app(services=services)
        client = app.test_client()
        sign_in(client, make_user(services, "admin")[1])
        headers = bearer(make_token(services))
        base = timed(lambda: client.get("/healthz"))
        cases = {
            "API contacts page of 50": lambda: client.get("/api/v1/contacts?limit=50",
                                                          headers=headers),
            "contacts page, province filter": lambda: client.get(
                "/dashboard/contacts/?province=kabul"),
            f"contacts name search (decrypts up to {n})": lambda: client.get(
                "/dashboard/contacts/?q=Person+4999"),
            "overview": lambda: client.get("/dashboard/overview/"),
        }
        print(f"{n} contacts imported at {n / imported:,.0f} rows/s")
        print(f"baseline GET /healthz: 1.0 ({base * 1000:.2f} ms)")
        for name, call in cases.items():
            seconds = timed(call, repeat=5)
            print(f"{name}: {seconds / base:,.1f} x baseline")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
