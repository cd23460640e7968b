"""A small load generator: closed loop (as fast as N clients go) or open loop (a
fixed rate), each bounded in requests and seconds. Latency in milliseconds."""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import requests

# (session) -> status code; one request
Shot = Callable[[requests.Session], int]


@dataclass
class Result:
    requests: int
    seconds: float
    latencies: list[float]
    errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]

    def line(self, name: str) -> str:
        return (f"{name:<28} {self.rate:8.1f} req/s   p50 {self.percentile(50):6.1f} ms"
                f"   p99 {self.percentile(99):6.1f} ms   errors {self.errors}"
                f"   (n={self.requests})")


def closed_loop(shot: Shot, clients: int, max_requests: int, max_seconds: float) -> Result:
    lock, latencies, errors = threading.Lock(), [], [0]
    budget = [max_requests]
    deadline = time.monotonic() + max_seconds

    def client():
        session = requests.Session()
        while time.monotonic() < deadline:
            with lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            _fire(session, shot, lock, latencies, errors)

    start = time.monotonic()
    _run([threading.Thread(target=client) for _ in range(clients)])
    return Result(len(latencies), time.monotonic() - start, latencies, errors[0])


def open_loop(shot: Shot, rate: float, max_requests: int, max_seconds: float,
              clients: int = 32) -> Result:
    """Requests start on a fixed schedule; latency counts from the scheduled start, so
    a server that falls behind shows it (no coordinated omission)."""
    count = min(max_requests, int(rate * max_seconds))
    lock, latencies, errors = threading.Lock(), [], [0]
    start = time.monotonic() + 0.1
    slots = iter(range(count))

    def client():
        session = requests.Session()
        while True:
            with lock:
                index = next(slots, None)
            if index is None:
                return
            due = start + index / rate
            time.sleep(max(0.0, due - time.monotonic()))
            _fire(session, shot, lock, latencies, errors, since=due)

    _run([threading.Thread(target=client) for _ in range(clients)])
    return Result(len(latencies), time.monotonic() - start, latencies, errors[0])


def _fire(session, shot, lock, latencies, errors, since: float | None = None) -> None:
    began = since if since is not None else time.monotonic()
    try:
        status = shot(session)
    except requests.RequestException:
        status = 0
    elapsed = (time.monotonic() - began) * 1000
    with lock:
        latencies.append(elapsed)
        if status >= 400 or status == 0:
            errors[0] += 1


def _run(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")
