"""Reports, feedback, meetings and broadcasts in the dashboard: what each role sees and
what the forms do (the services underneath have their own tests)."""

from __future__ import annotations

import datetime as dt

import time_machine
from sqlalchemy import select

from bot.store import AuditEvent, Broadcast, Invitation, Message, Report, ReportChange
from tests.builders import make_contact
from tests.dashboard_builders import csrf, signed_in
from tests.dashboard_work import SECRET, make_feedback, make_report

NOW = dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.UTC)


def _actions(services) -> list[str]:
    with services.database.read() as db:
        return [e.action for e in db.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_a_viewer_sees_reports_but_never_their_text(app, services):
    code, _ = make_report(services, urgent=True)
    client = signed_in(app, services, "viewer")
    inbox = client.get("/dashboard/reports/?urgent=yes").get_data(as_text=True)
    assert code in inbox
    page = client.get(f"/dashboard/reports/{code}").get_data(as_text=True)
    assert code in page and SECRET not in page and "Dand" not in page
    assert "report.view" in _actions(services)


def test_filters_narrow_the_inbox(app, services):
    kabul, _ = make_report(services, category="rights", province="kabul")
    herat, _ = make_report(services, category="justice", province="herat")
    client = signed_in(app, services, "coordinator")
    page = client.get("/dashboard/reports/?category=justice").get_data(as_text=True)
    assert herat in page and kabul not in page
    page = client.get("/dashboard/reports/?province=kabul&status=new").get_data(as_text=True)
    assert kabul in page and herat not in page
    page = client.get("/dashboard/reports/?since=2999-01-01").get_data(as_text=True)
    assert kabul not in page


def test_a_coordinator_changes_the_status_and_the_named_reporter_is_told(app, services):
    code, contact_id = make_report(services)
    client = signed_in(app, services, "coordinator")
    page = client.get(f"/dashboard/reports/{code}").get_data(as_text=True)
    assert SECRET in page
    token = csrf(client, f"/dashboard/reports/{code}")
    response = client.post(f"/dashboard/reports/{code}/status", data={
        "status": "reviewing", "note": "called the family", "csrf_token": token})
    assert response.status_code == 302
    client.post(f"/dashboard/reports/{code}/note", data={"note": "second note",
                                                         "csrf_token": token})
    with services.database.read() as db:
        assert db.get(Report, code).status == "reviewing"
        changes = list(db.scalars(select(ReportChange).where(ReportChange.report_code == code)))
        told = db.scalars(select(Message).where(Message.contact_id == contact_id,
                                                Message.direction == "out")).all()
    assert [(c.old_status, c.status) for c in changes] == [("new", "reviewing"),
                                                           ("reviewing", "reviewing")]
    assert changes[0].by == "coordinator@example.org"
    assert any(code in m.text for m in told)
    assert {"report.status", "report.note"} <= set(_actions(services))
    page = client.get(f"/dashboard/reports/{code}").get_data(as_text=True)
    assert "called the family" in page and "second note" in page


def test_a_report_is_assigned_to_a_coordinator(app, services):
    code, _ = make_report(services)
    client = signed_in(app, services, "coordinator")
    token = csrf(client, f"/dashboard/reports/{code}")
    from bot.store import User
    with services.database.read() as db:
        user_id = db.scalars(select(User.id)).first()
    client.post(f"/dashboard/reports/{code}/assign", data={"user": str(user_id),
                                                          "csrf_token": token})
    with services.database.read() as db:
        assert db.get(Report, code).assigned_to == user_id
    assert client.post(f"/dashboard/reports/{code}/assign", data={
        "user": "999999", "csrf_token": token}).status_code == 400


def test_feedback_text_only_for_those_allowed(app, services):
    make_feedback(services, topic="security", text="Checkpoint closes at noon")
    make_feedback(services, topic="services", text="The clinic has no medicine")
    viewer = signed_in(app, services, "viewer").get("/dashboard/feedback/?topic=security")
    assert "Checkpoint" not in viewer.get_data(as_text=True)
    coordinator = signed_in(app, services, "coordinator")
    page = coordinator.get("/dashboard/feedback/?topic=security").get_data(as_text=True)
    assert "Checkpoint" in page and "clinic" not in page


@time_machine.travel(NOW, tick=False)
def test_a_meeting_is_created_for_a_group_and_the_roster_shows_answers(app, services):
    from bot.contacts.imports import add_member, group_by_name
    contact_id, _, _ = make_contact(services)
    with services.database.write() as db:
        group = group_by_name(db, "Dand shura")
        add_member(db, group, contact_id)
        group_id = group.id
    client = signed_in(app, services, "coordinator")
    token = csrf(client, "/dashboard/meetings/")
    response = client.post("/dashboard/meetings/", data={
        "title_en": "Shura", "start": "2026-12-01T10:00", "tz": "Asia/Kabul", "duration": "90",
        "quorum": "1", "group": str(group_id), "invite": "1", "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    meeting_id = int(response.location.rstrip("/").rsplit("/", 1)[1])
    with services.database.write() as db:
        invitation = db.scalars(select(Invitation)).one()
        assert invitation.invited_at is not None
        invitation.response = "yes"
    page = client.get(f"/dashboard/meetings/{meeting_id}").get_data(as_text=True)
    assert 'id="yes-count">1<' in page
    client.post(f"/dashboard/meetings/{meeting_id}/attended/{contact_id}",
                data={"csrf_token": token})
    client.post(f"/dashboard/meetings/{meeting_id}/cancel", data={"csrf_token": token})
    with services.database.read() as db:
        invitation = db.scalars(select(Invitation)).one()
    assert invitation.attended
    assert {"meeting.create", "meeting.cancel"} <= set(_actions(services))


@time_machine.travel(NOW, tick=False)
def test_a_meeting_in_the_past_is_refused_with_a_message(app, services):
    client = signed_in(app, services, "coordinator")
    token = csrf(client, "/dashboard/meetings/")
    response = client.post("/dashboard/meetings/", data={
        "title_en": "Shura", "start": "2020-01-01T10:00", "tz": "Asia/Kabul",
        "csrf_token": token}, follow_redirects=True)
    assert "past" in response.get_data(as_text=True)


@time_machine.travel(NOW, tick=False)
def test_a_broadcast_is_previewed_then_created_paused_and_cancelled(app, services):
    make_contact(services, lang="fa")
    make_contact(services, lang="en")
    client = signed_in(app, services, "coordinator")
    token = csrf(client, "/dashboard/broadcasts/new")
    form = {"name": "Clinic", "text_en": "The clinic opens Monday.",
            "text_fa": "کلینیک دوشنبه باز است",
            "when": "at", "at": "2026-11-21T09:00", "tz": "Asia/Kabul", "repeat": "none",
            "stop_hint": "1", "csrf_token": token}
    page = client.post("/dashboard/broadcasts/preview", data=form).get_data(as_text=True)
    assert 'id="audience-size"' in page and 'class="num segments"' in page
    assert 'id="create-broadcast"' in page
    response = client.post("/dashboard/broadcasts/", data=form)
    assert response.status_code == 302
    with services.database.read() as db:
        broadcast = db.scalars(select(Broadcast)).one()
    assert broadcast.status == "scheduled" and set(broadcast.texts) == {"en", "fa"}
    client.post(f"/dashboard/broadcasts/{broadcast.id}/pause", data={"csrf_token": token})
    client.post(f"/dashboard/broadcasts/{broadcast.id}/resume", data={"csrf_token": token})
    client.post(f"/dashboard/broadcasts/{broadcast.id}/cancel", data={"csrf_token": token})
    page = client.get(f"/dashboard/broadcasts/{broadcast.id}").get_data(as_text=True)
    assert 'data-count="queued"' in page
    with services.database.read() as db:
        assert db.get(Broadcast, broadcast.id).status == "cancelled"
    done = [a for a in _actions(services) if a.startswith("broadcast.")]
    assert done == ["broadcast.create", "broadcast.pause", "broadcast.resume",
                    "broadcast.cancel"]


@time_machine.travel(NOW, tick=False)
def test_a_broadcast_without_the_default_language_is_refused(app, services):
    make_contact(services)
    client = signed_in(app, services, "coordinator")
    token = csrf(client, "/dashboard/broadcasts/new")
    response = client.post("/dashboard/broadcasts/", data={
        "name": "x", "text_fa": "سلام", "when": "now", "tz": "Asia/Kabul",
        "csrf_token": token})
    assert response.status_code == 422
    with services.database.read() as db:
        assert db.scalars(select(Broadcast)).first() is None


def test_the_overview_shows_the_work_panels(app, services):
    make_report(services)
    make_feedback(services)
    page = signed_in(app, services, "viewer").get("/dashboard/overview/").get_data(as_text=True)
    for panel in ("reports", "feedback", "rsvp", "delivery"):
        assert f'id="panel-{panel}"' in page


def test_the_until_day_is_included_in_both_lists(app, services):
    with time_machine.travel(NOW, tick=False):
        code, _ = make_report(services)
        reference = make_feedback(services, text="Water point broken")
    client = signed_in(app, services, "coordinator")
    for path, marker in (("/dashboard/reports/", code), ("/dashboard/feedback/", reference)):
        same_day = client.get(f"{path}?since=2026-11-20&until=2026-11-20").get_data(as_text=True)
        day_before = client.get(f"{path}?until=2026-11-19").get_data(as_text=True)
        day_after = client.get(f"{path}?since=2026-11-21").get_data(as_text=True)
        assert marker in same_day and marker not in day_before and marker not in day_after


def _status_page(client, code: str, status: str = "reviewing") -> str:
    token = csrf(client, f"/dashboard/reports/{code}")
    response = client.post(f"/dashboard/reports/{code}/status",
                           data={"status": status, "csrf_token": token})
    return client.get(response.location).get_data(as_text=True)


def test_a_status_change_confirms_how_the_reporter_was_told(app, services):
    from bot.accounts.service import set_scope
    from bot.store import Contact, User
    from tests.dashboard_builders import make_user, sign_in

    named, contact_id = make_report(services)
    anonymous, _ = make_report(services, anonymous=True)
    client = signed_in(app, services, "coordinator")
    assert "reporter is being told by message, in English" in _status_page(client, named)
    assert f"sees the new status when they send STATUS {anonymous}" in _status_page(
        client, anonymous)
    # A Kabul coordinator changes a Kabul report whose reporter is registered in Takhar:
    # the reporter is still told, though the coordinator cannot open their contact page.
    moved, moved_id = make_report(services)
    with services.database.write() as db:
        db.get(Contact, moved_id).province = "takhar"
    user_id, email = make_user(services, "coordinator", email="kabul@example.org")
    with services.database.write() as db:
        set_scope(db, db.get(User, user_id), ["kabul"], [])
    kabul = app.test_client()
    assert sign_in(kabul, email).status_code == 302
    assert kabul.get(f"/dashboard/contacts/{moved_id}").status_code == 404
    assert "reporter is being told by message" in _status_page(kabul, moved)
    with services.database.read() as db:
        told = db.scalars(select(Message).where(Message.contact_id == moved_id,
                                                Message.direction == "out")).all()
    assert any(moved in m.text for m in told)
    with services.database.write() as db:
        db.get(Report, named).contact_id = None  # as erasure leaves it
    assert "could not be told" in _status_page(client, named, "closed")
