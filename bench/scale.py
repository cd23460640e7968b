"""A U-Report-size day on PostgreSQL: a broadcast to everyone while people answer.

N registered contacts (SMS and Telegram in proportion to the caps), two web processes
(gunicorn) and three `mashwara worker` processes on one PostgreSQL store, the fake
Twilio (100 segments/s) and Telegram (30 messages/s) each in a process of its own,
answering after 50 ms. A broadcast to everyone is due at the start; while it goes out,
half the contacts write in (signed webhooks, open loop at `--inbound-rate`) and get a
conversation reply. Counted at the fake providers (each request from when it reached
their socket: tests/fakes/server.py), it prints: answers refused with a
5xx, contacts who got the broadcast not exactly once, answers whose reply was lost or
doubled, each channel's rate over its cap (aim 0.95) and its one-second windows over
the cap (aim 0), and the time for a reply to reach the provider (p50, p99; aim p99
under 2 s), from when the answer was posted and from when the web answered the
webhook (the difference is time queued in the web tier).

    .venv/bin/python -m bench.scale            # 3,900 contacts, about a minute
    .venv/bin/python -m bench.scale --full     # 100,000 contacts, 50,000 answers
"""

from __future__ import annotations

import argparse
import bisect
import collections
import contextlib
import itertools
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from sqlalchemy import select
from twilio.request_validator import RequestValidator

from bench.load import open_loop
from bench.webhooks import AUTH_TOKEN, PUBLIC_URL, SECRET, database, environment, gunicorn
from bot.core.config import Settings
from bot.services import Services
from bot.store import Direction, Message, Priority
from bot.text import segments
from tests import faults
from tests.broadcasting import schedule
from tests.fakes.serve import ACCOUNT, remote

TEXT = "The shura meets on Thursday at 10:00 at the district office."
TWILIO_NUMBER = "+15005550006"
WORKERS = 3


def people(count: int, sms_share: float) -> tuple[list[str], list[str]]:
    phones = round(count * sms_share)
    return ([f"+9378{n:07d}" for n in range(phones)],
            [str(8_000_000 + n) for n in range(count - phones)])


def register(services: Services, channel: str, addresses: list[str]) -> None:
    for start in range(0, len(addresses), 5000):
        faults.recipients(services, channel, addresses[start:start + 5000])


def answers(base: str, phones: list[str], chats: list[str], count: int):
    """Shots for bench.load: every answer from a different person, SMS and Telegram
    interleaved in proportion; `posted` keeps when each was sent, `refused` the 5xx."""
    validator, lock = RequestValidator(AUTH_TOKEN), threading.Lock()
    pools, taken = {"sms": phones, "telegram": chats}, {"sms": 0, "telegram": 0}
    share, people = len(phones) / (len(phones) + len(chats)), []
    for n in range(count):
        channel = "sms" if taken["sms"] < min(share * (n + 1), len(phones)) else "telegram"
        people.append((channel, pools[channel][taken[channel]]))
        taken[channel] += 1
    order = iter(people)
    posted: dict[str, float] = {}
    accepted: dict[str, float] = {}
    refused = [0]
    updates = itertools.count(1)

    def shot(session) -> int:
        with lock:
            channel, address = next(order)
        posted[address] = time.monotonic()
        if channel == "sms":
            form = {"MessageSid": "SM" + uuid.uuid4().hex, "AccountSid": ACCOUNT,
                    "From": address, "To": TWILIO_NUMBER, "Body": "help", "NumMedia": "0"}
            signature = validator.compute_signature(PUBLIC_URL + "/webhooks/twilio/sms", form)
            status = session.post(f"{base}/webhooks/twilio/sms", data=form, timeout=30,
                                  headers={"X-Twilio-Signature": signature}).status_code
        else:
            n = next(updates)
            chat = int(address)
            update = {"update_id": n, "message": {
                "message_id": n, "date": int(time.time()), "text": "help",
                "chat": {"id": chat, "type": "private", "first_name": "A"},
                "from": {"id": chat, "is_bot": False, "first_name": "A"}}}
            status = session.post(f"{base}/webhooks/telegram", json=update, timeout=30,
                                  headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
                                  ).status_code
        accepted[address] = time.monotonic()
        if status >= 500:
            with lock:
                refused[0] += 1
        return status

    return shot, posted, accepted, refused


