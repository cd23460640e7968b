"""Prism mocks of the providers' published OpenAPI specs, behind a recording proxy.

Prism validates each request against the spec and lists what it found wrong in the
`sl-violations` response header. The proxy keeps every answer's status and
violations, and can strip a path prefix (the Bot API's /bot<token>, which the spec's
paths do not have).
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRISM = ROOT / "build" / "prism" / "node_modules" / ".bin" / "prism"
# Copies of the providers' published specs: where each came from in tests/specs/README.md.
SPECS = ROOT / "tests" / "specs"


@dataclass
class Answer:
    path: str
    status: int
    violations: list[dict]
    body: bytes = b""

    def request_violations(self) -> list[dict]:
        """From the header when Prism answered anyway; from the body of its 422."""
        found = [v for v in self.violations if str(v.get("location", [""])[0]) == "request"]
        if self.status == 422:
            found += json.loads(self.body or b"{}").get("validation", [])
        return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_prism(spec: str) -> tuple[subprocess.Popen, str]:
    assert PRISM.exists(), f"{PRISM} is missing: `python3 dev.py test` installs it"
    path = SPECS / spec
    assert path.exists(), f"{path} is missing"
    port = free_port()
    process = subprocess.Popen(
        [str(PRISM), "mock", "-h", "127.0.0.1", "-p", str(port), str(path)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 120
    for line in process.stdout:
        if "Prism is listening" in line:
            break
        assert time.monotonic() < deadline, "Prism did not start"
    else:
        raise AssertionError("Prism exited before listening")
    return process, f"http://127.0.0.1:{port}"


@contextlib.contextmanager
def recorded_mock(spec: str, strip: str = ""):
    """Prism on `spec` behind a RecordingProxy, for a module's tests."""
    process, url = start_prism(spec)
    proxy = RecordingProxy(url, strip)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        yield proxy
    finally:
        proxy.shutdown()
        process.terminate()
        process.wait(timeout=10)


class RecordingProxy(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, upstream: str, strip: str = ""):
        super().__init__(("127.0.0.1", 0), _Forward)
        self.upstream, self.strip = upstream, re.compile(strip) if strip else None
        self.answers: list[Answer] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Forward(BaseHTTPRequestHandler):
    server: RecordingProxy
    protocol_version = "HTTP/1.1"

    def log_message(self, *_args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path = self.server.strip.sub("", self.path) if self.server.strip else self.path
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host",
                                                                             "content-length")}
        request = urllib.request.Request(self.server.upstream + path, data=body,
                                         headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, payload, answer_headers = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, payload, answer_headers = error.code, error.read(), error.headers
        violations = json.loads(answer_headers.get("sl-violations") or "[]")
        self.server.answers.append(Answer(path, status, violations, payload))
        self.send_response(status)
        self.send_header("Content-Type", answer_headers.get("Content-Type", "application/json"))
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
