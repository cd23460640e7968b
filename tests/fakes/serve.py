"""Runs a fake provider in its own process (bench/), so that its clock and threads
do not compete with the process being measured:

    python -m tests.fakes.serve telegram|twilio [--latency 0.1]

Prints the URL, then serves until killed; GET /_recorded lists what arrived.
"""

from __future__ import annotations

import argparse

from tests.fakes.telegram import FakeTelegram
from tests.fakes.twilio import FakeTwilio


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("provider", choices=("telegram", "twilio"))
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--account", default="AC" + "0" * 32)
    parser.add_argument("--token", default="token")
    args = parser.parse_args()
    server = FakeTelegram() if args.provider == "telegram" else FakeTwilio(args.account,
                                                                          args.token)
    server.latency = args.latency
    print(server.url, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
