"""Every dashboard and API route, for every role: anonymous people are sent to sign in
(or get 401 from the API), a role without the route's permission gets 403, a role with
it gets through. Iterates app.url_map, so a new route is covered the day it is added."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

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
        partner_id = partner.id
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
            "partner_id": partner_id, "secret": "not-the-secret"}


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


# Area scope: a coordinator or viewer limited to Kabul must see none of Balkh's rows on
# any route. Markers are planted in Balkh (a person, their messages, a report, feedback,
# a conversation, a meeting with only them invited, a broadcast to Balkh); every GET
# route of the dashboard and the API is read with the usual samples and again with the
# markers' ids, and every export is downloaded: no answer may contain a marker. The
# same walk as an unscoped coordinator finds every marker, so the test would fail
# without the scope.
MARKER_NAME = "Gulalai Markerzai"


def _plant_markers(services) -> tuple[dict, set[str]]:
    from tests.builders import chat
    from tests.dashboard_work import make_feedback

    contact_id, _, address = make_contact(services, name=MARKER_NAME, province="balkh")
    chat(services, address=address).say("Markerword message from Balkh")
    code, _ = make_report(services, province="balkh", description="Markerword report text")
    reference = make_feedback(services, province="balkh", text="Markerword feedback text")
    meeting_id = make_meeting(services, titles={"en": "Markerword meeting"},
                              local_start=dt.datetime(2099, 2, 1, 10, 0))
    with services.database.write() as db:
        service.add_invitees(db, db.get(Meeting, meeting_id), [contact_id])
        broadcast_id = compose.store(db, draft(name="Markerword broadcast",
                                               audience={"provinces": ["balkh"]}),
                                     now=now()).id
        conversation_id = conversations.open_for(db, db.get(Contact, contact_id),
                                                 now=now()).id
    ids = {"contact_id": contact_id, "code": code, "meeting_id": meeting_id,
           "broadcast_id": broadcast_id, "conversation_id": conversation_id}
    return ids, {MARKER_NAME, address, code, reference, "Markerword"}


def _scoped(services, role: str, email: str) -> int:
    from bot.accounts.service import set_scope
    from bot.store import User

    user_id, _ = make_user(services, role, email=email)
    with services.database.write() as db:
        set_scope(db, db.get(User, user_id), ["kabul"], [])
    return user_id


def _walk(app, client, samples: dict, markers: dict, headers=None,
          prefixes=("/dashboard", "/api")) -> dict[str, set[str]]:
    """Every GET route (and every export), with the samples and with the markers' ids:
    the answers' bodies."""
    from bot.core.exports import EXPORTS

    seen: dict[str, set[str]] = {}
    for prefix in prefixes:
        for rule, method in _routes(app, prefix):
            if method != "GET" or rule.endpoint in LAST or rule.endpoint.endswith("static"):
                continue
            urls = {_url(rule, samples), _url(rule, {**samples, **markers})}
            if rule.arguments >= {"name", "fmt"}:
                urls = {_url(rule, {**samples, "name": name}) for name in EXPORTS}
            for url in urls:
                response = client.get(url, headers=headers or {})
                assert response.status_code < 500, url
                seen[url] = {response.get_data(as_text=True)}
    return seen


def _found(seen: dict, words: set[str]) -> dict[str, set[str]]:
    return {url: {w for w in words if w in body}
            for url, [body] in ((u, list(b)) for u, b in seen.items())
            if any(w in body for w in words)}


@pytest.mark.parametrize("role", ["viewer", "coordinator"])
def test_a_scoped_account_sees_no_other_provinces_rows_on_any_route(app, services, role):
    samples = _samples(services)
    markers, words = _plant_markers(services)
    email = f"kabul-{role}@example.org"
    user_id = _scoped(services, role, email)
    from bot.accounts.tokens import create_token
    from tests.dashboard_builders import sign_in

    client = app.test_client()
    assert sign_in(client, email).status_code == 302
    with services.database.write() as db:
        token = create_token(db, "scoped", role, user_id)[1]
    leaks = _found(_walk(app, client, samples, markers), words)
    leaks |= _found(_walk(app, app.test_client(), samples, markers, bearer(token),
                          prefixes=("/api",)), words)
    assert leaks == {}
    assert samples["code"] in client.get("/dashboard/reports/").get_data(as_text=True)
    assert "In your area: Kabul" in client.get("/dashboard/overview/").get_data(as_text=True)


def _marker_state(services, markers: dict) -> tuple:
    from bot.store import Broadcast, Conversation

    with services.database.read() as db:
        return (db.get(Report, markers["code"]).status,
                db.get(Contact, markers["contact_id"]).status,
                db.get(Meeting, markers["meeting_id"]).status,
                db.get(Broadcast, markers["broadcast_id"]).status,
                db.get(Conversation, markers["conversation_id"]).status)


def test_a_scoped_coordinator_changes_nothing_of_another_province(app, services):
    """Every POST route aimed at the markers' ids, with the fields such forms send: none
    succeeds, and the markers are as they were."""
    samples = _samples(services)
    markers, _ = _plant_markers(services)
    before = _marker_state(services, markers)
    _scoped(services, "coordinator", "kabul@example.org")
    from tests.dashboard_builders import sign_in

    client = app.test_client()
    assert sign_in(client, "kabul@example.org").status_code == 302
    token = csrf(client, "/dashboard/overview/")
    form = {"csrf_token": token, "status": "closed", "confirm": "yes", "note": "x",
            "text": "Markerword reply", "reason": "x", "assignee": "", "consent": "yes"}
    checked = 0
    for rule, method in _routes(app, "/dashboard"):
        if method != "POST" or rule.endpoint in LAST or "simulator" in rule.endpoint:
            continue
        if not set(rule.arguments) & set(markers):
            continue
        url = _url(rule, {**samples, **markers})
        status = client.post(url, data=form).status_code
        assert status in (400, 403, 404, 409), url
        checked += 1
    assert checked >= 10
    from bot.accounts.tokens import create_token
    from bot.store import User

    with services.database.write() as db:
        owner = db.scalar(select(User.id).where(User.email == "kabul@example.org"))
        headers = bearer(create_token(db, "scoped", "coordinator", owner)[1])
    body = {k: v for k, v in form.items() if k != "csrf_token"}
    for rule, method in _routes(app, "/api"):
        if method == "GET" or not set(rule.arguments) & set(markers):
            continue
        url = _url(rule, {**samples, **markers})
        response = app.test_client().open(url, method=method, headers=headers, json=body)
        assert response.status_code in (400, 403, 404, 409, 422), f"{method} {url}"
        checked += 1
    assert _marker_state(services, markers) == before


def test_an_unscoped_coordinator_sees_the_markers(app, services):
    samples = _samples(services)
    markers, words = _plant_markers(services)
    client = signed_in(app, services, "coordinator")
    shown = set().union(*_found(_walk(app, client, samples, markers), words).values())
    assert shown == words
    assert "In your area" not in client.get("/dashboard/overview/").get_data(as_text=True)
