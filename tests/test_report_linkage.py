"""Who filed the anonymous report? The adversary's side.

Thirty registered people write to the bot through the real inbox: menus, help,
feedback, named reports (one urgent), several conversations at a time, message by
message. One of them, meanwhile, files an anonymous urgent report. The adversary
then holds everything a coordinator with an admin token and the server's operator
could: every table decrypted, the order rows sit in the store, the log output at
DEBUG, the audit trail, and /api/v1/messages, reports and contacts; it looks twice,
when the alert reaches the coordinators (they open the dashboard at once) and when
the worker has done its work. Each heuristic names a set of suspects, and wins with
1/len(suspects) if the sender is among them (an empty set: guess among all N).

What no design can hide: the people who were visibly writing while the anonymous
conversation went on were busy with their own, so they are excluded; the best any
heuristic may do is chance among the rest, 1 in (N - those writing then). With
several conversations at a time here that is 1 in 28 of 30. (Were the reporter the
only one not writing, or the only one writing, that would name them: SECURITY.md.)

Each protection is then turned off alone, restoring the behaviour before it, and
the adversary must win: the conversation kept in the log (redacted rows under the
sender's id, counts), the quota counted under the contact, "last seen" left at the
report's time, and the urgent alert sent at once (before the conversation has left
the log, so the coordinator reading the dashboard on the alert sees whose it was).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import random
import re
from collections import Counter

import pytest
from sqlalchemy import select, text, update

from bot.core.clock import now
from bot.pipeline import inbox as inbox_module
from bot.reports import alerts
from bot.reports.ticks import release_alerts, scrub
from bot.store import Base, Identity, Priority, quota
from bot.store.audit import AuditEvent
from tests.builders import running, web_app
from tests.community import ANONYMOUS, NAMED, person
from tests.dashboard_builders import bearer, make_token

N = 30
SEED = 20261129
URGENT_NAMED = NAMED[:7] + ["1", "2"]
URGENT_ANONYMOUS = ANONYMOUS[:7] + ["1", "1"]
CHATTER = (["menu", "0"], ["help"], ["feedback", "2", "The clinic has had no medicine for weeks."],
           ["menu", "5"], ["feedback", "4", "Thank you for the dialogue in our village."])


@dataclasses.dataclass
class Seen:
    tables: dict[str, list[dict]]
    physical_reports: list[str]  # codes in the order the store keeps the rows
    api: dict[str, list[dict]]
    logs: list[str]
    audit: list[dict]


@dataclasses.dataclass
class Truth:
    sender: int
    people: set[int]
    busy: set[int]  # visibly writing while the anonymous conversation went on


# -- the world ---------------------------------------------------------------------

def round_robin(conversations: list[tuple], rng: random.Random | None = None) -> None:
    """Says each conversation's lines in turn, one message each (shuffled if rng)."""
    queues = [(sim, list(lines)) for sim, lines in conversations]
    while queues:
        order = rng.sample(queues, len(queues)) if rng else list(queues)
        for sim, lines in order:
            sim.say(lines.pop(0))
        queues = [(sim, lines) for sim, lines in queues if lines]


def world(services, rng: random.Random) -> Truth:
    people = [person(services, province=rng.choice(["kabul", "herat", "balkh"]))
              for _ in range(N)]
    sender = people[rng.randrange(N)]
    # Everyone has said something before: menus, help, feedback, in any order.
    round_robin([(sim, rng.choice(CHATTER)) for sim in people], rng)
    others = [sim for sim in people if sim is not sender]
    rng.shuffle(others)
    # Then three conversations at a time; the anonymous report is in the second group.
    groups = [
        [(others[0], NAMED), (others[1], CHATTER[2]), (others[2], URGENT_NAMED)],
        [(others[3], NAMED), (sender, URGENT_ANONYMOUS), (others[4], CHATTER[4])],
        [(others[5], NAMED), (others[6], CHATTER[2]), (others[7], NAMED)],
    ]
    for group in groups:
        round_robin(group)
    busy = {sim.contact_id for sim, _ in groups[1] if sim is not sender}
    return Truth(sender.contact_id, {sim.contact_id for sim in people}, busy)


