"""Helpers for the faults suite: real `mashwara` processes pointed at the fake
providers, and many recipients written in one transaction."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from sqlalchemy import text

from bot.core.clock import now
from bot.core.crypto import keyring
from bot.store import Contact, ContactStatus, Identity
from tests.conftest import TEST_KEY
from tests.fakes.fixtures import ACCOUNT_SID, AUTH_TOKEN, BOT_TOKEN, TWILIO_NUMBER

ROOT = Path(__file__).resolve().parent.parent


def waiting_on_a_lock(services) -> bool:
    """PostgreSQL: whether a transaction in the test's database waits for a lock."""
    with services.database.read() as db:
        return bool(db.scalar(text(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            " AND datname = current_database()")))


def recipients(services, channel: str, addresses: list[str]) -> None:
    """Registered contacts, one identity each, in one transaction."""
    at, keys = now(), keyring()
    with services.database.write() as db:
        db.add_all([
            Contact(language="en", status=ContactStatus.ACTIVE, province="kabul", role="member",
                    consent_at=at, registered_at=at, created_at=at, identities=[Identity(
                        channel=channel, address=address, created_at=at,
                        address_index=keys.blind_index(address))])
            for address in addresses])


def env(settings, tmp_path, **extra: str) -> dict:
    return {
        **os.environ, "PYTHONPATH": str(ROOT),
        "MASHWARA_DATABASE_URL": settings.database_url,
        "MASHWARA_ENCRYPTION_KEY": TEST_KEY,
        "MASHWARA_INSTANCE_DIR": str(tmp_path / "instance"),
        "MASHWARA_SECRET_KEY": "faults-secret",
        "TELEGRAM_BOT_TOKEN": BOT_TOKEN, "TELEGRAM_API_URL": settings.telegram_api_url,
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_FROM": TWILIO_NUMBER, "TWILIO_API_URL": settings.twilio_api_url,
        "MASHWARA_TELEGRAM_RATE": "1000", "MASHWARA_TELEGRAM_CHAT_RATE": "1000",
        "MASHWARA_SMS_RATE": "1000", "MASHWARA_BROADCAST_QUIET_HOURS": "",
        **extra,
    }


def env_for_web(database_url: str, tmp_path, **extra: str) -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT), "MASHWARA_DATABASE_URL": database_url,
            "MASHWARA_ENCRYPTION_KEY": TEST_KEY, "MASHWARA_SECRET_KEY": "faults-secret",
            "MASHWARA_INSTANCE_DIR": str(tmp_path / "instance"), **extra}


def command(arguments: list[str]) -> list[str]:
    return [sys.executable, "-c", "from bot.cli.main import main; main()", *arguments]


def start(arguments: list[str], environment: dict, cwd: Path,
          log: Path | None = None) -> subprocess.Popen:
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 (the child keeps it)
    return subprocess.Popen(command(arguments), cwd=cwd, env=environment, stdout=out,
                            stderr=subprocess.STDOUT)


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):  # nosec B310 (a loopback URL)
            return True
    except OSError:
        return False


def kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait()


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            kill(process)


def wait_for(condition, timeout: float, what: str, interval: float = 0.5) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)
