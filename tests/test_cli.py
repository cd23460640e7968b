import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli.main import main

MASHWARA = str(Path(sys.executable).parent / "mashwara")


def env_for(settings) -> dict:
    return {"MASHWARA_DATABASE_URL": settings.database_url,
            "MASHWARA_ENCRYPTION_KEY": settings.encryption_keys[0],
            "MASHWARA_INSTANCE_DIR": str(settings.instance_dir)}


@pytest.mark.parametrize("command", [[], ["run"], ["web"], ["worker"], ["db", "upgrade"],
                                     ["chat"], ["flows", "check"], ["export"]])
def test_every_command_explains_itself(command):
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output and len(result.output.splitlines()) > 4


def test_flows_check_passes(settings):
    result = CliRunner().invoke(main, ["flows", "check"], env=env_for(settings))
    assert result.exit_code == 0, result.output


def test_a_bad_setting_stops_with_its_name(settings):
    env = {**env_for(settings), "MASHWARA_DEFAULT_LANGUAGE": "xx"}
    result = CliRunner().invoke(main, ["db", "upgrade"], env=env)
    assert result.exit_code == 1 and "MASHWARA_DEFAULT_LANGUAGE" in result.output


def test_chat_completes_registration_in_dari(settings):
    lines = "سلام\n۲\n۱\nزرغونه\n۱۴\nده‌سبز\n۱\n"
    result = CliRunner().invoke(main, ["chat", "--lang", "fa", "--as", "+93700000077"],
                                input=lines, env=env_for(settings))
    assert result.exit_code == 0, result.output
    from bot.contacts.lookup import find_identity
    from bot.services import Services
    from bot.store import Contact

    services = Services(settings)
    with services.database.read() as db:
        contact = db.get(Contact, find_identity(db, "sim", "+93700000077").contact_id)
        assert (contact.language, contact.name, contact.province) == ("fa", "زرغونه", "kabul")
    services.database.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_run_serves_healthz_and_answers_the_simulator(settings, tmp_path):
    """`mashwara run` as a real process: migrates, serves /healthz, and its worker
    delivers the reply to a message that arrives while it runs."""
    port = free_port()
    env = {**os.environ, **env_for(settings)}
    server = subprocess.Popen([MASHWARA, "run", "--port", str(port)], env=env, cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        body = None
        deadline = time.monotonic() + 90  # a start on a busy 2-core machine takes a while
        while body is None and time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                    body = json.loads(r.read())
            except OSError:
                time.sleep(0.2)
        assert body == {"status": "ok", "database": "ok"}, server.poll()
        assert reply_delivered_by_worker(settings)
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0].decode()
    assert "Traceback" not in output, output


def reply_delivered_by_worker(settings) -> bool:
    from sqlalchemy import select

    from bot.services import Services
    from bot.store import Direction, Message, Status
    from tests.builders import inbound

    services = Services(settings)
    try:
        services.inbox.receive(inbound("hello"))  # processed here; the reply is queued
        for _ in range(100):
            with services.database.read() as db:
                status = db.scalar(select(Message.status).where(Message.direction == Direction.OUT))
            if status == Status.SENT:
                return True
            time.sleep(0.1)
        return False
    finally:
        services.database.dispose()
