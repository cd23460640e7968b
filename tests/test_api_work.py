"""The JSON API for reports, feedback, meetings, invitations and broadcasts: what a
token's role may read, and what the create endpoints do."""

from __future__ import annotations

import datetime as dt

import time_machine
from sqlalchemy import select

from bot.contacts.imports import add_member, group_by_name
from bot.store import AuditEvent, Broadcast, Invitation, Report
from tests.builders import make_contact
from tests.dashboard_builders import bearer, make_token
from tests.dashboard_work import SECRET, make_feedback, make_report

NOW = dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.UTC)


def test_report_text_is_null_for_a_viewer_token(app, services):
    code, _ = make_report(services)
    client = app.test_client()
    viewer = client.get("/api/v1/reports", headers=bearer(make_token(services, "viewer")))
    assert viewer.json["items"][0]["code"] == code
    assert viewer.json["items"][0]["description"] is None
    assert SECRET not in viewer.get_data(as_text=True)
    coordinator = client.get(f"/api/v1/reports?code={code.lower()}",
                             headers=bearer(make_token(services, "coordinator")))
    assert coordinator.json["items"][0]["description"] == SECRET
    with services.database.read() as db:
        assert db.scalars(select(AuditEvent.action)).all() == ["report.view"]


def test_a_token_changes_a_report_status(app, services):
    code, _ = make_report(services)
    headers = bearer(make_token(services, "coordinator"))
    response = app.test_client().post(f"/api/v1/reports/status?code={code}", headers=headers,
                                      json={"status": "referred", "note": "to the AIHRC"})
    assert response.status_code == 200 and response.json["status"] == "referred"
    with services.database.read() as db:
        assert db.get(Report, code).status == "referred"
    viewer = bearer(make_token(services, "viewer"))
    assert app.test_client().post(f"/api/v1/reports/status?code={code}", headers=viewer,
                                  json={"status": "closed"}).status_code == 403


def test_feedback_text_needs_feedback_text(app, services):
    make_feedback(services, text="Water is short")
    client = app.test_client()
    viewer = client.get("/api/v1/feedback", headers=bearer(make_token(services, "viewer")))
    assert viewer.json["items"][0]["text"] is None
    admin = client.get("/api/v1/feedback?topic=services",
                       headers=bearer(make_token(services, "admin")))
    assert admin.json["items"][0]["text"] == "Water is short"


def test_feedback_days_are_the_deployments_days(app, services):
    with time_machine.travel(dt.datetime(2026, 11, 9, 21, 0, tzinfo=dt.UTC)):
        late = make_feedback(services, text="01:30 on the 10th in Kabul")
    headers = bearer(make_token(services, "viewer"))

    def listed(query: str) -> list[str]:
        got = app.test_client().get(f"/api/v1/feedback?{query}", headers=headers)
        return [item["reference"] for item in got.json["items"]]
    assert listed("since=2026-11-10") == [late] == listed("until=2026-11-10")
    assert listed("until=2026-11-09") == []


@time_machine.travel(NOW, tick=False)
def test_a_meeting_is_created_and_its_invitations_listed(app, services):
    contact_id, _, _ = make_contact(services)
    with services.database.write() as db:
        group = group_by_name(db, "Dand shura")
        add_member(db, group, contact_id)
        group_id = group.id
    headers = bearer(make_token(services, "coordinator"))
    client = app.test_client()
    response = client.post("/api/v1/meetings", headers=headers, json={
        "title": "Shura", "start": "2026-12-01T10:00", "time_zone": "Asia/Kabul",
        "group_ids": [group_id], "invite": True, "quorum": 5})
    assert response.status_code == 201, response.json
    meeting = response.json
    assert meeting["invited"] == 1 and meeting["starts_at"] == "2026-12-01T05:30:00Z"
    with services.database.write() as db:
        db.scalars(select(Invitation)).one().response = "yes"
    invitations = client.get(f"/api/v1/meetings/{meeting['id']}/invitations", headers=headers)
    assert [i["response"] for i in invitations.json["items"]] == ["yes"]
    assert client.get(f"/api/v1/meetings/{meeting['id']}", headers=headers).json["yes"] == 1
    past = client.post("/api/v1/meetings", headers=headers, json={
        "title": "Late", "start": "2020-01-01T10:00", "time_zone": "Asia/Kabul"})
    assert past.status_code == 422


@time_machine.travel(NOW, tick=False)
def test_a_broadcast_is_created_and_read_with_counts(app, services):
    make_contact(services, lang="fa")
    headers = bearer(make_token(services, "coordinator"))
    client = app.test_client()
    response = client.post("/api/v1/broadcasts", headers=headers, json={
        "name": "Clinic", "timezone": "Asia/Kabul", "send_at": "2026-11-21T09:00",
        "texts": [{"language": "en", "text": "Clinic Monday"},
                  {"language": "fa", "text": "کلینیک دوشنبه"}],
        "audience": {"languages": ["fa"]}, "quiet_hours": "21:00-07:00"})
    assert response.status_code == 201, response.json
    body = response.json
    assert {t["language"]: t["encoding"] for t in body["texts"]} == {"en": "GSM-7",
                                                                      "fa": "UCS-2"}
    assert body["counts"]["queued"] == 0 and body["status"] == "scheduled"
    listed = client.get("/api/v1/broadcasts", headers=bearer(make_token(services, "viewer")))
    assert listed.json["items"][0]["id"] == body["id"]
    empty = client.post("/api/v1/broadcasts", headers=headers, json={
        "name": "Nobody", "timezone": "Asia/Kabul",
        "texts": [{"language": "en", "text": "x"}], "audience": {"provinces": ["nowhere"]}})
    assert empty.status_code == 422
    with services.database.read() as db:
        assert len(db.scalars(select(Broadcast)).all()) == 1
