"""The dashboard's SMS channels pages and /api/v1/channels, for admins only: each
channel's state, last message in and out, and queue (the list never shows a URL or a
secret); adding a channel and seeing how to connect it, a test message, a new pace,
disabling and removing, each audited."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.channels import table
from bot.core.clock import now
from bot.outbound.outbox import enqueue
from bot.store import AuditEvent, ChannelState, Identity
from tests.builders import make_contact, running, web_app
from tests.dashboard_builders import bearer, csrf, make_token, signed_in
from tests.fakes.sendsms import FakeSendsms


@pytest.fixture
def two_channels(services):
    roshan = table.add(services.database, "kannel", "roshan", "http://10.1.1.1/cgi-bin/sendsms",
                       username="mw", password="sendsms-pass", prefixes=("af:roshan",),
                       at=now())
    table.add(services.database, "smsgate", "phone1", "https://api.sms-gate.app/3rdparty/v1",
              username="U", password="P", rate=0.5, at=now())
    table.set_state(services.database, "phone1", ChannelState.DOWN, now())
    table.seen(services.database, "roshan", now(), inbound=True)
    _, identity_id, _ = make_contact(services, channel="roshan")
    with services.database.write() as db:
        for n in range(3):
            enqueue(db, db.get(Identity, identity_id), f"notice {n}", now=now())
    return roshan


def test_admins_see_each_channels_state_and_queue(app, services, two_channels):
    client = signed_in(app, services, "admin")
    page = client.get("/dashboard/channels/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "roshan" in html and "phone1" in html
    assert "+9379 +9372" in html and "down: bulk goes another way" in html
    assert ">3</td>" in html  # three messages waiting for roshan
    for secret in ("sendsms-pass", two_channels.secret, "10.1.1.1"):
        assert secret not in html


@pytest.mark.parametrize("role", ["viewer", "coordinator"])
def test_other_roles_do_not_see_the_channels(app, services, two_channels, role):
    assert signed_in(app, services, role).get("/dashboard/channels/").status_code == 403


def test_the_api_lists_the_channels(app, services, two_channels):
    response = app.test_client().get("/api/v1/channels",
                                     headers=bearer(make_token(services, "admin")))
    assert response.status_code == 200
    items = {item["name"]: item for item in response.get_json()["items"]}
    assert items["roshan"]["queued"] == 3 and items["roshan"]["state"] == "up"
    assert items["roshan"]["last_in_at"] is not None
    assert (items["phone1"]["state"], items["phone1"]["per_minute"]) == ("down", 30)
    assert "sendsms-pass" not in response.get_data(as_text=True)
    viewer = bearer(make_token(services, "viewer"))
    assert app.test_client().get("/api/v1/channels", headers=viewer).status_code == 403


PUBLIC = "https://bot.example.org"


@pytest.fixture
def admin_side(settings):
    """Mashwara with a public URL (so the setup shows), a sendsms to test through, and an
    admin signed in to the dashboard and holding an API token."""
    sendsms = FakeSendsms().start()
    with running(settings.with_overrides(public_url=PUBLIC)) as services:
        app = web_app(services)
        yield services, app, sendsms
    sendsms.stop()


def _events(services, action):
    with services.database.read() as db:
        return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_an_admin_adds_a_kannel_channel_in_the_dashboard_and_sees_how_to_connect_it(
        admin_side):
    services, app, sendsms = admin_side
    client = signed_in(app, services, "admin")
    token = csrf(client, "/dashboard/channels/")
    answer = client.post("/dashboard/channels/", data={
        "csrf_token": token, "kind": "kannel", "name": "roshan", "url": sendsms.url,
        "username": "mw", "password": "sendsms-pass", "from": "1234", "rate": "5",
        "prefixes": "af:roshan, +93 70"})
    assert answer.status_code == 302 and answer.location.endswith("/dashboard/channels/roshan")
    config = table.get(services.database, "roshan")
    assert (config.rate, config.sender, config.password) == (5.0, "1234", "sendsms-pass")
    assert "+9370" in config.prefixes and "+9379" in config.prefixes
    page = client.get("/dashboard/channels/roshan").get_data(as_text=True)
    # The group to paste into kannel.conf, with the channel's secret receive URL.
    assert "group = sms-service" in page and f"{PUBLIC}/webhooks/kannel/roshan/" in page
    assert config.secret in page and "sendsms-pass" not in page
    remove = re.search(r'action="[^"]*/roshan/remove"[^>]*data-confirm="[^"]+"[^>]*>.*?'
                       r'<button[^>]*class="danger"', page, re.S)
    assert remove, "removing asks first and is in the warning colour"
    [event] = _events(services, "channel.add")
    assert (event.actor, event.target_id) == ("user:admin@example.org", "roshan")


def test_a_bad_channel_is_refused_with_the_field_named_and_nothing_added(admin_side):
    services, app, _ = admin_side
    client = signed_in(app, services, "admin")
    token = csrf(client, "/dashboard/channels/")
    for field, value, said in (("name", "Roshan Link", "lower-case letters"),
                               ("url", "ftp://x", "http://"), ("rate", "fast", "per second"),
                               ("prefixes", "af:nowhere", "af:roshan")):
        form = {"csrf_token": token, "kind": "kannel", "name": "roshan",
                "url": "http://127.0.0.1:13013/cgi-bin/sendsms", "rate": "1", field: value}
        answer = client.post("/dashboard/channels/", data=form)
        assert answer.status_code == 422, field
        assert said in answer.get_data(as_text=True), field
        # What was typed stays in the form, the password excepted.
        assert 'value="http' in answer.get_data(as_text=True) or field == "url"
    assert table.all_channels(services.database) == []


def test_a_test_message_disabling_and_removing_from_the_dashboard(admin_side):
    services, app, sendsms = admin_side
    table.add(services.database, "kannel", "roshan", sendsms.url, username="mw",
              password="p", at=now())
    client = signed_in(app, services, "admin")
    token = csrf(client, "/dashboard/channels/roshan")
    tested = client.post("/dashboard/channels/roshan/test", follow_redirects=True,
                         data={"csrf_token": token, "phone": "0799 123 456"})
    [sent] = sendsms.sent()
    assert sent["to"] == "+93799123456" and "roshan" in sent["text"]
    assert "Test message sent" in tested.get_data(as_text=True)
    client.post("/dashboard/channels/roshan/change",
                data={"csrf_token": token, "rate": "2.5", "prefixes": "+9379"})
    assert table.get(services.database, "roshan").rate == 2.5
    client.post("/dashboard/channels/roshan/disable", data={"csrf_token": token})
    assert not table.get(services.database, "roshan").enabled
    refused = client.post("/dashboard/channels/roshan/test", follow_redirects=True,
                          data={"csrf_token": token, "phone": "+93799123456"})
    assert "disabled" in refused.get_data(as_text=True) and len(sendsms.sent()) == 1
    client.post("/dashboard/channels/roshan/remove", data={"csrf_token": token})
    assert table.all_channels(services.database) == []
    assert [len(_events(services, f"channel.{a}")) for a in
            ("test", "change", "disable", "remove")] == [1, 1, 1, 1]


def test_the_api_adds_changes_tests_and_removes_a_channel(admin_side):
    services, app, sendsms = admin_side
    api, headers = app.test_client(), bearer(make_token(services, "admin"))
    body = {"kind": "smsgate", "name": "phone1", "url": sendsms.url, "username": "U",
            "password": "gateway-pass-71", "per_minute": 30, "prefixes": ["+9379"]}
    created = api.post("/api/v1/channels", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    setup = created.get_json()
    config = table.get(services.database, "phone1")
    assert setup["signing_key"] == config.signing_key and setup["kannel_group"] is None
    assert setup["inbound_urls"] == [f"{PUBLIC}/webhooks/smsgate/phone1/{config.secret}/events"]
    assert setup["channel"]["per_minute"] == 30 and config.rate == 0.5
    assert api.post("/api/v1/channels", json=body, headers=headers).status_code == 409
    bad = api.post("/api/v1/channels", json={**body, "name": "Phone 2"}, headers=headers)
    assert bad.status_code == 422 and "name" in bad.get_json()["error"]["message"]
    changed = api.patch("/api/v1/channels/phone1", headers=headers,
                        json={"enabled": False, "per_minute": 120, "prefixes": []})
    assert changed.status_code == 200
    assert (changed.get_json()["enabled"], changed.get_json()["per_minute"]) == (False, 120)
    assert table.get(services.database, "phone1").prefixes == ()
    refused = api.post("/api/v1/channels/phone1/test", json={"phone": "+93799123456"},
                       headers=headers)
    assert refused.status_code == 422 and sendsms.requests == []
    assert api.get("/api/v1/channels/nowhere", headers=headers).status_code == 404
    shown = api.get("/api/v1/channels/phone1", headers=headers).get_data(as_text=True)
    assert config.signing_key in shown and "gateway-pass-71" not in shown
    viewer = bearer(make_token(services, "coordinator"))
    assert api.get("/api/v1/channels/phone1", headers=viewer).status_code == 403
    assert api.delete("/api/v1/channels/phone1", headers=viewer).status_code == 403
    assert api.delete("/api/v1/channels/phone1", headers=headers).status_code == 204
    assert table.all_channels(services.database) == []
    assert len(_events(services, "channel.add")) == 1
    assert _events(services, "channel.remove")[0].actor.startswith("token:")


def test_the_api_sends_a_test_message_through_kannel(admin_side):
    services, app, sendsms = admin_side
    table.add(services.database, "kannel", "roshan", sendsms.url, at=now())
    answer = app.test_client().post("/api/v1/channels/roshan/test", json={"phone": "+93799000111"},
                                    headers=bearer(make_token(services, "admin")))
    assert answer.status_code == 200 and answer.get_json()["sent"] is True
    assert [s["to"] for s in sendsms.sent()] == ["+93799000111"]