def worker(services, look) -> list[Seen]:
    """Runs the clean-up and alert ticks over fifteen minutes of worker time; the
    adversary looks when an alert is queued, and at the end."""
    seen, start = [], now()
    for step in range(0, 15 * 60, 10):
        at = start + dt.timedelta(seconds=step)
        if step % 20 == 0:
            scrub(services, at)
        if step % 30 == 0 and release_alerts(services, at):
            seen.append(look())
    return [*seen, look()]


# -- what the adversary holds ------------------------------------------------------

def observe(services, client, token: str, caplog) -> Seen:
    tables = {}
    with services.database.read() as db:
        for table in Base.metadata.sorted_tables:
            tables[table.name] = [dict(row) for row in db.execute(select(table)).mappings()]
        position = "rowid" if services.database.dialect == "sqlite" else "ctid"
        physical = list(db.execute(text(f"SELECT code FROM reports ORDER BY {position}"))
                        .scalars())
        audit = [dict(row) for row in db.execute(select(AuditEvent.__table__)).mappings()]
    api = {name: pages(client, token, f"/api/v1/{name}")
           for name in ("messages", "reports", "contacts")}
    logs = [f"{r.created} {r.name} {r.getMessage()}" for r in caplog.records]
    return Seen(tables, physical, api, logs, audit)


def pages(client, token: str, path: str) -> list[dict]:
    items, cursor = [], ""
    while True:
        response = client.get(f"{path}?limit=200&cursor={cursor}", headers=bearer(token))
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        items += body["items"]
        cursor = body["next_cursor"]
        if not cursor:
            return items


# -- the heuristics: each returns the contact ids it suspects ------------------------

def anonymous_codes(seen: Seen) -> set[str]:
    return {r["code"] for r in seen.tables["reports"] if r["anonymous"]}


def named_reports(seen: Seen) -> Counter:
    return Counter(r["contact_id"] for r in seen.tables["reports"] if r["contact_id"])


def people_of(seen: Seen) -> set[int]:
    return {c["id"] for c in seen.tables["contacts"] if c["status"] == "active"}


def redacted_rows(messages: list[dict], seen: Seen) -> set[int]:
    """Every answer to a report is redacted: redacted inbound rows that no named
    report explains are an anonymous report's conversation."""
    redacted = Counter(m["contact_id"] for m in messages
                       if m["direction"] == "in" and m["text"] is None and m["contact_id"])
    named = named_reports(seen)
    return {c for c, count in redacted.items() if count > named[c] * len(NAMED)}


def by_message_log(seen: Seen) -> set[int]:
    return redacted_rows(seen.tables["messages"], seen)


def by_api_messages(seen: Seen) -> set[int]:
    return redacted_rows(seen.api["messages"], seen)


def by_outbox(seen: Seen) -> set[int]:
    """The confirmation: an outbound conversation row wiped, or holding the code."""
    codes = anonymous_codes(seen)
    return {m["contact_id"] for m in seen.tables["messages"]
            if m["direction"] == "out" and m["priority"] == Priority.CONVERSATION
            and m["contact_id"] in people_of(seen)
            and (m["text"] is None or any(code in m["text"] for code in codes))}


def near(seen: Seen, moments: list[dt.datetime], messages: list[dict]) -> set[int]:
    """Who wrote in the seconds before each moment."""
    window = dt.timedelta(seconds=3)
    return {m["contact_id"] for m in messages for moment in moments
            if m["direction"] == "in" and m["contact_id"] in people_of(seen)
            and moment - window <= as_time(m["created_at"]) <= moment}


