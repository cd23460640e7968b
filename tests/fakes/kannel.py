"""A real Kannel for the tests: Debian's bearerbox and smsbox, with the test SMSC
`fakesmsc` standing for the operator, on free loopback ports, from a kannel.conf
generated in a temporary folder. The `sms-service` group in it is the one `mashwara
channels show` prints for the channel.

A "phone" is one fakesmsc process: it sends its message (mobile-originated) and prints
every message the SMSC is given for delivery ("Got message N: <from to type data>").
"""

from __future__ import annotations

import re
import socket
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote_from_bytes, unquote_to_bytes

BEARERBOX = Path("/usr/sbin/bearerbox")
SMSBOX = Path("/usr/sbin/smsbox")
FAKESMSC = Path("/usr/lib/kannel/test/fakesmsc")
USERNAME, PASSWORD = "mashwara", "sendsms-test-password"
SHORT_CODE = "2020"
GOT = re.compile(r"Got message \d+: <(\S+) (\S+) (\S+) (.*)>")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def missing() -> list[str]:
    return [str(path) for path in (BEARERBOX, SMSBOX, FAKESMSC) if not path.exists()]


@dataclass(frozen=True)
class Delivered:
    """A message the SMSC was given for a phone (mobile-terminated)."""

    sender: str
    to: str
    coding: str  # "text", "data" or "ucs-2"
    text: str


def _octets(data: str) -> bytes:
    return unquote_to_bytes(data.replace("+", "%20"))


def _looks_ucs2(raw: bytes) -> bool:
    """fakesmsc prints a concatenated part's coding as nothing but "udh ... data": UCS-2
    is told by its high bytes (every script we send is in the Basic Multilingual Plane,
    and GSM-7 text holds no zero byte)."""
    return len(raw) % 2 == 0 and b"\x00" in raw[0::2] + raw[1::2]


def _decode(raw: bytes, ucs2: bool) -> str:
    return raw.decode("utf-16-be") if ucs2 else raw.decode("utf-8", "replace")


class Assembler:
    """Joins the parts of concatenated messages (UDH 00 03 ref total seq) as a phone does."""

    def __init__(self):
        self.parts: dict[tuple[str, int], dict[int, bytes]] = {}

    def feed(self, line: str) -> Delivered | None:
        found = GOT.search(line)
        if not found:
            return None
        sender, to, kind, rest = found.groups()
        if kind != "udh":
            raw = _octets(rest)
            ucs2 = kind.startswith("ucs")
            return Delivered(sender, to, "ucs-2" if ucs2 else "text", _decode(raw, ucs2))
        udh_text, _, data = rest.partition(" data ")
        udh = _octets(udh_text)
        ref, total, seq = udh[3], udh[4], udh[5]
        parts = self.parts.setdefault((to, ref), {})
        parts[seq] = _octets(data)
        if len(parts) < total:
            return None
        raw = b"".join(parts[i] for i in sorted(parts))
        del self.parts[(to, ref)]
        ucs2 = _looks_ucs2(raw)
        return Delivered(sender, to, "ucs-2" if ucs2 else "text", _decode(raw, ucs2))


class Phone:
    """One fakesmsc connection: sends its message, collects what comes back."""

    def __init__(self, kannel: Kannel, number: str, text: str, ucs2: bool,
                 timed: bool = False):
        kind, data = ("ucs2", quote_from_bytes(text.encode("utf-16-be"), safe="")) if ucs2 \
            else ("text", text)
        line = f"{number} {SHORT_CODE} {kind} {data}"
        self.received: list[Delivered] = []
        self.lines: list[str] = []
        # (when read, the SMSC's second stamp, the message), kept when `timed`
        self.timed: list[tuple[float, str, Delivered]] = []
        self.keep_times = timed
        self.assembler = Assembler()
        self.process = subprocess.Popen(
            ["stdbuf", "-oL", "-eL", str(FAKESMSC), "-H", "127.0.0.1", "-r", str(kannel.smsc),
             "-i", "3600", "-m", "1", line],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            if "Got message" in line and not self.keep_times:
                self.lines.append(line)
            message = self.assembler.feed(line)
            if message is not None:
                self.received.append(message)
                if self.keep_times:
                    self.timed.append((time.monotonic(), line[:19], message))

    def wait(self, count: int, timeout: float = 20.0) -> list[Delivered]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return list(self.received)

    def hang_up(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


class Kannel:
    """bearerbox + smsbox on free ports; `service_group` is pasted in as given."""

    def __init__(self, folder: Path, service_group: str, sendsms_port: int | None = None):
        if missing():
            raise RuntimeError(f"Kannel is not installed ({', '.join(missing())}): "
                               "apt-get install -y kannel kannel-extras (dev.py test does)")
        self.folder = folder
        self.admin, self.box, self.smsc = free_port(), free_port(), free_port()
        self.sendsms = sendsms_port or free_port()
        self.conf = folder / "kannel.conf"
        self.conf.write_text(self.config(service_group))
        self.processes: list[subprocess.Popen] = []

    @property
    def sendsms_url(self) -> str:
        return f"http://127.0.0.1:{self.sendsms}/cgi-bin/sendsms"

    def config(self, service_group: str) -> str:
        return f"""group = core
admin-port = {self.admin}
admin-password = admin-test-password
admin-interface = 127.0.0.1
smsbox-port = {self.box}
smsbox-interface = 127.0.0.1
box-allow-ip = 127.0.0.1
admin-allow-ip = 127.0.0.1
log-file = "{self.folder}/bearerbox.log"
log-level = 1
dlr-storage = internal

group = smsc
smsc = fake
smsc-id = fakesmsc
port = {self.smsc}
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {self.box}
sendsms-port = {self.sendsms}
sendsms-interface = 127.0.0.1
log-file = "{self.folder}/smsbox.log"
log-level = 1

group = sendsms-user
username = {USERNAME}
password = {PASSWORD}
concatenation = true
max-messages = 10

{service_group}
"""

    def start(self) -> Kannel:
        self._spawn(BEARERBOX)
        wait_for_port(self.box)
        wait_for_port(self.smsc)
        self._spawn(SMSBOX)
        wait_for_port(self.sendsms)
        return self

    def _spawn(self, program: Path) -> None:
        log = (self.folder / f"{program.name}.out").open("w")
        self.processes.append(subprocess.Popen([str(program), str(self.conf)], stdout=log,
                                               stderr=subprocess.STDOUT, cwd=self.folder))

    def stop_smsbox(self) -> None:
        """The operator link's HTTP side goes away (smsbox stopped)."""
        box = self.processes.pop()
        box.terminate()
        box.wait(10)

    def start_smsbox(self) -> None:
        self._spawn(SMSBOX)
        wait_for_port(self.sendsms)

    def phone(self, number: str, text: str, ucs2: bool = False, timed: bool = False) -> Phone:
        return Phone(self, number, text, ucs2, timed)

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:]
                         for p in sorted(self.folder.glob("*.log")) if p.exists())
