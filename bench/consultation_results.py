"""The results page's queries for a consultation with N responses, beside a bare GROUP BY
of the same rows, on SQLite and PostgreSQL in the same run.

Each response answers four questions (a choice, a yes/no, a number, a free text), so N
responses are 4N answer rows; responses spread over 34 provinces, 4 roles, 5 languages
and 2 channels; a response's answers are stored together and carry its province, role,
language and channel, as the service writes them. Timed, best of five rounds, the three
taken in turns:

  bare     SELECT question, option, count(*) ... GROUP BY question, option
  results  bot.consultations.results.results (counts, number summary, the free texts
           decrypted, breakdowns by province, role, language and channel, suppression):
           the answers counted in one grouped pass, the breakdowns in two (responses,
           and options chosen, per province, role, language and channel together, the
           latter from the answers alone)
  counts   the same without breakdowns and texts: what the API's figures need

    .venv/bin/python bench/consultation_results.py               # 10,000 responses
    .venv/bin/python bench/consultation_results.py --full        # 100,000
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import fresh_services, table
from bot.consultations import results, service, spec
from bot.core.clock import now
from bot.core.crypto import keyring
from bot.store import Consultation

DEFINITION = {
    "name": "bench", "title": "Water", "closes": "2099-01-01 00:00",
    "questions": [
        {"key": "source", "kind": "choice", "text": "Source?", "options": [
            {"key": k, "text": k} for k in ("well", "river", "tap", "truck")]},
        {"key": "enough", "kind": "yesno", "text": "Enough?"},
        {"key": "days", "kind": "number", "text": "Days?", "min": 1, "max": 30},
        {"key": "idea", "kind": "text", "text": "Idea?"},
    ],
}
RESPONSES = """
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count)
INSERT INTO consultation_responses (id, consultation_id, province, role, language, channel,
                                    answered_on)
SELECT 'r' || i, :cid, 'p' || (i % 34), CASE i % 4 WHEN 0 THEN 'member' WHEN 1 THEN 'teacher'
       WHEN 2 THEN 'elder' ELSE 'youth' END,
       CASE i % 5 WHEN 0 THEN 'en' WHEN 1 THEN 'fa' WHEN 2 THEN 'ps' WHEN 3 THEN 'ar'
       ELSE 'fr' END, CASE WHEN i % 2 = 0 THEN 'sms' ELSE 'telegram' END, CURRENT_DATE
FROM n
"""
ANSWERS = """
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count)
INSERT INTO consultation_answers (response_id, question, consultation_id, option, number, text)
SELECT 'r' || i, 'source', :cid, CASE i % 4 WHEN 0 THEN 'well' WHEN 1 THEN 'river'
       WHEN 2 THEN 'tap' ELSE 'truck' END, CAST(NULL AS INTEGER), CAST(NULL AS TEXT) FROM n
UNION ALL SELECT 'r' || i, 'enough', :cid, CASE WHEN i % 3 = 0 THEN 'no' ELSE 'yes' END,
       NULL, NULL FROM n
UNION ALL SELECT 'r' || i, 'days', :cid, NULL, 1 + i % 30, NULL FROM n
UNION ALL SELECT 'r' || i, 'idea', :cid, NULL, NULL, :idea FROM n
ORDER BY 1
"""
# Each answer carries its response's province, role, language and channel, as
# service.record writes them.
COPIED = """
UPDATE consultation_answers SET province = r.province, role = r.role, language = r.language,
       channel = r.channel
FROM consultation_responses r WHERE r.id = consultation_answers.response_id
"""
BARE = """
SELECT question, option, count(*) FROM consultation_answers WHERE consultation_id = :cid
GROUP BY question, option
"""


def seed(services, count: int) -> int:
    draft = spec.parse(DEFINITION, default_language="en")
    with services.database.write() as db:
        cid = service.create(db, draft, by="bench", now=now()).id
        db.execute(text(RESPONSES), {"count": count, "cid": cid})
        db.execute(text(ANSWERS), {"count": count, "cid": cid,
                                   "idea": keyring().encrypt("A deeper well")})
        db.execute(text(COPIED))
    if services.database.dialect == "postgresql":
        # As autovacuum leaves a table after many inserts (PostgreSQL 13 and later
        # vacuum on inserts too): statistics, and the visibility map index-only scans need.
        engine = services.database.write_engine.execution_options(isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("VACUUM ANALYZE"))
    return cid


def timed(services, steps: dict, rounds: int = 5) -> dict[str, float]:
    """Each step's best time, the steps taken in turns each round, so that a burst of
    load on a shared machine weighs on all of them alike."""
    best = dict.fromkeys(steps, float("inf"))
    for _ in range(rounds):
        for name, step in steps.items():
            with services.database.read() as db:
                started = time.perf_counter()
                step(db)
                best[name] = min(best[name], time.perf_counter() - started)
    return best


def measure(backend: str, count: int) -> tuple:
    with fresh_services(backend) as services:
        cid = seed(services, count)

        def bare(db):
            return db.execute(text(BARE), {"cid": cid}).all()

        def full(db):
            return results.results(db, db.get(Consultation, cid), below=5)

        def counts(db):
            return results.results(db, db.get(Consultation, cid), below=5,
                                   with_breakdowns=False)

        got = timed(services, {"bare": bare, "results": full, "counts": counts})
        services.database.dispose()
    return (backend, f"{count:,}", f"{got['bare'] * 1000:.1f}", f"{got['results'] * 1000:.1f}",
            f"{got['results'] / got['bare']:.1f}x", f"{got['counts'] / got['bare']:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="100,000 responses")
    parser.add_argument("--responses", type=int, default=None)
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    options = parser.parse_args()
    count = options.responses or (100_000 if options.full else 10_000)
    rows = [measure(backend, count) for backend in options.backends]
    print(table(rows, ("backend", "responses", "bare ms", "results ms", "results/bare",
                       "counts/bare")))


if __name__ == "__main__":
    main()
