"""The consultation pages: the editor checks the YAML and shows each question's SMS
characters, encoding and segments per language before storing anything; sending and
closing from the page; results with charts and small counts suppressed."""

import re

import pytest
from sqlalchemy import func, select

from bot.store import Consultation
from tests.community import person, say_all
from tests.consulting import EXAMPLE, OPEN
from tests.dashboard_builders import csrf, signed_in


@pytest.fixture(autouse=True)
def opened(time_machine):
    time_machine.move_to(OPEN, tick=False)


def stored(services) -> int:
    with services.database.read() as db:
        return db.scalar(select(func.count()).select_from(Consultation))


def test_the_editor_previews_segments_per_question_and_language(app, services):
    client = signed_in(app, services, "coordinator")
    source = EXAMPLE.read_text(encoding="utf-8")
    page = client.post("/dashboard/consultations/preview", data={
        "source": source, "csrf_token": csrf(client, "/dashboard/consultations/new")})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="questions-sms"' in html
    rows = re.findall(r"<tr><td><bdi>(\w+)</bdi></td><td>([^<]+)</td>.*?"
                      r'<bdi dir="ltr">([\w-]+)</bdi></td><td class="num segments">(\d+)',
                      html, re.S)
    assert ("source", "English", "GSM-7", "1") in rows
    assert ("source", "دری", "UCS-2", "2") in rows  # the title rides with question 1
    assert {r[0] for r in rows} == {"source", "enough", "days", "idea"} and len(rows) == 20
    assert stored(services) == 0  # a preview stores nothing
    created = client.post("/dashboard/consultations/", data={
        "source": source, "csrf_token": csrf(client, "/dashboard/consultations/new")})
    assert created.status_code == 302 and stored(services) == 1


def test_a_wrong_consultation_names_the_field(app, services):
    client = signed_in(app, services, "coordinator")
    page = client.post("/dashboard/consultations/preview", data={
        "source": "name: x\ntitle: X\nquestions: []\n",
        "csrf_token": csrf(client, "/dashboard/consultations/new")})
    assert page.status_code == 422
    assert "questions: 1 to 10 questions" in page.get_data(as_text=True)
    page = client.post("/dashboard/consultations/preview", data={
        "source": "name: [", "csrf_token": csrf(client, "/dashboard/consultations/new")})
    assert page.status_code == 422 and "Not valid YAML" in page.get_data(as_text=True)


def test_the_editors_live_counts_are_the_previews_and_name_a_wrong_field(app, services):
    client = signed_in(app, services, "coordinator")
    token = csrf(client, "/dashboard/consultations/new")
    source = EXAMPLE.read_text(encoding="utf-8")
    live = client.post("/dashboard/consultations/measure",
                       data={"source": source, "csrf_token": token})
    assert live.status_code == 200 and live.is_json
    rows = {(r["question"], r["language_name"], r["encoding"], r["segments_shown"])
            for r in live.get_json()["rows"]}
    preview = client.post("/dashboard/consultations/preview",
                          data={"source": source, "csrf_token": token})
    shown = set(re.findall(r"<tr><td><bdi>(\w+)</bdi></td><td>([^<]+)</td>.*?"
                           r'<bdi dir="ltr">([\w-]+)</bdi></td><td class="num segments">(\d+)',
                           preview.get_data(as_text=True), re.S))
    assert rows == shown and len(rows) == 20
    wrong = client.post("/dashboard/consultations/measure", data={
        "source": "name: x\ntitle: X\nquestions: []\n", "csrf_token": token})
    assert wrong.status_code == 422
    assert wrong.get_json() == {"error": "questions: 1 to 10 questions"}
    broken = client.post("/dashboard/consultations/measure",
                         data={"source": "name: [", "csrf_token": token})
    assert broken.status_code == 422 and "Not valid YAML" in broken.get_json()["error"]
    assert client.post("/dashboard/consultations/measure",
                       data={"source": source}).status_code == 400  # no CSRF token
    viewer = signed_in(app, services, "viewer")
    token = csrf(viewer, "/dashboard/consultations/")
    assert viewer.post("/dashboard/consultations/measure", data={
        "source": source, "csrf_token": token}).status_code == 403
    assert stored(services) == 0


def test_send_from_the_page_and_results_suppressed_with_charts(app, services):
    client = signed_in(app, services, "coordinator")
    client.post("/dashboard/consultations/", data={
        "source": EXAMPLE.read_text(encoding="utf-8"),
        "csrf_token": csrf(client, "/dashboard/consultations/new")})
    people = [person(services, province="balkh") for _ in range(6)]
    page = client.get("/dashboard/consultations/1").get_data(as_text=True)
    assert 'id="costs"' in page
    client.post("/dashboard/consultations/1/send",
                data={"csrf_token": csrf(client, "/dashboard/consultations/1")})
    for n, sim in enumerate(people):
        sim.replies()
        say_all(sim, ["1" if n else "2", "yes", "1"])
    html = client.get("/dashboard/consultations/1").get_data(as_text=True)
    well = re.search(r'id="q-source".*?</section>', html, re.S).group()
    assert "<th><bdi>Well</bdi></th><td class=\"num\">5</td>" in well
    assert "<th><bdi>River</bdi></th><td class=\"num\"><span class=\"suppressed\">" \
           "fewer than 5</span>" in well
    # One bar, Well's: none for the suppressed cell, and the chart leaves out Tap's zero
    # (the counts table beside it still says 0).
    assert well.count('<svg class="bar"') == 1
    assert '<dd class="num" id="responses">6</dd>' in html
    said = client.post("/dashboard/consultations/1/say", data={
        "say_en": "{source_well} of you use the well: {source_river} the river.",
        "say_fa": "{source_well} نفر از چاه.", "to": "participants",
        "csrf_token": csrf(client, "/dashboard/consultations/1")}, follow_redirects=True)
    assert "People reached: 6" in said.get_data(as_text=True)
    assert people[1].replies() == ["5 of you use the well: fewer than 5 the river."]
    wrong = client.post("/dashboard/consultations/1/say", data={
        "say_en": "{wells}", "to": "participants",
        "csrf_token": csrf(client, "/dashboard/consultations/1")})
    assert wrong.status_code == 422 and "no figure {wells}" in wrong.get_data(as_text=True)
    viewer = signed_in(app, services, "viewer")
    assert 'id="send-consultation"' not in viewer.get("/dashboard/consultations/1").get_data(
        as_text=True)
    assert "water-2026" in viewer.get("/dashboard/consultations/").get_data(as_text=True)
    client.post("/dashboard/consultations/1/close",
                data={"csrf_token": csrf(client, "/dashboard/consultations/1")})
    with services.database.read() as db:
        assert db.get(Consultation, 1).status == "closed"
