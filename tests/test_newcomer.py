"""The first minutes: `mashwara run` names a chat command that works from where it was
started, and its log is not drowned by the scheduler's own lines."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests import faults
from tests.private_postgres import _free_port

MASHWARA = Path(sys.executable).parent / "mashwara"


def test_run_names_a_chat_command_that_works_and_logs_only_ticks_that_did_work(database_url,
                                                                                tmp_path):
    environment = faults.env_for_web(database_url, tmp_path)
    environment["PATH"] = "/usr/bin:/bin"  # as for a newcomer: .venv/bin is not on it
    port = _free_port()
    log = tmp_path / "run.log"
    with log.open("wb") as out:
        run = subprocess.Popen([str(MASHWARA), "run", "--port", str(port)], cwd=tmp_path,
                               env=environment, stdout=out, stderr=subprocess.STDOUT)
    try:
        faults.wait_for(lambda: "Talk to it" in log.read_text(), 60, "the start-up banner")
        faults.wait_for(lambda: faults.answers(f"http://127.0.0.1:{port}/healthz"), 30,
                        "the web server")
    finally:
        faults.stop(run)
    said = log.read_text()
    named = re.search(r"Talk to it from another terminal: (\S+) chat --lang fa", said).group(1)
    command = named if os.path.isabs(named) else str(tmp_path / named)
    assert os.access(command, os.X_OK), f"{named} is not a command from {tmp_path}"
    helped = subprocess.run([command, "chat", "--help"], cwd=tmp_path, env=environment,
                            capture_output=True, text=True, timeout=60)
    assert helped.returncode == 0 and "--lang" in helped.stdout
    assert "apscheduler" not in said and "executed successfully" not in said
    assert "worker " in said and " started" in said
