"""The coordinator's commands: groups, meetings, attendance, outcome and the export."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine

from bot.store import Response
from tests.builders import chat, make_contact
from tests.meeting_builders import invitation, run_cli

NOW = dt.datetime(2026, 11, 28, 8, 0, tzinfo=dt.UTC)
CREATE = ("meetings", "create", "--title", "Dand shura", "--title", "fa:شورای دند",
          "--start", "2026-12-01 10:00", "--tz", "Asia/Kabul", "--place", "District office")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as clock:
        yield clock


def ok(result):
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize(("start", "zone", "message"), [
    ("2026-11-28 10:00", "Asia/Kabul", "that time is in the past"),
    ("2026-12-01 10:00", "Asia/Kabool", "unknown time zone 'Asia/Kabool'"),
    ("first of December", "Asia/Kabul", "use a local date and time"),
])
def test_create_refuses_bad_meetings_clearly(settings, start, zone, message):
    result = run_cli(settings, "meetings", "create", "--title", "x", "--start", start,
                     "--tz", zone)
    assert result.exit_code != 0 and message in result.output


def test_inviting_nobody_is_refused(settings):
    ok(run_cli(settings, *CREATE))
    result = run_cli(settings, "meetings", "invite", "1")
    assert result.exit_code == 1 and "nobody left to invite" in result.output


def test_a_meeting_run_from_the_command_line(services, settings, frozen):
    dari_id, _, dari_phone = make_contact(services, lang="fa", channel="sms", name="زرغونه")
    english_id, _, address = make_contact(services, lang="en")
    english = chat(services, address=address)
    ok(run_cli(settings, "groups", "create", "Dand shura"))
    assert "2 added" in ok(run_cli(settings, "groups", "add", "Dand shura", dari_phone,
                                   str(english_id)))
    assert "Dand shura  (2 members)" in ok(run_cli(settings, "groups", "list"))
    created = ok(run_cli(settings, *CREATE, "--group", "Dand shura", "--quorum", "2",
                         "--organiser", str(english_id)))
    assert "Meeting 1 created; check-in code" in created
    assert "2 invitations queued." in created
    english.say("1")
    assert "yes 1 / maybe 0 / no 0 / none 1" in ok(run_cli(settings, "meetings", "list"))
    shown = ok(run_cli(settings, "meetings", "show", "1"))
    assert "2026-12-01 10:00 Asia/Kabul" in shown and "quorum 2" in shown
    assert dari_phone not in shown and "زرغونه" in shown

    changed = ok(run_cli(settings, "meetings", "change", "1", "--place", "School hall"))
    assert "2 change notices queued." in changed
    assert invitation(services, 1, english_id).reconfirm

    frozen.move_to(dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC))
    ok(run_cli(settings, "meetings", "attend", "1", dari_phone))
    assert "1 outcome messages queued." in ok(run_cli(
        settings, "meetings", "outcome", "1", "--text", "Done.", "--text", "fa:انجام شد."))
    assert invitation(services, 1, dari_id).attended

    result = run_cli(settings, "export", "rsvps")
    exported = result.stdout
    assert result.exit_code == 0 and "2 rsvps rows exported." in result.stderr
    rows = list(csv.DictReader(io.StringIO(exported.lstrip("\ufeff"))))
    assert [(r["contact_id"], r["response"], r["attended"]) for r in rows[:2]] == [
        (str(dari_id), Response.NONE, "yes"), (str(english_id), Response.YES, "no")]
    assert dari_phone not in exported


def test_a_new_title_from_the_command_line_tells_nobody_and_a_new_time_tells_it(
        services, settings):
    contact_id, _, address = make_contact(services, lang="fa")
    person = chat(services, lang="fa", address=address)
    ok(run_cli(settings, *CREATE, "--contact", str(contact_id)))
    person.replies()
    said = ok(run_cli(settings, "meetings", "change", "1", "--title", "Dand district shura",
                      "--title", "fa:شورای ولسوالی دند", "--place", "District office"))
    assert "nobody is told" in said and person.replies() == []
    assert "1 change notices queued." in ok(run_cli(settings, "meetings", "change", "1",
                                                    "--start", "2026-12-01 11:00"))
    assert "شورای ولسوالی دند" in person.replies()[0]


def test_cancel_asks_first_and_then_tells_invitees(services, settings):
    contact_id, _, address = make_contact(services)
    person = chat(services, address=address)
    ok(run_cli(settings, *CREATE, "--contact", str(contact_id)))
    person.replies()
    assert run_cli(settings, "meetings", "cancel", "1", input="n\n").exit_code == 1
    assert "1 cancellation notices queued." in ok(run_cli(settings, "meetings", "cancel", "1",
                                                          "--yes"))
    assert person.replies()[0].startswith("Cancelled: Dand shura")
    result = run_cli(settings, "meetings", "change", "1", "--place", "Elsewhere")
    assert result.exit_code == 1 and "meeting 1 is cancelled" in result.output
