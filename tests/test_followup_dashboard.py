"""Follow-up from the dashboard and the API: ask from a report, the thread with its
reply box, unread counts in the navigation, notes, assignment, closing; the same by
bearer token; a question on an anonymous report is held and its answer shown."""

from __future__ import annotations

import datetime as dt
import re

import time_machine
from sqlalchemy import select

from bot.core.clock import now
from bot.store import AuditEvent, Conversation, Feedback, Message
from tests.community import person
from tests.dashboard_builders import bearer, csrf, make_token, make_user, signed_in
from tests.dashboard_work import make_feedback, make_report
from tests.followup_builders import file_by_sms

QUESTION = "Which village was it?"


def post(client, url, **data):
    return client.post(url, data={"csrf_token": csrf(client, "/dashboard/reports/"), **data})


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def only_conversation(services) -> Conversation:
    with services.database.read() as db:
        return db.scalars(select(Conversation)).one()


def test_a_coordinator_asks_from_the_report_and_follows_up_in_the_conversation(app, services):
    sim = person(services)
    code = file_by_sms(sim)
    client = signed_in(app, services, "coordinator")
    assert post(client, f"/dashboard/reports/{code}/ask", text=QUESTION).status_code == 302
    assert "on its way" in page(client, f"/dashboard/reports/{code}")
    assert sim.replies() == [f"About your report {code}: {QUESTION}\n"
                             "To answer, just reply to this message."]
    sim.say("Qala-e-Naw")
    conversation = only_conversation(services)
    home = page(client, "/dashboard/reports/")
    assert re.search(r'Conversations <span class="badge"[^>]*>1</span>', home)
    listing = page(client, "/dashboard/conversations/")
    assert code in listing and "Test" in listing
    shown = page(client, f"/dashboard/conversations/{conversation.id}")
    assert shown.index(QUESTION) < shown.index("Qala-e-Naw")  # time order
    assert 'data-segments-for="reply-text"' in shown and "Send now" in shown
    assert 'class="badge"' not in page(client, "/dashboard/reports/")  # read now
    post(client, f"/dashboard/conversations/{conversation.id}/reply", text="Thank you, we call.")
    assert sim.replies() == ["Thank you, we call."]
    post(client, f"/dashboard/conversations/{conversation.id}/note", text="Called the office")
    coordinator_id, _ = make_user(services, "coordinator", email="second@example.org")
    post(client, f"/dashboard/conversations/{conversation.id}/assign", user=str(coordinator_id))
    listing = "/dashboard/conversations/?assignee="
    assert code in page(client, f"{listing}{coordinator_id}")
    assert code not in page(client, f"{listing}none")
    assert "Called the office" in page(client, f"/dashboard/conversations/{conversation.id}")
    post(client, f"/dashboard/conversations/{conversation.id}/close")
    assert sim.replies()[0].startswith("Mashwara closed this conversation.")
    assert code not in page(client, "/dashboard/conversations/")
    assert post(client, f"/dashboard/conversations/{conversation.id}/reply",
                text="late").status_code == 409
    with services.database.read() as db:
        actions = set(db.scalars(select(AuditEvent.action)))
    assert {"report.ask", "conversation.reply", "conversation.note", "conversation.assign",
            "conversation.close"} <= actions


def test_an_anonymous_reports_question_is_held_and_its_answer_shown_on_the_report(
        app, services):
    sim = person(services)
    code = file_by_sms(sim, anonymous=True)
    sim.replies()
    client = signed_in(app, services, "coordinator")
    post(client, f"/dashboard/reports/{code}/ask", text=QUESTION)
    shown = page(client, f"/dashboard/reports/{code}")
    assert "waits on the report until the reporter sends STATUS" in shown
    assert "No answer yet." in shown
    assert sim.replies() == []
    sim.say(f"STATUS {code} By the school")
    shown = page(client, f"/dashboard/reports/{code}")
    assert "By the school" in shown and "The reporter answered" in shown


def test_conversations_open_from_a_person_and_from_their_feedback(app, services):
    sim = person(services)
    client = signed_in(app, services, "coordinator")
    reference = make_feedback(services)
    with services.database.write() as db:
        db.scalars(select(Feedback)).one().contact_id = sim.contact_id
    assert "Write to them" in page(client, "/dashboard/feedback/")
    opened = post(client, f"/dashboard/conversations/with/{sim.contact_id}", feedback=reference)
    assert opened.status_code == 302
    assert only_conversation(services).subject == reference
    again = post(client, f"/dashboard/conversations/with/{sim.contact_id}")
    assert again.location == opened.location  # one open conversation a person
    assert "Write to them" in page(client, f"/dashboard/contacts/{sim.contact_id}")


