"""Inbound pipeline throughput: registration conversations in five languages.

For each backend, pushes N inbound messages through the real pipeline (record,
dedupe, lock the contact, run the engine, write the replies to the outbox) and, in
the same run on the same database engine, a baseline of one plain INSERT per
message in its own transaction, and a floor: the least a message's handling writes and
reads (find the sender with their contact locked, insert the message, read the
session, save it, insert a reply; its three texts encrypted), on prebuilt Core
statements, without the flows or the flood counts. Prints for each the saturated rate (messages one
after the other, as fast as they go) and this process's CPU time per message; then
p50/p99 latency with messages arriving on a fixed schedule at half the saturated
rate (open loop: latency counts from when the message was due, so a backlog shows).
`--busy N` runs N CPU-bound neighbour processes throughout, as on a shared server.

    .venv/bin/python -m bench.inbound [--conversations 200] [--backend sqlite postgresql]
                                      [--busy 2]
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, bindparam, insert, select

from bench.common import fresh_services, neighbours, table
from bot.channels.base import InboundMessage
from bot.contacts.lookup import identify
from bot.core.clock import now
from bot.core.crypto import keyring
from bot.store import Contact, ConversationSession, Direction, Identity, Message, Status
from flows import sessions

SCRIPTS = {
    "en": ["hello", "1", "1", "Amina", "14", "Dand", "2"],
    "fa": ["سلام", "2", "۱", "زرغونه", "۱۴", "ده‌سبز", "۲"],
    "ps": ["سلام", "3", "۱", "ملالۍ", "۱۴", "ډنډ", "۲"],
    "ar": ["مرحبا", "4", "١", "فاطمة", "١٤", "المعلا", "٢"],
    "fr": ["bonjour", "5", "1", "Amina", "14", "Dand", "2"],
}

Handle = Callable[[InboundMessage], object]


@dataclass
class Figures:
    rate: float  # messages/s, saturated
    cpu_ms: float  # this process's CPU time per message, saturated
    p50: float  # ms, at half the saturated rate
    p99: float


def messages(conversations: int, first: int = 0) -> list[InboundMessage]:
    """Conversations interleaved, as they arrive from many people at once."""
    people = [(f"+9379{i:07d}", list(SCRIPTS)[i % 5])
              for i in range(first, first + conversations)]
    out = []
    for step in range(7):
        for address, lang in people:
            out.append(InboundMessage("sim", address, SCRIPTS[lang][step],
                                      external_id=uuid.uuid4().hex))
    return out


def saturated(handle: Handle, batch: list[InboundMessage]) -> tuple[float, float]:
    started, cpu = time.perf_counter(), time.process_time()
    for message in batch:
        handle(message)
    cpu_ms = (time.process_time() - cpu) * 1000 / len(batch)
    return len(batch) / (time.perf_counter() - started), cpu_ms


def paced(handle: Handle, batch: list[InboundMessage], rate: float) -> list[float]:
    """Latencies (ms) of messages due every 1/rate s, handled one at a time."""
    start, latencies = time.perf_counter(), []
    for index, message in enumerate(batch):
        due = start + index / rate
        time.sleep(max(0.0, due - time.perf_counter()))
        handle(message)
        latencies.append((time.perf_counter() - due) * 1000)
    return sorted(latencies)


def measure(handle: Handle, batch: list[InboundMessage],
            later: list[InboundMessage]) -> Figures:
    rate, cpu_ms = saturated(handle, batch)
    latencies = paced(handle, later, rate / 2)
    return Figures(rate, cpu_ms, latencies[len(latencies) // 2],
                   latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))])


def plain_insert(services) -> Handle:
    plain = Table("bench_plain", MetaData(), Column("id", Integer, primary_key=True),
                  Column("channel", String(16)), Column("address", String(32)),
                  Column("external_id", String(64)), Column("text", Text))
    plain.create(services.database.write_engine)

    def handle(message: InboundMessage) -> None:
        with services.database.write() as db:
            db.execute(insert(plain).values(channel=message.channel, address=message.address,
                                            external_id=message.external_id, text=message.text))

    return handle


_identities, _contacts = Identity.__table__, Contact.__table__
_messages, _sessions = Message.__table__, ConversationSession.__table__
_SENDER = select(_identities.c.id, _identities.c.contact_id).join(
    _contacts, _contacts.c.id == _identities.c.contact_id).where(
    _identities.c.channel == bindparam("channel"),
    _identities.c.address_index == bindparam("index"),
).with_for_update(of=_contacts, key_share=True).limit(1)
_INSERT = insert(_messages).returning(_messages.c.id)
_SESSION = select(*sessions.COLUMNS).where(_sessions.c.contact_id == bindparam("contact"))


def floor(services) -> Handle:
    """Less than the pipeline must do for a message: five statements and three
    encryptions in one transaction, nothing decided."""

    def handle(message: InboundMessage) -> None:
        at = now()
        with services.database.write() as db:
            found = db.execute(_SENDER, {"channel": message.channel,
                                         "index": keyring().blind_index(message.address)}).first()
            if found is None:
                found = identify(db, message.channel, message.address, at)
            identity, contact = found.id, found.contact_id
            row = {"channel": message.channel, "contact_id": contact, "identity_id": identity,
                   "attempts": 0, "created_at": at}
            db.execute(_INSERT, {**row, "direction": Direction.IN, "text": message.text,
                                 "status": Status.HANDLED, "priority": 0,
                                 "external_id": message.external_id})
            db.execute(_SESSION, {"contact": contact}).first()
            sessions.save(db, contact, "registration", {"step": "name", "language": "en"}, at,
                          at + dt.timedelta(hours=1))
            db.execute(_INSERT, {**row, "direction": Direction.OUT, "text": "What is your name?",
                                 "status": Status.QUEUED, "priority": 1, "next_attempt_at": at})

    return handle


def run(backend: str, conversations: int) -> list[tuple[str, Figures]]:
    # A set of people per measurement, so that each sees the same mix of new and known.
    batches = [messages(conversations, n * conversations) for n in range(6)]
    with fresh_services(backend) as services:
        figures = [("baseline", measure(plain_insert(services), batches[0], batches[1])),
                   ("floor", measure(floor(services), batches[2], batches[3])),
                   ("pipeline", measure(services.inbox.receive, batches[4], batches[5]))]
        services.database.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--backend", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--busy", type=int, default=0,
                        help="CPU-bound neighbour processes running throughout")
    args = parser.parse_args()
    rows = []
    with neighbours(args.busy):
        for backend in args.backend:
            figures = run(backend, args.conversations)
            base = figures[0][1]
            for name, f in figures:
                rows.append((backend, name, f"{f.rate:.0f}", f"{f.cpu_ms:.2f}",
                             f"{f.p50:.1f}", f"{f.p99:.1f}"))
            for name, f in figures[1:]:
                rows.append((backend, f"{name} ratio", f"{f.rate / base.rate:.2f}",
                             f"{base.cpu_ms / f.cpu_ms:.2f}", "", ""))
    print(f"inbound pipeline, {args.conversations} registrations of 7 messages, 5 languages,"
          f" {args.busy} CPU-bound neighbour(s)")
    print(table(rows, ("backend", "", "msg/s", "CPU ms/msg", "p50 ms @half", "p99 ms @half")))
    print("aim: pipeline ratio 0.5 or better; p99 under 100 ms at half the saturated rate."
          " The floor's ratio bounds what any pipeline on these statements can reach.")


if __name__ == "__main__":
    main()
