"""Fan-out of a broadcast to 10,000 and 100,000 contacts, beside a bare INSERT ... SELECT.

For each backend it makes a fresh database (an SQLite file in a temporary directory,
or a PostgreSQL database it creates and drops), fills it with N registered contacts
(one identity each, half SMS and half Telegram, five languages, one in ten stopped),
then times, in the same run:

  bare    one INSERT ... SELECT of the same rows (each language's ciphertext and
          segments by a CASE), written by hand for this data set, where every contact
          has one identity: no identity choice, no chunks, no conflict handling
  fanout  bot.broadcasts.fanout.fan_out: chunked, idempotent, per-language ciphertext

and reports the ratio (aim: within 2x) and the peak Python memory of each (tracemalloc;
aim: flat from 10k to 100k, since no row passes through Python).

    .venv/bin/python bench/fanout.py [--sizes 10000 100000] [--backends sqlite postgresql]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path

import psycopg
from cryptography.fernet import Fernet
from sqlalchemy import bindparam, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.broadcasts import compose
from bot.broadcasts.fanout import CHUNK, fan_out, start_run
from bot.core.clock import now
from bot.core.config import Settings
from bot.core.crypto import keyring
from bot.services import Services
from bot.store.base import UTCDateTime
from bot.text import segments

PG_SERVER = os.environ.get("MASHWARA_TEST_PG", "postgresql://root@127.0.0.1:5432/postgres")
TEXTS = {
    "en": "The shura meets on Monday at 10:00 in the district office.",
    "fa": "جلسه شورا روز دوشنبه ساعت ۱۰ در دفتر ولسوالی برگزار می‌شود.",
    "ps": "د شورا غونډه د دوشنبې په ورځ د ولسوالۍ په دفتر کې ده.",
    "ar": "يجتمع المجلس يوم الاثنين الساعة العاشرة في مكتب المديرية.",
    "fr": "La choura se réunit lundi à 10 h au bureau du district.",
}
CHANNELS = ("sms", "telegram")

SEED_CONTACTS = """
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count)
INSERT INTO contacts (id, status, language, province, role, created_at, stopped_at)
SELECT i, 'active',
       CASE i % 5 WHEN 0 THEN 'en' WHEN 1 THEN 'fa' WHEN 2 THEN 'ps' WHEN 3 THEN 'ar'
                  ELSE 'fr' END,
       'kabul', 'member', :now, CASE WHEN i % 10 = 0 THEN :now END
FROM n
"""
SEED_IDENTITIES = """
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count)
INSERT INTO identities (contact_id, channel, address, address_index, created_at, last_seen_at)
SELECT i, CASE WHEN i % 2 = 0 THEN 'sms' ELSE 'telegram' END, :address, 'bench-' || i,
       :now, :now
FROM n
"""
BARE = """
INSERT INTO messages (direction, channel, contact_id, identity_id, text, language, status,
                      priority, attempts, next_attempt_at, segments, created_at,
                      broadcast_run_id)
SELECT 'out', i.channel, c.id, i.id,
       CASE c.language WHEN 'fa' THEN :fa WHEN 'ps' THEN :ps WHEN 'ar' THEN :ar
                       WHEN 'fr' THEN :fr ELSE :en END,
       c.language, 'queued', 10, 0, :now,
       CASE WHEN i.channel = 'sms' THEN CASE c.language WHEN 'fa' THEN :fa_segments
            WHEN 'ps' THEN :ps_segments WHEN 'ar' THEN :ar_segments
            WHEN 'fr' THEN :fr_segments ELSE :en_segments END END,
       :now, :run
