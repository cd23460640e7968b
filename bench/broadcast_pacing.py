"""A real broadcast at the providers' pace, and a conversation during it.

10,000 registered people (half on SMS, half on Telegram) receive one broadcast
through the real fan-out and dispatcher, against fake Telegram and Twilio servers
that answer after 100 ms, with caps of 30 messages/s (Telegram) and 100 segments/s
(SMS). Prints, per channel, the achieved rate over the cap (aim 0.95 or better) and
the one-second windows over the cap (aim 0), and the time for a reply to reach the
provider when a member writes in the middle of the broadcast (aim under 2 s).

Meanwhile `--neighbours` processes (default 2) spin on the CPU, standing for the
other work of a small shared server. It also prints the CPU time this process spent
per message sent, beside the CPU time of a bare HTTP POST (a kept-alive httpx
client) to the same fake provider, measured in the same run.

    .venv/bin/python -m bench.broadcast_pacing [--recipients 10000] [--neighbours 2]
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from pathlib import Path

import httpx
from sqlalchemy import func, select

from bench.common import neighbours
from bench.pacing import log_admissions, report, settings_for
from bot.broadcasts.compose import Draft, store
from bot.broadcasts.fanout import fan_out
from bot.broadcasts.runner import claim
from bot.channels.base import InboundMessage
from bot.contacts.lookup import identify
from bot.core.clock import now
from bot.services import Services
from bot.store import ContactStatus, Direction, Message, Priority, Status
from tests.fakes.serve import remote

TEXT = "The shura meets on Thursday at 10:00 at the district office."


def register(services: Services, channel: str, addresses: list[str]) -> None:
    with services.database.write() as db:
        for address in addresses:
            identity = identify(db, channel, address, now(), "en")
            contact = identity.contact
            contact.status, contact.language = ContactStatus.ACTIVE, "en"
            contact.preferred_channel = channel


def broadcast(services: Services) -> int:
    with services.database.write() as db:
        made = store(db, Draft(name="bench", texts={"en": TEXT}, audience={}, timezone="UTC",
                               quiet=None, stop_hint=False), now=now())
        broadcast_id, fire_at = made.id, made.next_fire_at
    run_id = claim(services, broadcast_id, fire_at)
    return fan_out(services.database, run_id, default_language="en",
                   channels=("sms", "telegram"), now=now)


def sent(services: Services, channel: str) -> int:
    with services.database.read() as db:
        return db.scalar(select(func.count()).select_from(Message).where(
            Message.channel == channel, Message.priority == Priority.BULK,
            Message.status == Status.SENT))


def reply_latency(services: Services, channel: str, address: str) -> float:
    """Seconds from a member's message arriving to our reply being taken by the provider."""
    started = time.monotonic()
    receipt = services.inbox.receive(InboundMessage(channel, address, "help",
                                                    external_id=f"bench-{address}"))
    with services.database.read() as db:
        contact_id = db.get(Message, receipt.message_id).contact_id
    while True:
        with services.database.read() as db:
            status = db.scalar(select(Message.status).where(
                Message.contact_id == contact_id, Message.direction == Direction.OUT,
                Message.priority == Priority.CONVERSATION).order_by(Message.id.desc()))
        if status == Status.SENT:
            return time.monotonic() - started
        time.sleep(0.02)


def cpu() -> float:
    return time.process_time()


def bare_post_cpu(url: str, count: int = 300) -> float:
    """CPU seconds per bare HTTP POST (a form like an SMS's) to the fake provider."""
    with httpx.Client() as client:
        client.post(f"{url}/baseline", data={"To": "+93780000000", "Body": TEXT})
        started = cpu()
        for n in range(count):
            client.post(f"{url}/baseline", data={"To": f"+9378{n:07d}", "Body": TEXT})
        return (cpu() - started) / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--telegram-rate", type=float, default=30.0)
    parser.add_argument("--sms-rate", type=float, default=100.0)
    parser.add_argument("--neighbours", type=int, default=2)
    args = parser.parse_args()
    half = args.recipients // 2
    with remote("telegram", 0.1) as telegram, remote("twilio", 0.1) as twilio, \
            tempfile.TemporaryDirectory() as temp:
        settings = settings_for(Path(temp), telegram, twilio, args)
        services = Services(settings.with_overrides(broadcast_quiet_hours=""))
        services.upgrade()
        register(services, "telegram", [str(8_000_000 + n) for n in range(half)])
        register(services, "sms", [f"+9378{n:07d}" for n in range(half)])
        admitted = log_admissions(services)
        print(f"fan-out: {broadcast(services)} outbox rows", flush=True)
        with neighbours(args.neighbours):
            bare = bare_post_cpu(twilio.url)
            stop = threading.Event()
            serving = threading.Thread(target=services.dispatcher.serve, args=(stop, 0.05))
            started = cpu()
            serving.start()
            while sent(services, "sms") < half // 4:  # well into the broadcast
                time.sleep(0.5)
            latencies = {"sms": reply_latency(services, "sms", "+93780000007"),
                         "telegram": reply_latency(services, "telegram", "8000007")}
            while sent(services, "sms") < half or sent(services, "telegram") < half:
                time.sleep(1)
            stop.set()
            serving.join()
            spent = cpu() - started
        report("Telegram broadcast, at the provider", telegram.arrivals("/sendMessage"),
               args.telegram_rate)
        report("  the same, at our side", admitted["telegram"], args.telegram_rate)
        report("SMS broadcast, at the provider", twilio.arrivals("/Messages.json"),
               args.sms_rate)
        report("  the same, at our side", admitted["sms"], args.sms_rate)
        for channel, seconds in latencies.items():
            print(f"reply during the broadcast, {channel}: {seconds:.2f} s (aim: under 2 s)")
        per_message = spent / (2 * half + len(latencies))
        print(f"CPU per message sent: {per_message * 1000:.2f} ms; a bare HTTP POST:"
              f" {bare * 1000:.2f} ms; ratio {per_message / bare:.1f}"
              f" ({args.neighbours} CPU-bound neighbour processes)")
        services.dispatcher.close()


if __name__ == "__main__":
    main()
