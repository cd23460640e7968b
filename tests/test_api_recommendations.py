"""Recommendations and "you said, we did" through the API: a recommendation from a
meeting, moved on with announce, reaches the meeting's participants in their language;
bad input gets a 422 naming the field, never a 500."""

import pytest

from tests.community import person, say_all
from tests.consulting import OPEN, create, send
from tests.dashboard_builders import bearer, make_token
from tests.meeting_builders import invite, make_meeting


@pytest.fixture(autouse=True)
def opened(time_machine):
    time_machine.move_to(OPEN, tick=False)


@pytest.fixture
def api(client, services):
    headers = bearer(make_token(services, "coordinator"))

    def call(method: str, path: str, body: dict | None = None):
        return client.open(f"/api/v1{path}", method=method, json=body, headers=headers)
    return call


def test_a_meeting_recommendation_announced_reaches_its_participants_in_their_language(
        services, api):
    pashto, arabic, absent = (person(services, lang=lang) for lang in ("ps", "ar", "en"))
    meeting = make_meeting(services)
    invite(services, meeting, pashto.contact_id, arabic.contact_id, absent.contact_id)
    for sim, answer in ((pashto, "هو"), (arabic, "نعم"), (absent, "no")):
        sim.replies()
        sim.say(answer)
    created = api("POST", "/recommendations", {
        "meeting_id": meeting, "addressed_to": "Provincial council",
        "texts": [{"language": "en", "text": "A clinic in Dand"},
                  {"language": "ps", "text": "په ډنډ کې کلینیک"}]})
    assert created.status_code == 201, created.get_json()
    rec = created.get_json()
    assert (rec["status"], rec["meeting_id"], rec["consultation_id"]) == (
        "proposed", meeting, None)
    moved = api("POST", f"/recommendations/{rec['id']}/status",
                {"status": "accepted", "note": "Agreed", "announce": True})
    assert moved.status_code == 200
    assert [(s["status"], s["announced"]) for s in moved.get_json()["history"]] == [
        ("proposed", 0), ("accepted", 2)]
    assert pashto.replies() == ["ستاسو سپارښتنه «په ډنډ کې کلینیک» (Provincial council ته)"
                                " اوس: منل شوې."]
    assert arabic.replies() == ["توصيتكم «A clinic in Dand» (إلى Provincial council) أصبحت"
                                " الآن: مقبولة."]
    assert absent.replies() == []  # said no
    shown = api("GET", f"/recommendations/{rec['id']}").get_json()
    assert shown["history"][-1]["note"] == "Agreed"
    assert [r["id"] for r in api("GET", "/recommendations").get_json()["items"]] == [rec["id"]]


@pytest.mark.parametrize(("body", "field"), [
    ({"addressed_to": "Shura", "texts": [{"language": "en", "text": "Lights"}]}, "source"),
    ({"meeting_id": 99, "addressed_to": "Shura",
      "texts": [{"language": "en", "text": "Lights"}]}, "meeting_id"),
    ({"consultation_id": 1, "addressed_to": " ", "texts": [{"language": "en", "text": "L"}]},
     "addressed_to"),
    ({"consultation_id": 1, "addressed_to": "Shura", "texts": []}, "texts"),
])
def test_a_wrong_recommendation_is_422_naming_the_field(services, api, body, field):
    create(services)
    answer = api("POST", "/recommendations", body)
    assert answer.status_code == 422
    assert answer.get_json()["error"]["message"].startswith(field)


def test_a_status_change_of_no_recommendation_is_404(api):
    assert api("POST", "/recommendations/7/status", {"status": "done"}).status_code == 404


def test_you_said_goes_to_those_who_answered_with_figures_in_their_digits(services, api):
    dari, english, silent = person(services, lang="fa"), person(services), person(services)
    consultation = create(services, anonymous=False)
    send(services, consultation)
    for sim in (dari, english, silent):
        sim.replies()
    say_all(dari, ["1", "بلی", "۱"])
    say_all(english, ["1", "yes", "1"])
    texts = [{"language": "en", "text": "{responses} of you answered. We will dig a well."},
             {"language": "fa", "text": "{responses} نفر جواب دادند. چاه می‌کنیم."}]
    tried = api("POST", f"/consultations/{consultation}/say", {"texts": texts, "dry_run": True})
    assert tried.status_code == 200 and tried.get_json()["reached"] == 0
    assert dari.replies() == []
    said = api("POST", f"/consultations/{consultation}/say", {"texts": texts})
    assert said.get_json()["reached"] == 2
    assert english.replies() == ["fewer than 5 of you answered. We will dig a well."]
    assert dari.replies()[0].endswith("جواب دادند. چاه می‌کنیم.")
    assert silent.replies() == []
    wrong = api("POST", f"/consultations/{consultation}/say",
                {"texts": [{"language": "en", "text": "{wells} of you"}]})
    assert wrong.status_code == 422 and "no figure {wells}" in wrong.get_json()["error"][
        "message"]
