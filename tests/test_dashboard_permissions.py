"""Every dashboard and API route, for every role: anonymous people are sent to sign in
(or get 401 from the API), a role without the route's permission gets 403, a role with
it gets through. Iterates app.url_map, so a new route is covered the day it is added."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.broadcasts import compose
from bot.conversations import service as conversations
from bot.core.clock import now
from bot.meetings import service
from bot.reports import referrals
from bot.store import Contact, Meeting, Report, Role
from dashboard.permissions import PUBLIC, can, permission_of
from tests.broadcasting import draft
from tests.builders import make_contact
from tests.dashboard_builders import bearer, csrf, make_token, make_user, signed_in
from tests.dashboard_work import make_report
from tests.meeting_builders import make_meeting

ROLES = ("anonymous", "viewer", "coordinator", "admin")
SKIP_METHODS = {"HEAD", "OPTIONS"}
# Routes that end the session go last, so that the rest run signed in.
LAST = {"dashboard.logout"}


class As:
    def __init__(self, role: str):
        self.role = role


def _samples(services) -> dict:
    contact_id, _, _ = make_contact(services)
    other_user, _ = make_user(services, "viewer", email="someone@example.org")
    from bot.contacts.imports import add_member, group_by_name

    with services.database.write() as db:
        group = group_by_name(db, "Kabul shura")
        add_member(db, group, contact_id)
        group_id = group.id
    from bot.accounts.tokens import create_token

    with services.database.write() as db:
        token_id = create_token(db, "sample", "viewer", None)[0].id
    code, _ = make_report(services)
    meeting_id = make_meeting(services, local_start=dt.datetime(2099, 1, 1, 10, 0))
    with services.database.write() as db:
        service.add_invitees(db, db.get(Meeting, meeting_id), [contact_id])
        broadcast_id = compose.store(db, draft(), now=now()).id
        conversation_id = conversations.open_for(db, db.get(Contact, contact_id), now=now()).id
        partner = referrals.add_partner(db, "Legal aid", "pack", None, ["en"], ["kabul"])
        referral_id = referrals.propose(db, db.get(Report, code), partner, by="test",
                                        now=now()).id
    from bot.consultations import recommendations
    from tests.consulting import create as make_consultation

    consultation_id = make_consultation(services)
    with services.database.write() as db:
        recommendation_id = recommendations.add(
            db, texts={"en": "Lights"}, addressed_to="Shura", by="test", now=now(),
            consultation_id=consultation_id).id
    return {"contact_id": contact_id, "group_id": group_id, "user_id": other_user,
            "token_id": token_id, "name": "contacts", "fmt": "csv", "filename": "app.css",
            "code": code, "meeting_id": meeting_id, "broadcast_id": broadcast_id,
            "conversation_id": conversation_id, "referral_id": referral_id,
            "consultation_id": consultation_id, "recommendation_id": recommendation_id,
            "secret": "not-the-secret"}


def _routes(app, prefix: str):
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith(prefix)]
    pairs = [(rule, method) for rule in rules for method in sorted(rule.methods - SKIP_METHODS)]
    return sorted(pairs, key=lambda pair: pair[0].endpoint in LAST)


def _url(rule, samples: dict) -> str:
    missing = [arg for arg in rule.arguments if arg not in samples]
    assert not missing, f"{rule.rule}: add sample values for {missing} to this test"
    return rule.build({arg: samples[arg] for arg in rule.arguments})[1]


def test_every_route_declares_a_permission(app):
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(("/dashboard", "/api")) or rule.endpoint.endswith("static"):
            continue
        assert permission_of(app.view_functions[rule.endpoint]) is not None, rule.rule


def test_the_route_table_is_not_empty(app):
    assert len(_routes(app, "/dashboard")) > 25
    assert len(_routes(app, "/api")) >= 10


@pytest.mark.parametrize("role", ROLES)
def test_dashboard_routes_obey_permissions(app, services, role):
    samples = _samples(services)
    client = signed_in(app, services, role)
    token = csrf(client, "/dashboard/login")
    checked = 0
    for rule, method in _routes(app, "/dashboard"):
        url = _url(rule, samples)
        if method == "GET":
            response = client.get(url)
        else:
            response = client.open(url, method=method, data={"csrf_token": token})
        status, where = response.status_code, f"{role} {method} {rule.rule}"
        assert status < 500, where
        if rule.endpoint.endswith("static"):
            assert status == 200, where
            continue
        permission = permission_of(app.view_functions[rule.endpoint])
        if permission == PUBLIC:
            assert status != 403, where
        elif role == "anonymous":
            assert status == 302 and "/dashboard/login" in response.location, where
        elif can(As(role), permission):
            assert status not in (401, 403), where
            to_login = status == 302 and "/dashboard/login" in response.location
            assert rule.endpoint in LAST or not to_login, where
        else:
            assert status == 403, where
        checked += 1
    assert checked > 25


@pytest.mark.parametrize("role", ROLES)
def test_api_routes_obey_permissions(app, services, role):
    samples = _samples(services)
    headers = bearer(make_token(services, role)) if role in Role.ALL else {}
    client = app.test_client()
    for rule, method in _routes(app, "/api"):
        url = _url(rule, samples)
        response = client.open(url, method=method, headers=headers,
                               json={} if method in ("POST", "PUT", "PATCH") else None)
        status, where = response.status_code, f"{role} {method} {rule.rule}"
        assert status < 500, where
        assert status == 204 or response.is_json, where
        permission = permission_of(app.view_functions[rule.endpoint])
        if permission == PUBLIC:
            assert status == 200, where
        elif role == "anonymous":
            assert status == 401, where
        elif can(As(role), permission):
            assert status not in (401, 403), where
        else:
            assert status == 403, where
            assert response.json["error"]["code"] == "forbidden"


def test_viewers_cannot_export_read_texts_or_manage():
    viewer = As("viewer")
    for permission in ("exports.download", "messages.text", "reports.text", "users.manage",
                       "tokens.manage", "contacts.addresses"):
        assert not can(viewer, permission)
    assert can(As("coordinator"), "exports.download")
    assert not can(As("coordinator"), "users.manage")
    assert can(As("admin"), "tokens.manage")
    assert not can(None, "overview.view")


def test_an_unknown_permission_is_a_programming_error():
    with pytest.raises(KeyError):
        can(As("admin"), "reports.delete_everything")
