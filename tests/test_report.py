"""The concern report flow: answers, dates, places, bad input, cancelling, flooding."""

import datetime as dt
import re

import pytest
import time_machine
from sqlalchemy import func, select, text

from bot.services import Services
from bot.store import ConversationSession, InputQuota
from tests.builders import chat, inbound
from tests.community import NAMED, person, reports, say_all

CODE = re.compile(r"R-[2-9A-HJ-NP-Z]{4}")


def test_a_named_report_keeps_every_answer(services):
    sim = person(services)
    replies = say_all(sim, NAMED)
    code = CODE.search(replies[0]).group()
    assert "Send STATUS " + code in replies[0]
    (report,) = reports(services)
    assert (report.code, report.category, report.occurred, report.province, report.district,
            report.description, report.urgent, report.anonymous, report.status) == (
        code, "rights", "today", "kabul", "Dand", "They beat my brother at the checkpoint.",
        False, False, "new")
    assert report.contact_id == sim.contact_id and report.created_at is not None
    assert report.occurred_on is not None


def test_report_text_is_encrypted_at_rest(services):
    say_all(person(services), NAMED)
    with services.database.read() as db:
        stored = db.execute(text("SELECT description, district FROM reports")).one()
    assert "checkpoint" not in stored[0] and stored[0].startswith("gAAAA")
    assert stored[1] != "Dand"


def test_a_1600_character_description_is_kept_whole(services):
    long_text = ("ظلم " * 400).strip()
    assert len(long_text) == 1599
    say_all(person(services, lang="fa"), NAMED[:6] + [long_text + "."] + ["2", "2"])
    assert reports(services)[0].description == long_text + "."


def test_a_telegram_location_stands_for_province_and_district(services):
    sim = person(services)
    say_all(sim, NAMED[:3])
    services.inbox.receive(inbound("", address=sim.address, attachments=(
        {"type": "location", "latitude": 34.5553, "longitude": 69.2075},)))
    replies = sim.replies()
    assert replies[-1] == "What happened? Write as much as you need."
    say_all(sim, ["Shots at night.", "1", "2"])
    (report,) = reports(services)
    assert (report.province, report.district, report.location) == (None, None,
                                                                    "34.55530,69.20750")


@time_machine.travel(dt.datetime(2026, 11, 23, 8, tzinfo=dt.UTC), tick=False)
@pytest.mark.parametrize(("typed", "lang", "expected"), [
    ("15/11/2026", "en", dt.date(2026, 11, 15)),
    ("۱۴۰۵/۹/۱", "fa", dt.date(2026, 11, 22)),
    ("٢٠-١١-٢٠٢٦", "ar", dt.date(2026, 11, 20)),
    ("3 juillet 2025", "fr", dt.date(2025, 7, 3)),
])
def test_a_typed_date_is_understood(services, typed, lang, expected):
    say_all(person(services, lang=lang), NAMED[:2] + [typed] + NAMED[3:])
    (report,) = reports(services)
    assert (report.occurred, report.occurred_on) == ("date", expected)


@time_machine.travel(dt.datetime(2026, 11, 23, 8, tzinfo=dt.UTC), tick=False)
@pytest.mark.parametrize("typed", ["24/11/2026", "1/1/2031", "banana", "31/02/2026", "7"])
def test_a_future_or_impossible_date_is_asked_again(services, typed):
    sim = person(services)
    reply = say_all(sim, NAMED[:2] + [typed])[0]
    assert reply.startswith("Please reply 1, 2 or 3, or a past date")
    assert "When did it happen?" in reply
    assert sim.say("2")[0].startswith("In which province?")


def test_an_out_of_range_answer_is_asked_again_and_three_end_with_help(services):
    sim = person(services)
    first = say_all(sim, ["report", "9"])[0]
    assert first.startswith("Please reply with a number from 1 to 8.")
    assert "1. Human-rights violation" in first
    sim.say("twelve")
    assert sim.say("99")[0].startswith("Sorry, we did not understand each other.")
    assert reports(services) == []


@pytest.mark.parametrize("step", range(1, len(NAMED)))
def test_cancel_at_any_step_keeps_nothing(services, step):
    sim = person(services)
    say_all(sim, NAMED[:step])
    assert sim.say("0")[0].startswith("Cancelled.")
    assert reports(services) == []
    with services.database.read() as db:
        assert db.scalar(select(func.count()).select_from(ConversationSession)) == 0


def test_someone_unregistered_is_registered_before_reporting(services):
    sim = chat(services)
    assert sim.say("report")[0].startswith("Welcome to Mashwara. Choose your language")


@pytest.fixture
def strict(settings):
    # The spine's per-minute limit would slow this burst first; the hourly quota is tested.
    built = Services(settings.with_overrides(reports_per_hour=3, inbound_per_minute=1000))
    yield built
    built.database.dispose()


def test_flooding_is_slowed_down_and_nothing_more_is_stored(strict):
    sim = person(strict)
    for _ in range(3):
        assert CODE.search(say_all(sim, NAMED)[0])
    assert sim.say("report")[0].startswith("You have sent several reports in the last hour")
    for _ in range(30):
        sim.say("report")
    assert len(reports(strict)) == 3
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=61)):
        assert CODE.search(say_all(sim, NAMED)[0])
    assert len(reports(strict)) == 4
    with strict.database.read() as db:
        assert db.scalar(select(InputQuota.count)) == 1


def test_flood_counts_are_purged_once_their_hour_is_over(strict):
    from bot.core.ticks import TICKS

    say_all(person(strict), NAMED)
    assert TICKS["purge-quotas"].run(strict) == 0
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=61)
    assert TICKS["purge-quotas"].run(strict, later) == 1
    with strict.database.read() as db:
        assert db.scalar(select(func.count()).select_from(InputQuota)) == 0


def test_telegram_users_are_offered_a_location_and_sms_users_are_not(services):
    from bot.store import Direction, Message
    from tests.builders import make_contact

    _, identity_id, address = make_contact(services, channel="telegram", address="5550001")
    for typed in ("/report", "1", "1"):
        services.inbox.receive(inbound(typed, channel="telegram", address=address))
    with services.database.read() as db:
        asked = db.scalars(select(Message.text).where(
            Message.identity_id == identity_id, Message.direction == Direction.OUT)
            .order_by(Message.id.desc())).first()
    assert asked.startswith("In which province?") and asked.endswith("Or share a location.")
    sms = person(services)
    assert "location" not in say_all(sms, NAMED[:3])[0]
