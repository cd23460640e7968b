"""Webhook throughput: signed Twilio SMS webhooks and Telegram updates through the
real HTTP stack (gunicorn, 2 workers), beside a bare Flask endpoint doing one INSERT,
measured in the same run on the same database; SQLite and PostgreSQL.

For each, after a warm-up: the saturated rate (16 clients as fast as they go) with
p50/p99 latency and the web workers' CPU time per request (read from /proc: unlike the
rates, it holds still on a shared machine), then p50/p99 at half that rate (open loop,
latency from the scheduled start).
`--busy N` runs N CPU-bound neighbour processes throughout, as on a shared server.

    .venv/bin/python -m bench.webhooks [--seconds 8] [--backends sqlite,postgresql] [--busy 2]
"""

from __future__ import annotations

import argparse
import itertools
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet
from sqlalchemy import create_engine
from twilio.request_validator import RequestValidator

from bench import baseline
from bench.common import neighbours
from bench.load import closed_loop, open_loop
from tests.conftest import scratch_database

ROOT = Path(__file__).resolve().parent.parent
PUBLIC_URL = "https://bot.example.org"
AUTH_TOKEN = "bench-token"
SECRET = "bench-secret"
PG_SERVER = os.environ.get("MASHWARA_TEST_PG", "postgresql://root@127.0.0.1:5432/postgres")


@contextmanager
def database(backend: str, workdir: Path):
    if backend == "sqlite":
        yield f"sqlite:///{workdir}/bench.db"
        return
    with scratch_database("mashwara_bench") as url:
        yield url


def environment(url: str, workdir: Path) -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT), "MASHWARA_DATABASE_URL": url,
            "MASHWARA_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "MASHWARA_SECRET_KEY": "bench", "MASHWARA_INSTANCE_DIR": str(workdir),
            "MASHWARA_PUBLIC_URL": PUBLIC_URL, "TELEGRAM_BOT_TOKEN": "1:bench",
            "TELEGRAM_WEBHOOK_SECRET": SECRET, "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "TWILIO_FROM": "+15005550006"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Server:
    url: str
    pid: int

    def cpu_seconds(self) -> float:
        """CPU time used so far by the server's workers (Linux /proc)."""
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
        ticks = 0
        for child in children:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")


@contextmanager
def gunicorn(app: str, env: dict, workdir: Path):
    port = free_port()
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", app], cwd=workdir, env=env)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        time.sleep(1.0)  # both workers up
        yield Server(f"http://127.0.0.1:{port}", process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)


def sms_shots(base: str, count: int):
    validator = RequestValidator(AUTH_TOKEN)
    forms = []
    for n in range(count):
        form = {"MessageSid": "SM" + uuid.uuid4().hex, "AccountSid": "AC" + "0" * 32,
                "From": f"+93799{n % 2000:06d}", "To": "+15005550006", "Body": "سلام",
                "NumMedia": "0"}
        forms.append((form, validator.compute_signature(PUBLIC_URL + "/webhooks/twilio/sms",
                                                        form)))
    queue = iter(forms)

    def shot(session):
        form, signature = next(queue)
        return session.post(f"{base}/webhooks/twilio/sms", data=form, timeout=30,
                            headers={"X-Twilio-Signature": signature}).status_code

    return shot


def telegram_shots(base: str):
    ids = itertools.count(1)

    def shot(session):
        n = next(ids)
        chat = 8_000_000 + n % 2000
        update = {"update_id": n, "message": {
            "message_id": n, "date": int(time.time()), "text": "hello",
            "chat": {"id": chat, "type": "private", "first_name": "A"},
            "from": {"id": chat, "is_bot": False, "first_name": "A", "language_code": "fa"}}}
        return session.post(f"{base}/webhooks/telegram", json=update, timeout=30,
                            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}).status_code

    return shot


def baseline_shots(base: str):
    def shot(session):
        return session.post(f"{base}/insert", data="hello", timeout=30).status_code

    return shot


def measure(name: str, make_shot, server: Server, args) -> tuple[float, float, str]:
    """Saturated rate, CPU ms per request while saturated, and the printed lines."""
    # Each worker's first requests read the translations (seconds of CPU): not measured.
    closed_loop(make_shot(), args.clients, 4 * args.clients, args.seconds)
    cpu = server.cpu_seconds()
    full = closed_loop(make_shot(), args.clients, args.max_requests, args.seconds)
    cpu_ms = (server.cpu_seconds() - cpu) * 1000 / max(1, full.requests)
    half = open_loop(make_shot(), full.rate / 2, args.max_requests, args.seconds)
    return full.rate, cpu_ms, "\n".join([
        full.line(f"{name} (saturated)") + f"   CPU {cpu_ms:.2f} ms/req",
        half.line(f"{name} (at half rate)")])


def run_backend(backend: str, args) -> None:
    with tempfile.TemporaryDirectory() as temp, database(backend, Path(temp)) as url:
        workdir = Path(temp)
        env = environment(url, workdir)
        subprocess.run([str(Path(sys.executable).parent / "mashwara"), "db", "upgrade"],
                       cwd=workdir, env=env, check=True, stdout=subprocess.DEVNULL)
        # Made here, not by the baseline's two workers at once (one of them then fails).
        engine = create_engine(url)
        baseline.metadata.create_all(engine)
        engine.dispose()
        with gunicorn("bench.baseline:create_app()", env, workdir) as server:
            base_rate, base_cpu, base_lines = measure(
                "bare Flask + INSERT", lambda: baseline_shots(server.url), server, args)
        with gunicorn("bot.app:create_app()", env, workdir) as server:
            sms_rate, sms_cpu, sms_lines = measure(
                "Twilio SMS webhook", lambda: sms_shots(server.url, 2 * args.max_requests),
                server, args)
            tg_rate, tg_cpu, tg_lines = measure(
                "Telegram webhook", lambda: telegram_shots(server.url), server, args)
        print(f"\n== {backend} ==")
        print(base_lines, sms_lines, tg_lines, sep="\n")
        print(f"ratio to baseline: Twilio {sms_rate / base_rate:.2f}, "
              f"Telegram {tg_rate / base_rate:.2f}; in CPU per request: "
              f"Twilio {base_cpu / sms_cpu:.2f}, Telegram {base_cpu / tg_cpu:.2f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--max-requests", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--busy", type=int, default=0,
                        help="CPU-bound neighbour processes running throughout")
    args = parser.parse_args()
    print(f"{args.busy} CPU-bound neighbour(s)")
    with neighbours(args.busy):
        for backend in args.backends.split(","):
            run_backend(backend, args)


if __name__ == "__main__":
    main()
