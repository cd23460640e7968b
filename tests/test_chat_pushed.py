"""`mashwara chat` shows what reaches the person unasked as it arrives (a real process)."""

import os
import queue
import subprocess
import threading
import time

from bot.contacts.lookup import find_identity
from bot.core.clock import now
from bot.outbound.notify import notify
from bot.store import Contact
from tests.builders import running
from tests.test_cli import MASHWARA, env_for

ADDRESS = "+93700000009"


def lines_of(process) -> queue.Queue:
    found: queue.Queue = queue.Queue()

    def read():
        for line in process.stdout:
            found.put(line)
    threading.Thread(target=read, daemon=True).start()
    return found


def wait_for(found: queue.Queue, seen: list[str], text: str, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            seen.append(found.get(timeout=0.2))
        except queue.Empty:
            continue
        if text in seen[-1]:
            return True
    return False


def test_a_pushed_message_shows_without_an_enter(settings):
    env = {**os.environ, **env_for(settings), "NO_COLOR": "1"}
    process = subprocess.Popen([MASHWARA, "chat", "--as", ADDRESS], env=env, text=True,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    seen: list[str] = []
    try:
        found = lines_of(process)
        process.stdin.write("hi\n")
        process.stdin.flush()
        assert wait_for(found, seen, "Choose your language"), seen
        with running(settings) as services, services.database.write() as db:
            contact = db.get(Contact, find_identity(db, "sim", ADDRESS).contact_id)
            notify(db, contact, "Invitation: Dand district shura", now=now(), settings=settings)
        assert wait_for(found, seen, "Invitation: Dand district shura"), seen
    finally:
        process.stdin.close()
        process.wait(timeout=20)
    assert not any("INFO" in line for line in seen), seen