def windows(arrivals: list[tuple[float, int]]) -> list[int]:
    """The units in each sliding one-second window, one starting at every arrival."""
    arrivals = sorted(arrivals)
    times = [at for at, _ in arrivals]
    totals = list(itertools.accumulate((units for _, units in arrivals), initial=0))
    return [totals[bisect.bisect_left(times, at + 1.0)] - totals[i]
            for i, at in enumerate(times)]


def outbound(name: str, received: list[dict], body: str, address: str, cap: float,
             cost) -> dict[str, list[float]]:
    """Prints the channel's figures; returns each address's reply arrival times."""
    units = sorted((r["at"], cost(r["params"][body])) for r in received)
    # The rate while the broadcast kept the channel busy: to its last message.
    end = max(r["at"] for r in received if r["params"][body] == TEXT)
    busy = [(at, n) for at, n in units if at <= end]
    span = end - busy[0][0]
    rate = (sum(n for _, n in busy) - busy[0][1]) / span if span else float("inf")
    broadcast = collections.Counter(str(r["params"][address]) for r in received
                                    if r["params"][body] == TEXT)
    replies: dict[str, list[float]] = collections.defaultdict(list)
    for r in received:
        if r["params"][body] != TEXT:
            replies[str(r["params"][address])].append(r["at"])
    print(f"{name:<9} {len(busy):7d} sent in {span:6.1f} s: {rate:7.2f}/s, cap {cap:g}/s,"
          f" ratio {rate / cap:.3f}; one-second windows over the cap:"
          f" {sum(1 for n in windows(units) if n > cap)} (most: {max(windows(units))})",
          flush=True)
    return {"broadcast": broadcast, "replies": replies}


def percentiles(values: list[float]) -> str:
    values = sorted(values)
    if not values:
        return "none"
    return (f"p50 {values[len(values) // 2]:.2f} s,"
            f" p99 {values[min(len(values) - 1, int(0.99 * len(values)))]:.2f} s")


def reply_stages(services: Services) -> None:
    """Where a reply's time went, from our rows: queued until a worker claimed it, then
    until the provider's answer was recorded."""
    with services.database.read() as db:
        rows = db.execute(select(Message.channel, Message.created_at, Message.claimed_at,
                                 Message.sent_at).where(
            Message.direction == Direction.OUT, Message.priority == Priority.CONVERSATION,
            Message.sent_at.is_not(None))).all()
    for channel in sorted({row.channel for row in rows}):
        mine = [row for row in rows if row.channel == channel]
        claimed = [(r.claimed_at - r.created_at).total_seconds() for r in mine]
        sent = [(r.sent_at - r.claimed_at).total_seconds() for r in mine]
        print(f"{channel} replies: queued until claimed {percentiles(claimed)}; claimed until"
              f" sent and recorded {percentiles(sent)}")


