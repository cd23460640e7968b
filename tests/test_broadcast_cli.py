import csv
import io

import pytest
from click.testing import CliRunner

from bot.cli.main import main
from bot.store import Group, GroupMember
from tests.broadcasting import at
from tests.builders import make_contact


@pytest.fixture
def cli(settings, time_machine):
    time_machine.move_to(at("2026-11-23 06:00"), tick=False)
    env = {"MASHWARA_DATABASE_URL": settings.database_url,
           "MASHWARA_ENCRYPTION_KEY": settings.encryption_keys[0],
           "MASHWARA_INSTANCE_DIR": str(settings.instance_dir),
           "MASHWARA_BROADCAST_CONFIRM_ABOVE": "2"}

    def run(*args, stdin=None):
        return CliRunner().invoke(main, list(args), env=env, input=stdin,
                                  catch_exceptions=False)

    return run


CREATE = ("broadcasts", "create", "--name", "Shura meeting", "--text", "en",
          "Shura meeting Monday 10:00.", "--text", "fa", "جلسه شورا روز دوشنبه ساعت ۱۰.")


def test_create_previews_and_sends_now(services, cli):
    make_contact(services, lang="fa")
    make_contact(services, lang="en")
    result = cli(*CREATE)
    assert result.exit_code == 0, result.output
    assert "[fa]" in result.output and "UCS-2" in result.output
    assert "Audience: 2 recipient(s)" in result.output and "sim: 2 recipient(s)" in result.output
    assert "Broadcast 1 scheduled" in result.output
    while services.dispatcher.run_once():
        pass
    shown = cli("broadcasts", "show", "1")
    assert "sent 2" in shown.output and "Shura meeting" in shown.output
    assert "Shura meeting" in cli("broadcasts", "list").output


def test_a_large_audience_needs_confirmation(services, cli):
    for _ in range(3):
        make_contact(services)
    refused = cli(*CREATE, stdin="n\n")
    assert refused.exit_code == 1 and "Send to 3 people?" in refused.output
    assert "No broadcasts yet" in cli("broadcasts", "list").output
    assert cli(*CREATE, "--yes").exit_code == 0


def test_bad_input_stores_nothing(services, cli):
    make_contact(services)
    result = cli("broadcasts", "create", "--name", "x", "--text", "fa", "سلام", "--at",
                 "2026-11-01 09:00")
    assert result.exit_code == 1
    assert "no text for the default language" in result.output
    assert "in the past" in result.output
    assert "No broadcasts yet" in cli("broadcasts", "list").output


def test_scheduled_weekly_in_local_time_with_group(services, cli):
    contact_id, _, _ = make_contact(services)
    make_contact(services)
    with services.database.write() as db:
        group = Group(name="shura-kabul")
        db.add(group)
        db.flush()
        db.add(GroupMember(group_id=group.id, contact_id=contact_id))
    result = cli(*CREATE, "--group", "shura-kabul", "--at", "2026-11-23 14:00",
                 "--repeat", "weekly", "--on", "mon,thu", "--until", "2026-12-31")
    assert result.exit_code == 0, result.output
    assert "Audience: 1 recipient(s)" in result.output
    assert "scheduled for 2026-11-23 14:00 +0430" in result.output
    assert "run" not in cli("broadcasts", "show", "1").output


def test_pause_resume_cancel_and_report(services, cli):
    make_contact(services)
    assert cli(*CREATE, "--at", "2026-11-24 09:00").exit_code == 0
    assert "paused" in cli("broadcasts", "pause", "1").output
    assert "is paused, not" not in cli("broadcasts", "resume", "1").output
    assert cli("broadcasts", "cancel", "1", "--yes").exit_code == 0
    again = cli("broadcasts", "pause", "1")
    assert again.exit_code == 1 and "cancelled" in again.output
    report = cli("broadcasts", "report", "1")
    rows = list(csv.reader(io.StringIO(report.stdout.lstrip("\ufeff"))))
    assert rows[0][:3] == ["run", "message", "contact"] and len(rows) == 1


def test_test_send_goes_to_one_number_marked_as_a_test(services, cli):
    make_contact(services)
    assert cli(*CREATE, "--at", "2026-11-24 09:00").exit_code == 0
    result = cli("broadcasts", "test", "1", "--to", "+93700999999", "--channel", "sim",
                 "--lang", "fa")
    assert result.exit_code == 0, result.output
    assert ": sent" in result.output
    from sqlalchemy import select

    from bot.store import Message

    with services.database.read() as db:
        (row,) = db.scalars(select(Message)).all()
    assert row.text.startswith("آزمایشی: جلسه شورا") and row.broadcast_run_id is None


def test_unknown_broadcast_and_group_are_named(services, cli):
    assert "no broadcast 9" in cli("broadcasts", "show", "9").output.lower()
    result = cli(*CREATE, "--group", "nobody")
    assert result.exit_code == 2 and "no group named nobody" in result.output


def test_export_broadcasts_has_counts_and_no_personal_data(services, cli):
    make_contact(services, address="+93701234567", name="Zarghuna")
    assert cli(*CREATE).exit_code == 0
    while services.dispatcher.run_once():
        pass
    result = cli("export", "broadcasts")
    rows = list(csv.reader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    assert rows[0][:3] == ["broadcast", "name", "run"]
    assert rows[1][1] == "Shura meeting" and rows[1][7] == "1"  # sent
    assert "+93701234567" not in result.stdout and "Zarghuna" not in result.stdout
    report = cli("broadcasts", "report", "1").stdout
    assert "+93701234567" not in report and "Zarghuna" not in report
    assert "Shura" not in report  # nor the text
