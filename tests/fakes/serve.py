"""Runs a fake provider in its own process (bench/), so that its clock and threads
do not compete with the process being measured:

    python -m tests.fakes.serve telegram|twilio [--latency 0.1]

Prints the URL, then serves until killed; GET /_recorded lists what arrived.
`remote(...)` starts one and reads what it recorded.
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.fakes.telegram import FakeTelegram
from tests.fakes.twilio import FakeTwilio

ACCOUNT = "AC" + "0" * 32


class Remote:
    """A fake provider in another process: arrival times are not skewed by the
    threads of the process that reads them."""

    def __init__(self, url: str):
        self.url = url

    def recorded(self, suffix: str) -> list[dict]:
        """What arrived on paths ending in `suffix`: path, `at` (when it reached the
        fake's socket, in time.monotonic terms, which every process on the machine
        shares) and params."""
        with urllib.request.urlopen(f"{self.url}/_recorded", timeout=30) as response:  # nosec B310
            return [r for r in json.load(response) if r["path"].endswith(suffix)]

    def arrivals(self, suffix: str) -> list[float]:
        return [r["at"] for r in self.recorded(suffix)]


@contextmanager
def remote(provider: str, latency: float, account: str = ACCOUNT,
           token: str = "token") -> Iterator[Remote]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.serve", provider, "--latency", str(latency),
         "--account", account, "--token", token], stdout=subprocess.PIPE, text=True,
        cwd=Path(__file__).resolve().parent.parent.parent)
    try:
        yield Remote(process.stdout.readline().strip())
    finally:
        process.terminate()
        process.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("provider", choices=("telegram", "twilio"))
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--account", default=ACCOUNT)
    parser.add_argument("--token", default="token")
    args = parser.parse_args()
    server = FakeTelegram() if args.provider == "telegram" else FakeTwilio(args.account,
                                                                          args.token)
    server.latency = args.latency
    # It keeps every request: at 150,000 of them Python's full collections paused the
    # process for up to 170 ms, a stall no provider has. A fake lives for one run; it
    # can go without collecting.
    gc.disable()
    print(server.url, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