def wait_until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(1.0)
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=3900)
    parser.add_argument("--answers", type=int, help="default: half the contacts")
    parser.add_argument("--inbound-rate", type=float, default=83.0)
    parser.add_argument("--sms-rate", type=float, default=100.0)
    parser.add_argument("--telegram-rate", type=float, default=30.0)
    parser.add_argument("--full", action="store_true",
                        help="100,000 contacts and 50,000 answers (about ten minutes of answers)")
    args = parser.parse_args()
    if args.full:
        args.contacts = 100_000
    count = args.answers or args.contacts // 2
    phones, chats = people(args.contacts, args.sms_rate / (args.sms_rate + args.telegram_rate))
    with tempfile.TemporaryDirectory() as temp, database("postgresql", Path(temp)) as url, \
            remote("telegram", 0.05) as telegram, \
            remote("twilio", 0.05, ACCOUNT, AUTH_TOKEN) as twilio:
        workdir = Path(temp)
        env = {**environment(url, workdir), "TELEGRAM_API_URL": f"{telegram.url}/bot",
               "TWILIO_API_URL": twilio.url, "MASHWARA_SMS_RATE": str(args.sms_rate),
               "MASHWARA_TELEGRAM_RATE": str(args.telegram_rate),
               "MASHWARA_BROADCAST_QUIET_HOURS": "", "MASHWARA_INSTANCE_DIR": str(workdir)}
        services = Services(Settings(database_url=url, secret_key="bench", instance_dir=workdir,
                                     encryption_keys=(env["MASHWARA_ENCRYPTION_KEY"],)))
        services.upgrade()
        started = time.monotonic()
        register(services, "sms", phones)
        register(services, "telegram", chats)
        print(f"{len(phones)} SMS and {len(chats)} Telegram contacts registered in"
              f" {time.monotonic() - started:.0f} s; {count} of them answer at"
              f" {args.inbound_rate:g}/s", flush=True)
        with gunicorn("bot.app:create_app()", env, workdir) as web, \
                contextlib.ExitStack() as stack:
            base = web.url
            schedule(services, texts={"en": TEXT})
            for n in range(WORKERS):
                worker = faults.start(["worker"], env, workdir, workdir / f"worker{n}.log")
                stack.callback(faults.stop, worker)
            wait_until(lambda: telegram.recorded("/sendMessage"), 120)
            shot, posted, accepted, refused = answers(base, phones, chats, count)
            inbound = open_loop(shot, args.inbound_rate, count, count / args.inbound_rate + 60)
            expected = args.contacts + count
            done = wait_until(lambda: len(telegram.recorded("/sendMessage"))
                              + len(twilio.recorded("/Messages.json")) >= expected,
                              args.contacts / (args.sms_rate + args.telegram_rate) + 600)
            time.sleep(3)  # anything sent twice arrives too
            takes = collections.Counter(
                line.split("sending ", 1)[1].split(" (")[0]
                for log in workdir.glob("worker*.log") for line in log.read_text().splitlines()
                if "dispatcher: sending " in line)
        print(inbound.line("answers posted (open loop)"))
        figures = [
            outbound("SMS", twilio.recorded("/Messages.json"), "Body", "To", args.sms_rate,
                     lambda text: segments.count(text).segments),
            outbound("Telegram", telegram.recorded("/sendMessage"), "text", "chat_id",
                     args.telegram_rate, lambda _text: 1)]
        broadcast = sum((f["broadcast"] for f in figures), collections.Counter())
        replies = {a: t for f in figures for a, t in f["replies"].items()}
        print(f"answers refused with a 5xx: {refused[0]}; everything arrived: {done};"
              f" terms of sending per channel (1 = one holder throughout): {dict(takes)}")
        missed = len(set(phones + chats) - set(broadcast))
        print(f"broadcast: {sum(1 for a in phones + chats if broadcast[a] == 1)} of"
              f" {args.contacts} contacts got it exactly once, {missed} not at all,"
              f" {sum(1 for n in broadcast.values() if n > 1)} more than once")
        print(f"replies: {sum(1 for a in posted if a in replies)} of {count} answers replied,"
              f" {sum(1 for t in replies.values() if len(t) > 1)} replied more than once")
        for since, what in ((posted, "the answer was posted"),
                            (accepted, "the web answered the webhook")):
            latencies = [times[0] - since[a] for a, times in replies.items() if a in since]
            print(f"reply reached the provider, from when {what}: {percentiles(latencies)}"
                  f" (aim: p99 under 2 s)")
        reply_stages(services)
        services.database.dispose()


if __name__ == "__main__":
    sys.exit(main())
