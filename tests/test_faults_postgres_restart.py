"""PostgreSQL restarted under webhook traffic: a real `mashwara web` (gunicorn) on a
private PostgreSQL server, four senders acting as Telegram (which delivers an update
again until it gets a 200). While the database is down the webhook answers 503, and
every update that was answered 200 is in the store afterwards.

Runs only with `--db postgresql` (deselected on SQLite: no server to restart)."""

from __future__ import annotations

import collections
import json
import queue
import subprocess
import threading
import time
import urllib.error
import urllib.request

import psycopg
import pytest

from tests import faults
from tests.fakes.payloads import tg_text
from tests.private_postgres import PrivatePostgres, _free_port

pytestmark = [pytest.mark.faults, pytest.mark.postgresql_only]
SECRET = "restart-secret"
UPDATES = 400


@pytest.fixture
def private_postgres():
    server = PrivatePostgres()
    try:
        yield server.init()
    finally:
        server.destroy()


class Telegram:
    """Posts updates; anything but a 200 is delivered again a moment later."""

    def __init__(self, url: str, updates: list[dict]):
        self.url, self.todo = url, queue.Queue()
        for update in updates:
            self.todo.put(update)
        self.answers: collections.Counter = collections.Counter()
        self.acknowledged: set[int] = set()
        self.lock, self.stopping = threading.Lock(), threading.Event()

    def post(self, update: dict) -> int:
        request = urllib.request.Request(self.url, data=json.dumps(update).encode(), headers={
            "Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # nosec B310
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            return 0  # no answer at all

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                update = self.todo.get(timeout=0.2)
            except queue.Empty:
                continue
            status = self.post(update)
            with self.lock:
                self.answers[status] += 1
                if status == 200:
                    self.acknowledged.add(update["update_id"])
            if status != 200:
                time.sleep(0.2)
                self.todo.put(update)


def stored_updates(url: str) -> set[int]:
    with psycopg.connect(url.replace("+psycopg", "")) as db:
        ids = db.execute("SELECT external_id FROM messages WHERE direction = 'in'").fetchall()
    return {int(external.split(":")[0].lstrip("u")) for (external,) in ids}


def test_webhooks_answer_503_while_postgres_restarts_and_lose_nothing(private_postgres,
                                                                       tmp_path):
    environment = faults.env_for_web(private_postgres.url, tmp_path,
                                     TELEGRAM_WEBHOOK_SECRET=SECRET)
    subprocess.run(faults.command(["db", "upgrade"]), env=environment, cwd=tmp_path,
                   check=True, capture_output=True, timeout=120)
    port = _free_port()
    web = faults.start(["web", "--port", str(port), "--workers", "2"], environment, tmp_path,
                       tmp_path / "web.log")
    telegram = Telegram(f"http://127.0.0.1:{port}/webhooks/telegram",
                        [tg_text(9_100_000 + n % 40, f"hello {n}") for n in range(UPDATES)])
    senders = [threading.Thread(target=telegram.run, daemon=True) for _ in range(4)]
    try:
        faults.wait_for(lambda: faults.answers(f"http://127.0.0.1:{port}/healthz"), 60,
                        "the web process to answer")
        for sender in senders:
            sender.start()
        faults.wait_for(lambda: len(telegram.acknowledged) >= 60, 60, "traffic to flow")
        private_postgres.stop()
        down_since = telegram.answers[503]
        time.sleep(3)
        refused_while_down = telegram.answers[503] - down_since
        private_postgres.start()
        faults.wait_for(lambda: len(telegram.acknowledged) == UPDATES, 90,
                        "every update to be acknowledged after the restart")
    finally:
        telegram.stopping.set()
        for sender in senders:
            sender.join(timeout=15)
        faults.stop(web)

    print(f"\nPostgreSQL restart under webhook traffic: answers {dict(telegram.answers)};"
          f" {refused_while_down} answered 503 during the 3 s it was down")
    assert refused_while_down > 0
    assert set(telegram.answers) <= {200, 503}, "only 200 (kept) or 503 (send again)"
    assert telegram.acknowledged <= stored_updates(private_postgres.url)
    assert len(stored_updates(private_postgres.url)) == UPDATES
