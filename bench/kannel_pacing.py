"""Pacing per channel through a real Kannel: two SMS channels of the table (two
operator links with their own caps, as `mashwara channels add kannel ... --rate`) send
through Debian's bearerbox and smsbox to the test SMSC fakesmsc, which stands for the
operator and records each message as it is handed over.

Prints, per channel, the achieved rate over the configured cap (aim: 0.95 or better)
and the one-second windows over the cap (aim: 0), fixed (the SMSC's own second stamps)
and sliding (from each arrival, timed as fakesmsc's lines are read). The baseline,
measured in the same run, is the same Kannel unpaced (a channel with a cap of 1000/s):
the caps are ours to keep, not Kannel's limit.

    .venv/bin/python -m bench.kannel_pacing [--seconds 10] [--rates 5,10]
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from pathlib import Path

from cryptography.fernet import Fernet

from bench.pacing import report, windows_over
from bot.channels import table
from bot.contacts.lookup import identify
from bot.core.clock import now
from bot.core.config import Settings
from bot.outbound.outbox import enqueue
from bot.services import Services
from bot.store import ContactStatus, Priority
from tests.fakes.kannel import PASSWORD, USERNAME, Kannel, free_port

TEXT = "The shura meets on Thursday at 10:00 at the district office."


def queue(services: Services, channel: str, count: int, first: int) -> None:
    with services.database.write() as db:
        for n in range(count):
            identity = identify(db, channel, f"+9379{first + n:07d}", now(), "en")
            identity.contact.status = ContactStatus.ACTIVE
            enqueue(db, identity, TEXT, now=now(), priority=Priority.BULK)


def drain(services: Services, phone, expected: int, timeout: float) -> None:
    stop = threading.Event()
    thread = threading.Thread(target=services.dispatcher.serve, args=(stop, 0.05))
    thread.start()
    deadline = time.monotonic() + timeout
    while len(phone.received) < expected and time.monotonic() < deadline:
        time.sleep(0.2)
    stop.set()
    thread.join()


def by_sender(phone, sender: str) -> tuple[list[float], list[str]]:
    got = [(at, stamp) for at, stamp, message in phone.timed if message.sender == sender]
    return [at for at, _ in got], [stamp for _, stamp in got]


def fixed_over(stamps: list[str], cap: float) -> int:
    counts: dict[str, int] = {}
    for stamp in stamps:
        counts[stamp] = counts.get(stamp, 0) + 1
    return sum(1 for count in counts.values() if count > cap)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rates", default="5,10", help="the two channels' caps, SMS/s")
    args = parser.parse_args()
    rates = [float(r) for r in args.rates.split(",")]
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        sendsms = free_port()
        settings = Settings(database_url=f"sqlite:///{folder}/bench.db",
                            encryption_keys=(Fernet.generate_key().decode(),),
                            secret_key="bench", instance_dir=folder,
                            public_url=f"http://127.0.0.1:{free_port()}")
        services = Services(settings)
        services.upgrade()
        senders = {"baseline": "1000", "roshan": "2020", "awcc": "3030"}
        caps = {"baseline": 1000.0, "roshan": rates[0], "awcc": rates[1]}
        for name, sender in senders.items():
            config = table.add(services.database, "kannel", name,
                               f"http://127.0.0.1:{sendsms}/cgi-bin/sendsms",
                               username=USERNAME, password=PASSWORD, sender=sender,
                               rate=caps[name], at=now())
        # Mashwara's inbound URL is not served here: only sending is measured.
        kannel = Kannel(folder, table.kannel_service_group(config, settings.public_url),
                        sendsms).start()
        phone = kannel.phone("+93790000000", "bench", timed=True)
        try:
            count = int(max(rates) * args.seconds)
            queue(services, "baseline", count, 0)
            drain(services, phone, count, 120)
            arrivals, _ = by_sender(phone, senders["baseline"])
            base_seconds = max(arrivals[-1] - arrivals[0], 1e-3)
            base_rate = (len(arrivals) - 1) / base_seconds
            print(f"baseline: Kannel unpaced took {len(arrivals)} SMS in {base_seconds:.1f} s:"
                  f" {base_rate:.1f}/s", flush=True)
            expected = count
            for name in ("roshan", "awcc"):
                queue(services, name, int(caps[name] * args.seconds), 10_000 * len(name))
                expected += int(caps[name] * args.seconds)
            services.__dict__.pop("dispatcher", None)
            drain(services, phone, expected, args.seconds * 4 + 60)
            for name in ("roshan", "awcc"):
                arrivals, stamps = by_sender(phone, senders[name])
                report(f"{name} through Kannel (cap {caps[name]:g}/s)", arrivals, caps[name])
                fixed, sliding = fixed_over(stamps, caps[name]), windows_over(
                    arrivals, caps[name])[1]
                print(f"  SMSC second stamps over cap: {fixed}; sliding windows: {sliding}; "
                      f"cap / baseline rate: {caps[name] / base_rate:.3f}", flush=True)
            services.dispatcher.close()
        finally:
            phone.hang_up()
            kannel.stop()


if __name__ == "__main__":
    main()
