"""A small HTTP server on loopback that records every request and answers as told.

`fail(times, status, body, delay)` scripts the next answers: an error status, a slow
answer, or (`drop=True`) a connection closed without an answer. `latency` slows every
answer. `fail_for(seconds, *faults)` is an outage: until it ends, every answer is the
next of `faults`, in turn. Subclasses decide the normal answer for each request.

A request's `at` is when its first bytes reached the server's socket, as the kernel
stamped them (on Linux), in `time.monotonic()` terms: what a provider counts a rate
by. The moment a handler thread gets to it comes later, and on a busy machine it came
in bunches (a 20,000-contact `bench.scale` beside its own workers counted 200
one-second windows over the cap that way, most 114 for 100, where the kernel's stamps
and the worker's own wire stamps had none, most 100).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import socket
import struct
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

RECORDED = "/_recorded"
# Linux's SO_TIMESTAMPNS (the socket module does not name it): the kernel stamps each
# packet received with the time it arrived.
SO_TIMESTAMPNS = 35
STAMPED = sys.platform == "linux"


@dataclass
class Request:
    method: str
    path: str
    headers: dict
    params: dict
    at: float


@dataclass
class Fault:
    status: int = 500
    body: dict | None = None
    delay: float = 0.0
    drop: bool = False
    headers: dict = field(default_factory=dict)


class FakeServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[Request] = []
        self.faults: list[Fault] = []
        self.latency = 0.0
        self.outage: tuple[float, itertools.cycle] | None = None
        self.refused = 0
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    def server_bind(self) -> None:
        # On the listening socket: the kernel stamps packets only while some socket asks
        # it to, and what arrives before a connection is accepted counts too. Accepted
        # connections inherit it.
        if STAMPED:
            self.socket.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        super().server_bind()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self) -> FakeServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def fail(self, times: int = 1, **fault) -> None:
        with self.lock:
            self.faults.extend(Fault(**fault) for _ in range(times))

    def fail_for(self, seconds: float, *faults: Fault) -> None:
        with self.lock:
            self.outage = (time.monotonic() + seconds, itertools.cycle(faults))

    def next_fault(self) -> Fault | None:
        with self.lock:
            if self.outage is not None and time.monotonic() < self.outage[0]:
                self.refused += 1
                return next(self.outage[1])
            return self.faults.pop(0) if self.faults else None

    def answer(self, request: Request) -> tuple[int, dict]:  # pragma: no cover - abstract
        raise NotImplementedError


class _Handler(BaseHTTPRequestHandler):
    server: FakeServer
    protocol_version = "HTTP/1.1"

    def log_message(self, *_args):
        pass

    def handle_one_request(self):
        self.arrived = _arrival(self.connection)
        super().handle_one_request()

    def do_GET(self):
        self._handle()

    def do_POST(self):
        self._handle()

    def _handle(self):
        if self.path == RECORDED:
            return self._recorded()
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        request = Request(self.command, self.path, dict(self.headers), _params(self, raw),
                          self.arrived)
        fault = self.server.next_fault()
        time.sleep(self.server.latency + (fault.delay if fault else 0))
        if fault is not None and fault.drop:
            self.close_connection = True
            self.connection.close()
            return
        if fault is not None:
            status, body, headers = fault.status, fault.body or {}, fault.headers
        else:
            with self.server.lock:
                self.server.requests.append(request)
            status, body = self.server.answer(request)
            headers = {}
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        # The client may have given up waiting: that was the point of the delay.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(payload)


    def _recorded(self):
        """What was received, for a fake running in another process (bench/)."""
        with self.server.lock:
            body = [{"path": r.path, "at": r.at, "params": r.params} for r in self.server.requests]
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def _arrival(connection: socket.socket) -> float:
    """When the next request's first bytes arrived (it waits for them), or now."""
    if not STAMPED:
        return time.monotonic()
    try:
        _, ancillary, _, _ = connection.recvmsg(1, socket.CMSG_SPACE(16), socket.MSG_PEEK)
    except OSError:
        return time.monotonic()  # the handler finds the connection gone
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
            seconds, nanoseconds = struct.unpack("qq", data)
            return seconds + nanoseconds / 1e9 - (time.time() - time.monotonic())
    return time.monotonic()  # the client closed the connection: nothing came


def _params(handler: BaseHTTPRequestHandler, raw: bytes) -> dict:
    kind = handler.headers.get("Content-Type", "")
    if "json" in kind and raw:
        return json.loads(raw)
    if raw:
        return {k: v[0] if len(v) == 1 else v for k, v in parse_qs(raw.decode()).items()}
    return {}
