"""The JSON API: bearer tokens, pagination, create, errors, and the OpenAPI document."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.core.clock import now
from bot.store import ApiToken
from dashboard.api.registry import ROUTES
from tests.builders import chat, make_contact
from tests.dashboard_builders import bearer, csrf, make_token, signed_in


def test_no_token_or_a_wrong_one_is_401(client, services):
    assert client.get("/api/v1/contacts").status_code == 401
    response = client.get("/api/v1/contacts", headers=bearer("mw_not-a-token"))
    assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_tokens_are_stored_hashed_and_can_be_revoked(client, services):
    token = make_token(services, "viewer")
    with services.database.read() as db:
        row = db.scalar(select(ApiToken))
    assert token not in (row.token_hash, row.prefix) and token.startswith(row.prefix)
    assert client.get("/api/v1/contacts", headers=bearer(token)).status_code == 200
    with services.database.write() as db:
        db.get(ApiToken, row.id).revoked_at = now()
    assert client.get("/api/v1/contacts", headers=bearer(token)).status_code == 401


def test_an_admin_makes_a_token_in_the_dashboard_and_sees_it_once(app, services):
    client = signed_in(app, services, "admin")
    response = client.post("/dashboard/tokens/", data={
        "name": "partner sync", "role": "viewer", "csrf_token": csrf(client, "/dashboard/tokens/")})
    token = response.get_data(as_text=True).split('id="new-token">')[1].split("<")[0]
    assert app.test_client().get("/api/v1/groups", headers=bearer(token)).status_code == 200
    assert token not in client.get("/dashboard/tokens/").get_data(as_text=True)


def test_contacts_are_paginated_with_a_cursor(client, services):
    ids = [make_contact(services)[0] for _ in range(5)]
    headers = bearer(make_token(services))
    first = client.get("/api/v1/contacts?limit=2", headers=headers).json
    assert [c["id"] for c in first["items"]] == ids[:2]
    second = client.get(f"/api/v1/contacts?limit=2&cursor={first['next_cursor']}",
                        headers=headers).json
    third = client.get(f"/api/v1/contacts?limit=2&cursor={second['next_cursor']}",
                       headers=headers).json
    assert [c["id"] for c in second["items"] + third["items"]] == ids[2:]
    assert third["next_cursor"] is None


def test_a_viewer_token_sees_no_addresses_or_texts(client, services):
    _, _, address = make_contact(services, channel="sms")
    chat(services, "en").say("private words")
    viewer, admin = bearer(make_token(services, "viewer")), bearer(make_token(services, "admin"))
    seen = client.get("/api/v1/contacts", headers=viewer).json["items"][0]["addresses"]
    assert seen == [{"channel": "sms", "address": None, "stopped": False}]
    full = client.get("/api/v1/contacts", headers=admin).json["items"][0]["addresses"]
    assert full[0]["address"] == address
    texts = [m["text"] for m in client.get("/api/v1/messages", headers=viewer).json["items"]]
    assert texts and all(text is None for text in texts)
    texts = [m["text"] for m in client.get("/api/v1/messages", headers=admin).json["items"]]
    assert "private words" in texts


def test_create_a_contact_then_update_it(client, services):
    headers = bearer(make_token(services, "coordinator"))
    body = {"phone": "+93700555000", "name": "Hamid", "language": "ps", "province": "kandahar",
            "role": "shura", "groups": ["Kandahar shura"]}
    created = client.post("/api/v1/contacts", json=body, headers=headers)
    assert created.status_code == 201
    assert created.json["name"] == "Hamid" and len(created.json["groups"]) == 1
    updated = client.post("/api/v1/contacts", json={"phone": "+93700555000", "name": "Hamid K."},
                          headers=headers)
    assert updated.status_code == 200 and updated.json["id"] == created.json["id"]
    assert updated.json["role"] == "shura"


def test_groups_and_members(client, services):
    contact_id = make_contact(services)[0]
    headers = bearer(make_token(services, "coordinator"))
    group = client.post("/api/v1/groups", json={"name": "Women's shura"}, headers=headers).json
    assert client.post("/api/v1/groups", json={"name": "Women's shura"},
                       headers=headers).status_code == 409
    members = f"/api/v1/groups/{group['id']}/members"
    assert client.post(members, json={"contact_id": contact_id}, headers=headers).status_code == 201
    assert client.post(members, json={"contact_id": contact_id}, headers=headers).status_code == 200
    assert client.get(members, headers=headers).json["items"][0]["contact_id"] == contact_id
    assert client.get(f"/api/v1/groups/{group['id']}", headers=headers).json["members"] == 1
    assert client.delete(f"{members}/{contact_id}", headers=headers).status_code == 204
    assert client.delete(f"{members}/{contact_id}", headers=headers).status_code == 404


def test_bad_input_gets_a_json_error_never_a_500(client, services):
    headers = bearer(make_token(services, "admin"))
    cases = [
        ("post", "/api/v1/contacts", {"data": "not json"}, 400),
        ("post", "/api/v1/contacts", {"json": ["a list"]}, 400),
        ("post", "/api/v1/contacts", {"json": {}}, 422),
        ("post", "/api/v1/contacts", {"json": {"phone": 93}}, 422),
        ("post", "/api/v1/contacts", {"json": {"phone": "+93700000001", "extra": 1}}, 422),
        ("post", "/api/v1/contacts", {"json": {"phone": "+9370\x000001"}}, 422),
        ("post", "/api/v1/groups", {"json": {"name": "x" * 121}}, 422),
        ("get", "/api/v1/contacts?limit=0", {}, 400),
        ("get", "/api/v1/contacts?limit=abc", {}, 400),
        ("get", "/api/v1/contacts?cursor=xyz", {}, 400),
        ("get", "/api/v1/contacts/99999999999999", {}, 404),
        ("get", "/api/v1/nothing", {}, 404),
        ("put", "/api/v1/contacts", {}, 405),
    ]
    for method, url, options, status in cases:
        response = getattr(client, method)(url, headers=headers, **options)
        assert response.status_code == status, (method, url, options)
        assert response.json["error"]["message"], (method, url)


def test_the_openapi_document_describes_every_api_route(client, app):
    document = client.get("/api/openapi.json").json
    assert document["openapi"].startswith("3.")
    operations = {(method.upper(), path) for path, item in document["paths"].items()
                  for method in item}
    rules = {(method, "/api" + re.sub(r"<(?:int:)?(\w+)>", r"{\1}",
                                      rule.rule.removeprefix("/api")))
             for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1")
             for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert {(m, "/api" + p) for m, p in operations} == rules
    assert len(ROUTES) == len(rules)
    contact = document["components"]["schemas"]["ContactOut"]
    assert contact["properties"]["addresses"]["type"] == "array"