def as_time(value) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def by_alert_time(seen: Seen) -> set[int]:
    alerts_ = [m for m in seen.tables["messages"] if m["priority"] == Priority.ALERT]
    moments = [as_time(t) for m in alerts_ for t in (m["created_at"], m["sent_at"]) if t]
    return near(seen, moments, seen.tables["messages"])


def by_api_alert_time(seen: Seen) -> set[int]:
    alerts_ = [m for m in seen.api["messages"] if m["contact_id"] not in people_of(seen)]
    moments = [as_time(m["created_at"]) for m in alerts_]
    return near(seen, moments, seen.api["messages"])


def by_quotas(seen: Seen) -> set[int]:
    counted = Counter()
    for row in seen.tables["input_quotas"]:
        if row["kind"] == "report":
            counted[row["contact_id"]] += row["count"]
    named = named_reports(seen)
    return {c for c, count in counted.items() if count > named[c]}


def by_sessions(seen: Seen) -> set[int]:
    named = named_reports(seen)
    return {s["contact_id"] for s in seen.tables["sessions"]
            if s["flow"] == "report" and not named[s["contact_id"]]}


def by_last_seen(seen: Seen) -> set[int]:
    """"Last seen" is the time of a message; one that matches no message in the log
    belongs to a conversation that was removed."""
    times = {(m["contact_id"], as_time(m["created_at"])) for m in seen.tables["messages"]
             if m["direction"] == "in"}
    return {c["id"] for c in seen.tables["contacts"]
            if c["status"] == "active" and c["last_seen_at"] is not None
            and (c["id"], as_time(c["last_seen_at"])) not in times}


def holes(seen: Seen) -> tuple[list[dict], list[tuple[dict, dict]]]:
    rows = sorted(seen.tables["messages"], key=lambda m: m["id"])
    gaps = [(before, after) for before, after in zip(rows, rows[1:], strict=False)
            if after["id"] - before["id"] > 1]
    return rows, gaps


def by_id_neighbours(seen: Seen) -> set[int]:
    """Rows removed leave holes in the ids: who wrote next to them?"""
    _, gaps = holes(seen)
    return {row["contact_id"] for gap in gaps for row in gap
            if row["contact_id"] in people_of(seen)}


def by_silence(seen: Seen) -> set[int]:
    """Everyone not visibly writing while rows were being removed: the best there is."""
    rows, gaps = holes(seen)
    if not gaps:
        return set()
    first, last = as_time(gaps[0][0]["created_at"]), as_time(gaps[-1][1]["created_at"])
    writing = {m["contact_id"] for m in rows if m["direction"] == "in"
               and first < as_time(m["created_at"]) < last}
    return people_of(seen) - writing


def by_report_order(seen: Seen) -> set[int]:
    """The named reports stored next to the anonymous one, and their authors."""
    owner = {r["code"]: r["contact_id"] for r in seen.tables["reports"]}
    suspects = set()
    for code in anonymous_codes(seen):
        at = seen.physical_reports.index(code)
        for neighbour in seen.physical_reports[max(at - 1, 0):at + 2]:
            if owner[neighbour]:
                suspects.add(owner[neighbour])
    return suspects


def by_logs(seen: Seen) -> set[int]:
    codes = anonymous_codes(seen)
    named = [int(n) for line in seen.logs for n in re.findall(r"contact (\d+)", line)]
    coded = [line for line in seen.logs if any(code in line for code in codes)]
    return set(named) | {int(n) for line in coded for n in re.findall(r"\b(\d+)\b", line)}


def by_audit(seen: Seen) -> set[int]:
    codes = anonymous_codes(seen)
    return {int(e["target_id"]) for e in seen.audit
            if e["target_type"] == "contact" and str(e["details"]) != "None"
            and any(code in str(e["details"]) for code in codes)}


def by_api_contacts(seen: Seen) -> set[int]:
    """Anything in the contacts the API returns that dates a person's last activity."""
    return {c["id"] for c in seen.api["contacts"]
            if any(code in str(c) for code in anonymous_codes(seen))}