def test_the_api_asks_replies_reads_and_closes(app, services):
    named, anonymous = person(services, lang="ps"), person(services)
    code = file_by_sms(named)
    hidden = file_by_sms(anonymous, anonymous=True)
    api = app.test_client()
    headers = bearer(make_token(services, "coordinator"))
    asked = api.post(f"/api/v1/reports/questions?code={code}", json={"text": QUESTION},
                     headers=headers)
    assert asked.status_code == 201 and asked.json["held"] is False
    conversation_id = asked.json["conversation_id"]
    held = api.post(f"/api/v1/reports/questions?code={hidden}", json={"text": QUESTION},
                    headers=headers)
    assert held.json == {"held": True, "conversation_id": None, "reached": True}
    named.replies()
    named.say("د ښوونځي تر څنګ")
    (listed,) = api.get("/api/v1/conversations", headers=headers).json["items"]
    assert (listed["id"], listed["unread"], listed["subject"]) == (conversation_id, 1, code)
    thread = api.get(f"/api/v1/conversations/{conversation_id}", headers=headers).json
    assert [m["text"] for m in thread["messages"]][-2:] == [
        f"ستاسو د راپور {code} په اړه: {QUESTION}\nد ځواب لپاره همدې پیغام ته ځواب ولېږئ.",
        "د ښوونځي تر څنګ"]
    sent = api.post(f"/api/v1/conversations/{conversation_id}/messages",
                    json={"text": "مننه"}, headers=headers)
    assert sent.status_code == 201
    with services.database.read() as db:
        row = db.get(Message, sent.json["id"])
        assert (row.priority, row.channel) == (0, "sim")
    assert api.post(f"/api/v1/conversations/{conversation_id}/messages", json={"text": ""},
                    headers=headers).status_code == 422
    closed = api.post(f"/api/v1/conversations/{conversation_id}/close", headers=headers)
    assert closed.json["status"] == "closed"
    assert named.replies()[-1].startswith("Mashwara دا خبرې اترې بندې کړې.")
    assert api.get("/api/v1/conversations", headers=headers).json["items"] == []
    assert api.get("/api/v1/conversations/999", headers=headers).status_code == 404
    viewer = bearer(make_token(services, "viewer"))
    assert api.get("/api/v1/conversations", headers=viewer).status_code == 403


def test_a_report_is_referred_from_its_page_and_by_the_api_after_consent(
        app, services, settings):
    from tests.test_referral import add_partner, to_partners

    add_partner(settings)
    sim = person(services)
    code = file_by_sms(sim)
    sim.replies()
    client = signed_in(app, services, "coordinator")
    shown = page(client, f"/dashboard/reports/{code}")
    partner_id = re.search(r'<option value="(\d+)">Legal Aid Kabul</option>', shown).group(1)
    post(client, f"/dashboard/reports/{code}/refer", partner=partner_id)
    assert "The reporter is asked whether it may be shared." in page(
        client, f"/dashboard/reports/{code}")
    sim.replies()
    sim.say("1")
    shown = page(client, f"/dashboard/reports/{code}")
    assert "shared (the report only)" in shown
    referral_id = re.search(r"/referrals/(\d+)/revoke", shown).group(1)
    post(client, f"/dashboard/reports/{code}/referrals/{referral_id}/revoke")
    assert "withdrawn" in page(client, f"/dashboard/reports/{code}")
    assert len(to_partners(services)) == 2  # the referral, then its withdrawal

    api, headers = app.test_client(), bearer(make_token(services, "coordinator"))
    (partner,) = api.get("/api/v1/partners", headers=headers).json["items"]
    hidden = file_by_sms(person(services), anonymous=True)
    made = api.post(f"/api/v1/reports/referrals?code={hidden}",
                    json={"partner_id": partner["id"]}, headers=headers)
    assert made.status_code == 201
    assert (made.json["status"], made.json["share"]) == ("shared", "account")
    revoked = api.post(f"/api/v1/referrals/{made.json['id']}/revoke", headers=headers)
    assert revoked.json["status"] == "revoked"
    assert api.post("/api/v1/reports/referrals?code=R-2222", json={"partner_id": 1},
                    headers=headers).status_code == 404


def test_the_reports_inbox_is_urgent_first_then_newest_with_a_preview_for_readers(
        app, services):
    start = now()
    with time_machine.travel(start - dt.timedelta(hours=3), tick=False):
        old_urgent, _ = make_report(services, urgent=True, description="Shots near the school")
    with time_machine.travel(start - dt.timedelta(hours=2), tick=False):
        older, _ = make_report(services, description="The well is dry")
    with time_machine.travel(start - dt.timedelta(hours=1), tick=False):
        newer, _ = make_report(services, description="The road is closed")
    coordinator = signed_in(app, services, "coordinator")
    inbox = page(coordinator, "/dashboard/reports/")
    assert inbox.index(old_urgent) < inbox.index(newer) < inbox.index(older)
    assert "The road is closed" in inbox and "Dand" in inbox
    viewer = page(signed_in(app, services, "viewer"), "/dashboard/reports/")
    assert "The road is closed" not in viewer and "What happened" not in viewer
