"""Recommendations from a consultation or a meeting: a dated history with notes, a
status change announced to those who took part in their language, and the export."""

import csv
import io

import pytest

from tests.community import person, say_all
from tests.consulting import OPEN, cli_runner, create, send


@pytest.fixture(autouse=True)
def opened(time_machine):
    time_machine.move_to(OPEN, tick=False)


@pytest.fixture
def cli(settings):
    return cli_runner(settings)


def test_a_status_change_reaches_those_who_answered_in_their_language(services, cli,
                                                                     tmp_path):
    dari, english, silent = person(services, lang="fa"), person(services), person(services)
    send(services, create(services))
    for sim in (dari, english, silent):
        sim.replies()
    say_all(dari, ["1", "بلی", "۱"])
    say_all(english, ["1", "yes", "1"])
    added = cli("recommendations", "add", "--consultation", "water-2026", "--to",
                "Ministry of Water", "--text", "A second well in Dand",
                "--text", "fa:چاه دوم در دند")
    assert "Recommendation 1 recorded (proposed)." in added.output
    changed = cli("recommendations", "set-status", "1", "accepted", "--note",
                  "Agreed at the district meeting", "--announce")
    assert "Recommendation 1 is accepted; 2 people told." in changed.output
    assert dari.replies() == ["پیشنهاد شما «چاه دوم در دند» (به Ministry of Water) اکنون:"
                              " پذیرفته شده."]
    assert english.replies() == ['Your recommendation "A second well in Dand" (to Ministry of'
                                 ' Water) is now: accepted.']
    assert silent.replies() == []  # they did not answer
    cli("recommendations", "set-status", "1", "in_progress")
    listed = cli("recommendations", "list").output
    assert "consultation 1; to Ministry of Water" in listed
    assert "2026-11-23 accepted: Agreed at the district meeting" in listed
    path = tmp_path / "recommendations.csv"
    cli("export", "recommendations", "-o", str(path))
    (row,) = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert (row["status"], row["source"]) == ("in_progress", "consultation 1")
    assert row["history"] == ("2026-11-23 proposed; 2026-11-23 accepted (Agreed at the district"
                              " meeting); 2026-11-23 in_progress")


def test_a_recommendation_needs_one_source_and_a_text(cli, services):
    both = cli("recommendations", "add", "--to", "Shura", "--text", "More lights")
    assert both.exit_code == 1 and "source: a recommendation comes from one" in both.output


def test_the_page_changes_a_status_and_prints_the_history(app, services, cli):
    from tests.dashboard_builders import csrf, signed_in

    create(services)
    cli("recommendations", "add", "--consultation", "water-2026", "--to", "Shura",
        "--text", "Lights on the school road")
    client = signed_in(app, services, "coordinator")
    page = client.post("/dashboard/recommendations/1/status", data={
        "status": "done", "note": "Twelve lamps installed",
        "csrf_token": csrf(client, "/dashboard/recommendations/")}, follow_redirects=True)
    html = page.get_data(as_text=True)
    assert "Status saved. People told: 0" in html and '<dd class="status">Done</dd>' in html
    printed = client.get("/dashboard/recommendations/print").get_data(as_text=True)
    assert "Lights on the school road" in printed and "Twelve lamps installed" in printed
    assert "csrf_token" not in printed  # read-only: nothing to submit on paper


def test_the_page_records_a_recommendation_from_a_meeting(app, services):
    from tests.dashboard_builders import csrf, signed_in
    from tests.meeting_builders import make_meeting

    meeting = make_meeting(services)
    client = signed_in(app, services, "coordinator")
    form = {"source": f"meeting:{meeting}", "addressed_to": "Provincial council",
            "text_en": "A clinic in Dand", "text_ps": "په ډنډ کې کلینیک",
            "csrf_token": csrf(client, "/dashboard/recommendations/")}
    wrong = client.post("/dashboard/recommendations/", data={**form, "source": "meeting:99"})
    assert wrong.status_code == 422 and 'id="recommendation-error"' in wrong.get_data(
        as_text=True)
    page = client.post("/dashboard/recommendations/", data=form, follow_redirects=True)
    html = page.get_data(as_text=True)
    assert "Recommendation recorded (proposed)." in html
    assert f"meeting {meeting}" in html and "A clinic in Dand" in html
    with services.database.read() as db:
        from bot.store import Recommendation

        (row,) = db.query(Recommendation).all()
        assert row.texts == {"en": "A clinic in Dand", "ps": "په ډنډ کې کلینیک"}
