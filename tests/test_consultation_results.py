"""Consultation results (counts, numbers, texts, breakdowns) with small counts suppressed
in every place they are shown: the CLI and its exports, and the API; and answers to an
anonymous consultation that no table links to the person."""

import csv
import io
import json
import logging

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, text

from bot.consultations import results
from bot.store import Base, Consultation, ConsultationResponse, Direction, Message, Priority
from tests.community import person, say_all, scrub
from tests.consulting import EXAMPLE, OPEN, cli_runner, create, example, responses, send
from tests.dashboard_builders import bearer, make_token

SECRET = "The commander takes the water from the new well"


@pytest.fixture(autouse=True)
def opened(time_machine):
    time_machine.move_to(OPEN, tick=False)


@pytest.fixture
def cli(settings):
    return cli_runner(settings)


def answer(services, people: list[tuple[dict, list[str]]]) -> None:
    """Each (contact fields, answers): a registered person who answers so."""
    sims = [(person(services, **fields), answers) for fields, answers in people]
    send(services, services_consultation(services))
    for sim, answers in sims:
        sim.replies()
        say_all(sim, answers)


def services_consultation(services) -> int:
    with services.database.read() as db:
        return db.scalars(select(Consultation.id)).first()


# Six from Balkh (five drink from the well) and one from Herat: the Herat cell is one
# person, and so is every "river" cell.
PEOPLE = ([({"province": "balkh"}, ["1", "yes", f"Idea {n}"]) for n in range(5)]
          + [({"province": "balkh", "role": "teacher"}, ["2", "no", "4", "1"]),
             ({"province": "herat"}, ["2", "no", "9", "1"])])


def test_results_count_and_suppress_below_the_threshold(services):
    create(services)
    answer(services, PEOPLE)
    with services.database.read() as db:
        found = results.results(db, db.get(Consultation, 1), below=5)
    assert (found["sent"], found["responses"], found["response_rate"]) == (7, 7, 100.0)
    source, enough, days, idea = found["questions"]
    assert source["options"] == {"well": 5, "river": results.Suppressed(5), "tap": 0}
    assert str(source["options"]["river"]) == "fewer than 5"
    assert days == {"key": "days", "kind": "number", "text": days["text"],
                    "answered": results.Suppressed(5)}  # no median or range from two people
    assert idea["answered"] == 5 and sorted(idea["answers"]) == [f"Idea {n}" for n in range(5)]
    provinces = found["breakdowns"]["province"]
    assert provinces["responses"] == {"balkh": 6, "herat": results.Suppressed(5)}
    assert provinces["options"]["source"]["well"] == {"balkh": 5}
    with services.database.read() as db:
        shown = results.results(db, db.get(Consultation, 1), below=1)
    assert shown["questions"][2] | {"text": None} == {
        "key": "days", "kind": "number", "text": None, "answered": 2, "median": 6.5,
        "min": 4, "max": 9}


def test_the_cli_creates_sends_and_exports_results_suppressed(services, cli, tmp_path):
    result = cli("consultations", "create", str(EXAMPLE))
    assert result.exit_code == 0, result.output
    assert "Consultation water-2026 created" in result.output
    assert "already" in cli("consultations", "create", str(EXAMPLE)).output
    sims = [(person(services, **fields), answers) for fields, answers in PEOPLE]
    show = cli("consultations", "show", "water-2026").output
    assert "[en] sim: 7 recipient(s)" in show and "3. days [number 1-30]" in show
    sent = cli("consultations", "send", "water-2026", "--yes")
    assert "water-2026 sent to 7 people" in sent.output
    for sim, answers in sims:
        sim.replies()
        say_all(sim, answers)
    assert "sent 7  answered 7" in cli("consultations", "list").output
    as_json = json.loads(cli("consultations", "results", "water-2026").output)
    assert as_json["questions"][0]["options"] == {"well": 5, "river": "fewer than 5", "tap": 0}
    rows = list(csv.reader(io.StringIO(
        cli("consultations", "results", "water-2026", "--format", "csv").output.lstrip("\ufeff"))))
    assert ["count", "source", "river", "all", "fewer than 5"] in rows
    assert ["by province", "", "", "herat", "fewer than 5"] in rows
    assert ["answer", "idea", "", "text", "Idea 0"] in rows
    book = tmp_path / "results.xlsx"
    cli("consultations", "results", "water-2026", "--format", "xlsx", "-o", str(book))
    cells = [tuple(r) for r in load_workbook(book).active.iter_rows(values_only=True)]
    assert ("count", "source", "river", "all", "fewer than 5") in cells
    assert "is closed" in cli("consultations", "close", "water-2026").output
    assert "closed" in cli("consultations", "list").output


def test_a_file_with_an_error_names_the_field(cli, tmp_path):
    raw = example()
    raw["questions"][1]["kind"] = "maybe"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(raw, default=str), encoding="utf-8")
    result = cli("consultations", "create", str(path))
    assert result.exit_code == 1
    assert "bad.json: questions[1].kind: one of choice, yesno, number, text" in result.output


def api_body(**changes) -> dict:
    return {"name": "roads", "timezone": "Asia/Aden", "closes": "2026-11-30T18:00",
            "titles": [{"language": "en", "text": "Roads"}, {"language": "ar", "text": "الطرق"}],
            "questions": [{"key": "state", "kind": "yesno", "texts": [
                {"language": "en", "text": "Is your road open?"},
                {"language": "ar", "text": "هل طريقكم مفتوح؟"}]}], **changes}