HEURISTICS = (by_message_log, by_api_messages, by_outbox, by_alert_time, by_api_alert_time,
              by_quotas, by_sessions, by_last_seen, by_id_neighbours, by_silence,
              by_report_order, by_logs, by_audit, by_api_contacts)


def chances(seen: Seen, truth: Truth) -> dict[str, float]:
    """Each heuristic's chance of naming the sender."""
    found = {}
    for heuristic in HEURISTICS:
        suspects = heuristic(seen) & truth.people
        if not suspects:
            found[heuristic.__name__] = 1 / len(truth.people)
        else:
            found[heuristic.__name__] = (1 / len(suspects)) if truth.sender in suspects else 0.0
    return found


# -- the protections, and how to turn each off --------------------------------------

def keep_conversation(monkeypatch):
    monkeypatch.setattr(inbox_module, "forget_conversation", lambda *args: 0)


def count_under_contact(monkeypatch):
    take = quota.take
    monkeypatch.setattr(quota, "take",
                        lambda *args, anonymous=False: take(*args, anonymous=False))


def keep_last_seen(monkeypatch):
    def seen_now(db, contact, identity, since):
        contact.last_seen_at = now()
        db.execute(update(Identity).where(Identity.id == identity.id)
                   .values(last_seen_at=contact.last_seen_at))
    monkeypatch.setattr(inbox_module, "restore_last_seen", seen_now)


def alert_at_once(monkeypatch):
    monkeypatch.setattr(alerts, "delay", lambda _settings: dt.timedelta(0))


OFF = {"conversation kept": (keep_conversation, {"by_message_log", "by_api_messages"}),
       "quota by contact": (count_under_contact, {"by_quotas"}),
       "last seen kept": (keep_last_seen, {"by_last_seen"}),
       "alert at once": (alert_at_once, {"by_message_log", "by_api_messages",
                                          "by_alert_time"})}


def play(settings, caplog, monkeypatch) -> tuple[list[Seen], Truth]:
    caplog.set_level(logging.DEBUG)
    # Real people's messages are minutes apart: "last seen" moves with each of them.
    monkeypatch.setattr(inbox_module, "SEEN_PRECISION", dt.timedelta(0))
    with running(settings.with_overrides(alert_sms=("+93799000111",),
                                         alert_telegram_chats=("-100123",))) as services:
        token = make_token(services, "admin")
        client = web_app(services).test_client()
        truth = world(services, random.Random(SEED))
        seen = worker(services, lambda: observe(services, client, token, caplog))
    return seen, truth


def test_the_adversary_does_no_better_than_chance(settings, caplog, monkeypatch):
    seen, truth = play(settings, caplog, monkeypatch)
    assert len(seen) == 2  # when the anonymous report's alert is queued, and at the end
    chance = 1 / (len(truth.people) - len(truth.busy))
    # One scenario is one draw: a heuristic that narrows to a chance subset which happens
    # to hold the sender scores above `chance` without knowing anything (seen at 1 in 18
    # once in a PostgreSQL run). Twice chance is the line; with a protection turned off
    # the adversary names the sender outright (the next test).
    for look in seen:
        odds = chances(look, truth)
        assert max(odds.values()) <= 2 * chance, odds
    assert chances(seen[-1], truth)["by_silence"] == chance  # the residue, named


@pytest.mark.parametrize("protection", sorted(OFF))
def test_without_each_protection_the_adversary_names_the_sender(protection, settings,
                                                              caplog, monkeypatch):
    turn_off, winning = OFF[protection]
    turn_off(monkeypatch)
    seen, truth = play(settings, caplog, monkeypatch)
    bound = 1 / (len(truth.people) - len(truth.busy))
    best = {}
    for look in seen:
        for name, odds in chances(look, truth).items():
            best[name] = max(best.get(name, 0), odds)
    won = {name for name, odds in best.items() if odds > bound}
    assert won & winning, best
