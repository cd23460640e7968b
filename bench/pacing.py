"""Pacing: the real dispatcher against the fake providers answering after 100 ms.

Reports, per channel, the achieved rate over the configured cap (aim: 0.95 or
better) and how many one-second windows saw more than the cap (aim: 0), counted at
the provider on arrival, and at our side when each send was let go. Windows are
fixed (from the first send) and sliding (starting at every send). The fakes run in
their own processes; on a busy machine their arrival times bunch up when they get
the CPU back, which the count at our side does not suffer from.

    .venv/bin/python -m bench.pacing [--seconds 10]
"""

from __future__ import annotations

import argparse
import bisect
import tempfile
import threading
import time
from pathlib import Path

from cryptography.fernet import Fernet

from bot.contacts.lookup import identify
from bot.core.clock import now
from bot.core.config import Settings
from bot.outbound.outbox import enqueue
from bot.services import Services
from bot.store import ContactStatus
from tests.fakes.serve import ACCOUNT, Remote, remote


def settings_for(workdir: Path, telegram: Remote, twilio: Remote, args) -> Settings:
    return Settings(
        database_url=f"sqlite:///{workdir}/pacing.db",
        encryption_keys=(Fernet.generate_key().decode(),), secret_key="bench",
        instance_dir=workdir, telegram_bot_token="1:bench",
        telegram_api_url=f"{telegram.url}/bot", telegram_rate=args.telegram_rate,
        telegram_chat_rate=1.0, twilio_account_sid=ACCOUNT, twilio_auth_token="token",
        twilio_from="+15005550006", twilio_api_url=twilio.url, sms_rate=args.sms_rate,
    )


def queue(services: Services, channel: str, addresses: list[str], per_address: int) -> None:
    with services.database.write() as db:
        for address in addresses:
            identity = identify(db, channel, address, now())
            identity.contact.status = ContactStatus.ACTIVE
            for n in range(per_address):
                enqueue(db, identity, f"Announcement {n}: the shura meets on Thursday.",
                        now=now())


def windows_over(arrivals: list[float], cap: float) -> tuple[int, int]:
    arrivals = sorted(arrivals)
    start = arrivals[0]
    fixed: dict[int, int] = {}
    for at in arrivals:
        fixed[int(at - start)] = fixed.get(int(at - start), 0) + 1
    sliding = sum(1 for i, at in enumerate(arrivals)
                  if bisect.bisect_left(arrivals, at + 1.0) - i > cap)
    return sum(1 for count in fixed.values() if count > cap), sliding


def log_admissions(services: Services) -> dict[str, list[float]]:
    """Records when the dispatcher let each send start (its side of the count)."""
    admitted: dict[str, list[float]] = {}
    for channel, pacer in services.dispatcher.pacers.items():
        times = admitted[channel] = []

        async def logged(address, cost, urgent=False, wait=pacer.wait, times=times):
            ticket = await wait(address, cost, urgent)
            times.append(time.monotonic())
            return ticket

        pacer.wait = logged
    return admitted


def report(name: str, arrivals: list[float], cap: float) -> None:
    arrivals = sorted(arrivals)
    span = arrivals[-1] - arrivals[0]
    rate = (len(arrivals) - 1) / span if span else float("inf")
    fixed, sliding = windows_over(arrivals, cap)
    print(f"{name:<34} sent {len(arrivals):4d} in {span:5.1f} s: {rate:6.2f}/s, cap {cap:g}/s,"
          f" ratio {rate / cap:.3f}; windows over cap: fixed {fixed}, sliding {sliding}",
          flush=True)


def drain(services: Services, expected: int, remote: Remote, suffix: str) -> list[float]:
    stop = threading.Event()
    thread = threading.Thread(target=services.dispatcher.serve, args=(stop, 0.05))
    thread.start()
    while len(arrivals := remote.arrivals(suffix)) < expected:
        stop.wait(0.25)
    stop.set()
    thread.join()
    return arrivals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--telegram-rate", type=float, default=30.0)
    parser.add_argument("--sms-rate", type=float, default=10.0)
    args = parser.parse_args()
    with remote("telegram", 0.1) as telegram, remote("twilio", 0.1) as twilio, \
            tempfile.TemporaryDirectory() as temp:
        services = Services(settings_for(Path(temp), telegram, twilio, args))
        services.upgrade()
        admitted = log_admissions(services)
        count = int(args.telegram_rate * args.seconds)
        queue(services, "telegram", [str(9_000_000 + n) for n in range(count)], 1)
        seen = drain(services, count, telegram, "/sendMessage")
        report("Telegram, many chats (overall cap)", seen, args.telegram_rate)
        report("  the same, at our side", admitted["telegram"], args.telegram_rate)

        queue(services, "telegram", ["9999999"], 8)
        seen = drain(services, count + 8, telegram, "/sendMessage")
        report("Telegram, one chat (per-chat cap)", sorted(seen)[count:], 1.0)

        count = int(args.sms_rate * args.seconds)
        queue(services, "sms", [f"+9379{n:07d}" for n in range(count)], 1)
        seen = drain(services, count, twilio, "/Messages.json")
        report("SMS, one sender (segments/s)", seen, args.sms_rate)
        report("  the same, at our side", admitted["sms"], args.sms_rate)
        services.dispatcher.close()


if __name__ == "__main__":
    main()