def test_the_api_creates_sends_closes_and_shows_results_suppressed(client, services):
    headers = bearer(make_token(services, "coordinator"))
    sims = [person(services, lang="ar") for _ in range(6)]
    created = client.post("/api/v1/consultations", json=api_body(), headers=headers)
    assert created.status_code == 201, created.get_json()
    sent = client.post("/api/v1/consultations/1/send", headers=headers).get_json()
    assert sent["reached"] == 6 and sent["costs"][0]["encoding"] == "UCS-2"
    for n, sim in enumerate(sims):
        assert sim.replies()[0].startswith("الطرق")
        sim.say("نعم" if n else "لا")
    found = client.get("/api/v1/consultations/1/results", headers=headers).get_json()
    assert found["questions"][0]["options"] == {"yes": 5, "no": "fewer than 5"}
    assert found["breakdowns"]["language"]["responses"] == {"ar": 6}
    listed = client.get("/api/v1/consultations", headers=headers).get_json()
    assert [(c["name"], c["sent"], c["answered"]) for c in listed["items"]] == [("roads", 6, 6)]
    closed = client.post("/api/v1/consultations/1/close", headers=headers).get_json()
    assert closed["status"] == "closed"


@pytest.mark.parametrize(("changes", "problem"), [
    ({"closes": "soon"}, "closes: a date and time"),
    ({"questions": []}, "questions: 1 to 10 questions"),
])
def test_the_api_refuses_a_wrong_consultation_with_the_field(client, services, changes,
                                                              problem):
    headers = bearer(make_token(services, "coordinator"))
    response = client.post("/api/v1/consultations", json=api_body(**changes), headers=headers)
    assert response.status_code == 422 and problem in response.get_json()["error"]["message"]
    assert client.get("/api/v1/consultations/99", headers=headers).status_code == 404


def raw_rows(services, table):
    with services.database.read() as db:
        return [dict(r) for r in db.execute(text(f'SELECT * FROM "{table.name}"')).mappings()]


def decoded_rows(services, table):
    with services.database.read() as db:
        return [dict(r) for r in db.execute(select(table)).mappings()]


def test_anonymous_answers_are_linked_to_nobody_in_any_table(services, caplog):
    caplog.set_level(logging.DEBUG)
    create(services, anonymous=True)
    sim = person(services, province="herat")
    send(services, 1)
    sim.replies()
    say_all(sim, ["2", "no", "17", SECRET])
    ((response, answers),) = responses(services)
    assert response.contact_id is None and answers["idea"] == SECRET
    sim.replies()  # the questions after the first left: now they can be wiped
    assert scrub(services) == 4  # every question after the first, and the thanks
    mine = {sim.contact_id, sim.identity_id}
    inspected = []
    for table in Base.metadata.sorted_tables:
        inspected.append(table.name)
        for raw in raw_rows(services, table):
            assert not any(SECRET in str(v) for v in raw.values()), table.name
        for row in decoded_rows(services, table):
            clear = [str(v) for v in row.values() if v is not None]
            if table.name in ("consultation_answers", "consultations"):
                continue  # the answers themselves; the questions as written
            assert not any(SECRET in v or "How many days" in v for v in clear), table.name
            if table.name == "consultation_responses":
                assert row["contact_id"] is None and set(row) == {
                    "id", "consultation_id", "contact_id", "province", "role", "language",
                    "channel", "answered_on"}
            if table.name == "consultation_recipients":
                assert row["answered"] and set(row) == {
                    "id", "consultation_id", "contact_id", "sent_at", "answered"}
    assert {"consultation_responses", "consultation_answers", "messages", "sessions"} <= set(
        inspected)
    assert mine  # the person exists; nothing above points from them to the answers
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert SECRET not in logged and sim.address not in logged
    with services.database.read() as db:
        assert db.scalars(select(ConsultationResponse.contact_id)).all() == [None]


def test_you_said_we_did_fills_the_figures_in_each_readers_digits(services, cli):
    create(services)
    answer(services, PEOPLE[:5] + [({"province": "balkh", "role": "teacher"},
                                    ["2", "no", "4", "1"])])
    silent = person(services, lang="fa")  # in the audience only if sent again: not a recipient
    texts = ("--text", "en", "{source_well} of {responses} drink from the well; river:"
             " {source_river}. We are digging a second well.",
             "--text", "fa",
             "{source_well} نفر از {responses} از چاه آب می‌نوشند ({source_well_pct}٪).")
    dry = cli("consultations", "say", "water-2026", *texts, "--dry-run")
    assert "[en] 5 of 6 drink from the well; river: fewer than 5." in dry.output
    assert "[fa] ۵ نفر از ۶ از چاه آب می‌نوشند (۸۳٪)." in dry.output
    sent = cli("consultations", "say", "water-2026", *texts)
    assert "Summary queued for 6 people." in sent.output
    with services.database.read() as db:
        queued = [t for t in db.scalars(select(Message.text).where(
            Message.direction == Direction.OUT, Message.priority == Priority.BULK))
            if "second well" in t or "چاه آب" in t]
    assert len(queued) == 6 and silent.replies() == []
    wrong = cli("consultations", "say", "water-2026", "--text", "en", "{wells} wells")
    assert wrong.exit_code == 1 and "texts.en: no figure {wells}" in wrong.output
