"""Inbound pipeline throughput: registration conversations in five languages.

For each backend, pushes N inbound messages through the real pipeline (record,
dedupe, lock the contact, run the engine, write the replies to the outbox) and, in
the same run on the same database engine, a baseline of one plain INSERT per
message in its own transaction. Prints messages/s for both and their ratio.

    .venv/bin/python -m bench.inbound [--conversations 200] [--backend sqlite postgresql]
"""

from __future__ import annotations

import argparse
import time
import uuid

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, insert

from bench.common import fresh_services, table
from bot.channels.base import InboundMessage

SCRIPTS = {
    "en": ["hello", "1", "1", "Amina", "14", "Dand", "2"],
    "fa": ["سلام", "2", "۱", "زرغونه", "۱۴", "ده‌سبز", "۲"],
    "ps": ["سلام", "3", "۱", "ملالۍ", "۱۴", "ډنډ", "۲"],
    "ar": ["مرحبا", "4", "١", "فاطمة", "١٤", "المعلا", "٢"],
    "fr": ["bonjour", "5", "1", "Amina", "14", "Dand", "2"],
}


def messages(conversations: int) -> list[InboundMessage]:
    """Conversations interleaved, as they arrive from many people at once."""
    people = [(f"+9379{i:07d}", list(SCRIPTS)[i % 5]) for i in range(conversations)]
    out = []
    for step in range(7):
        for address, lang in people:
            out.append(InboundMessage("sim", address, SCRIPTS[lang][step],
                                      external_id=uuid.uuid4().hex))
    return out


def pipeline(services, batch: list[InboundMessage]) -> float:
    started = time.perf_counter()
    for message in batch:
        services.inbox.receive(message)
    return len(batch) / (time.perf_counter() - started)


def baseline(services, batch: list[InboundMessage]) -> float:
    plain = Table("bench_plain", MetaData(), Column("id", Integer, primary_key=True),
                  Column("channel", String(16)), Column("address", String(32)),
                  Column("external_id", String(64)), Column("text", Text))
    plain.create(services.database.write_engine)
    started = time.perf_counter()
    for message in batch:
        with services.database.write() as db:
            db.execute(insert(plain).values(channel=message.channel, address=message.address,
                                            external_id=message.external_id, text=message.text))
    return len(batch) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--backend", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args()
    batch = messages(args.conversations)
    rows = []
    for backend in args.backend:
        with fresh_services(backend) as services:
            base = baseline(services, batch)
            piped = pipeline(services, batch)
            services.database.dispose()
        rows.append((backend, len(batch), f"{base:.0f}", f"{piped:.0f}", f"{piped / base:.2f}"))
    print(f"inbound pipeline, {args.conversations} registrations of 7 messages, 5 languages")
    print(table(rows, ("backend", "messages", "baseline msg/s", "pipeline msg/s", "ratio")))
    print("aim: ratio 0.5 or better")


if __name__ == "__main__":
    main()