FROM identities i JOIN contacts c ON c.id = i.contact_id
WHERE c.status = 'active' AND c.stopped_at IS NULL AND i.stopped_at IS NULL
"""


def _bind(sql: str):
    return text(sql).bindparams(bindparam("now", type_=UTCDateTime()))


class Bench:
    def __init__(self, url: str, chunk: int = CHUNK):
        self.chunk = chunk
        self.services = Services(Settings(database_url=url, default_language="en",
                                          encryption_keys=(Fernet.generate_key().decode(),)))
        self.services.upgrade()
        self.database = self.services.database

    def seed(self, count: int) -> None:
        address = keyring().encrypt("+93700000000")
        with self.database.write() as db:
            db.execute(_bind(SEED_CONTACTS), {"count": count, "now": now()})
            db.execute(_bind(SEED_IDENTITIES), {"count": count, "now": now(),
                                                "address": address})

    def clear_outbox(self) -> None:
        with self.database.write() as db:
            db.execute(text("DELETE FROM messages"))
            db.execute(text("DELETE FROM broadcast_runs"))
            db.execute(text("DELETE FROM broadcasts"))

    def bare(self, run_id: int) -> int:
        values = {lang: keyring().encrypt(text) for lang, text in TEXTS.items()}
        values |= {f"{lang}_segments": segments.count(text).segments
                   for lang, text in TEXTS.items()}
        with self.database.write() as db:
            db.execute(_bind(BARE), {**values, "now": now(), "run": run_id})
            return db.execute(text("SELECT count(*) FROM messages")).scalar()

    def fanout(self, run_id: int) -> int:
        return fan_out(self.database, run_id, default_language="en", channels=CHANNELS,
                       now=now, chunk=self.chunk)

    def new_run(self) -> int:
        """A broadcast to everyone and its run: set up outside the timing, for both."""
        self.clear_outbox()
        draft = compose.Draft(name="bench", texts=TEXTS, audience={}, timezone="Asia/Kabul",
                              stop_hint=False)
        with self.database.write() as db:
            broadcast = compose.store(db, draft, now=now())
            return start_run(db, broadcast, broadcast.next_fire_at, now()).id

    def timed(self, step) -> tuple[float, int]:
        run_id = self.new_run()
        started = time.perf_counter()
        rows = step(run_id)
        return time.perf_counter() - started, rows

    def peak(self, step) -> int:
        run_id = self.new_run()
        tracemalloc.start()
        step(run_id)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return peak

    def compare(self, repeat: int) -> dict:
        """Best of `repeat` for each, taken in turns so that a busy moment on the
        machine does not land on one side only; then one run of each for memory."""
        bare, fanout = [], []
        for _ in range(repeat):
            bare.append(self.timed(self.bare))
            fanout.append(self.timed(self.fanout))
        (bare_s, bare_rows), (fan_s, fan_rows) = min(bare), min(fanout)
        assert bare_rows == fan_rows, (bare_rows, fan_rows)
        return {"rows": fan_rows, "bare": bare_s, "fanout": fan_s,
                "bare_peak": self.peak(self.bare), "fan_peak": self.peak(self.fanout)}


def sqlite_url(directory: str, count: int) -> str:
    return f"sqlite:///{directory}/bench-{count}.db"


class PostgresDatabase:
    def __enter__(self) -> str:
        self.name = f"mashwara_bench_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(PG_SERVER, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{self.name}"')
        base = PG_SERVER.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
        return f"{base}/{self.name}"

    def __exit__(self, *_exc) -> None:
        with psycopg.connect(PG_SERVER, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def run_one(url: str, count: int, repeat: int, chunk: int) -> dict:
    bench = Bench(url, chunk)
    try:
        bench.seed(count)
        if bench.database.is_postgres:
            with bench.database.write() as db:
                db.execute(text("ANALYZE"))
        return bench.compare(repeat)
    finally:
        bench.database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"],
                        choices=["sqlite", "postgresql"])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs; the best counts")
    parser.add_argument("--chunk", type=int, default=CHUNK, help="contacts per transaction")
    args = parser.parse_args()
    print(f"{'backend':<11}{'contacts':>9}{'rows':>8}{'bare s':>9}{'fanout s':>10}"
          f"{'ratio':>7}{'bare KiB':>10}{'fanout KiB':>12}")
    for backend in args.backends:
        peaks = {}
        for count in args.sizes:
            if backend == "sqlite":
                with tempfile.TemporaryDirectory() as directory:
                    result = run_one(sqlite_url(directory, count), count, args.repeat,
                                     args.chunk)
            else:
                with PostgresDatabase() as url:
                    result = run_one(url, count, args.repeat, args.chunk)
            peaks[count] = result["fan_peak"]
            print(f"{backend:<11}{count:>9}{result['rows']:>8}{result['bare']:>9.3f}"
                  f"{result['fanout']:>10.3f}{result['fanout'] / result['bare']:>7.2f}"
                  f"{result['bare_peak'] / 1024:>10.0f}{result['fan_peak'] / 1024:>12.0f}",
                  flush=True)
        low, high = min(peaks), max(peaks)
        print(f"{backend}: fan-out peak memory at {high} / at {low} contacts:"
              f" {peaks[high] / peaks[low]:.2f}x (flat is 1.0)")


if __name__ == "__main__":
    main()
