"""A curious viewer: cannot find out whether a number is registered, does not see
districts; every lookup of a person by number, allowed or refused, from the dashboard,
the API or the CLI, is in the audit trail (by contact id, never the number)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot.cli.main import main
from bot.store import AuditEvent
from tests.builders import make_contact
from tests.dashboard_builders import bearer, csrf, make_token, signed_in
from tests.test_cli import env_for

NAME, DISTRICT = "Zarghuna", "Dand"

# role -> (may find a person by number, sees districts)
RULES = {
    "viewer": (False, False),
    "coordinator": (True, True),
    "admin": (True, True),
}


def _lookups(services) -> list[AuditEvent]:
    with services.database.read() as db:
        return list(db.scalars(select(AuditEvent).where(
            AuditEvent.action == "contact.lookup").order_by(AuditEvent.id)))


def _person(services) -> tuple[int, str]:
    contact_id, _, number = make_contact(services, channel="sms", name=NAME)
    return contact_id, number


@pytest.mark.parametrize("role", RULES)
def test_dashboard_search_by_number(app, services, role):
    may_search, _ = RULES[role]
    contact_id, number = _person(services)
    client = signed_in(app, services, role)
    response = client.get("/dashboard/contacts/", query_string={"q": number})
    page = response.get_data(as_text=True)
    assert response.status_code == (200 if may_search else 403)
    assert (NAME in page) is may_search
    absent = client.get("/dashboard/contacts/", query_string={"q": "+93799999999"})
    assert absent.status_code == (200 if may_search else 403)  # the same answer either way
    [found, missing] = _lookups(services)
    assert found.details["refused"] is not may_search and missing.details["found"] == 0
    assert found.details["via"] == "dashboard.search"
    assert found.target_id == (str(contact_id) if may_search else None)
    assert found.actor == f"user:{role}@example.org"
    assert number not in str([(e.details, e.target_id) for e in _lookups(services)])


@pytest.mark.parametrize("role", RULES)
def test_api_filter_by_number(client, services, role):
    may_search, _ = RULES[role]
    contact_id, number = _person(services)
    response = client.get("/api/v1/contacts", query_string={"phone": number},
                          headers=bearer(make_token(services, role)))
    assert response.status_code == (200 if may_search else 403)
    if may_search:
        assert [c["id"] for c in response.json["items"]] == [contact_id]
    [event] = _lookups(services)
    assert event.details["via"] == "api.filter" and event.details["refused"] is not may_search
    assert event.actor.startswith("token:") and number not in str(event.details)


@pytest.mark.parametrize("role", RULES)
def test_districts(app, client, services, role):
    _, sees_district = RULES[role]
    contact_id, _ = _person(services)
    page = signed_in(app, services, role).get(f"/dashboard/contacts/{contact_id}")
    assert page.status_code == 200
    assert (DISTRICT in page.get_data(as_text=True)) is sees_district
    listed = client.get("/api/v1/contacts", headers=bearer(make_token(services, role)))
    assert listed.json["items"][0]["district"] == (DISTRICT if sees_district else None)


def test_a_name_search_is_not_a_lookup_by_number(app, services):
    _person(services)
    page = signed_in(app, services, "viewer").get("/dashboard/contacts/?q=zarg")
    assert page.status_code == 200 and NAME in page.get_data(as_text=True)
    assert _lookups(services) == []


def test_a_cli_lookup_by_number_is_audited(services, settings):
    contact_id, number = _person(services)
    runner = CliRunner()
    runner.invoke(main, ["groups", "create", "Shura"], env=env_for(settings))
    result = runner.invoke(main, ["groups", "add", "Shura", number], env=env_for(settings))
    assert result.exit_code == 0, result.output
    [event] = _lookups(services)
    assert event.actor.startswith("cli") and event.target_id == str(contact_id)
    assert event.details == {"via": "cli", "found": 1}
    runner.invoke(main, ["groups", "add", "Shura", str(contact_id)], env=env_for(settings))
    assert len(_lookups(services)) == 1  # by id: not a lookup by number


def test_adding_a_known_number_is_an_audited_lookup(app, client, services):
    contact_id, number = _person(services)
    coordinator = signed_in(app, services, "coordinator")
    form = {"phone": number, "csrf_token": csrf(coordinator, "/dashboard/contacts/new")}
    assert coordinator.post("/dashboard/contacts/new", data=form).status_code == 302
    answer = client.post("/api/v1/contacts", json={"phone": number},
                         headers=bearer(make_token(services, "coordinator")))
    assert answer.status_code == 200  # "already registered": the answer is a lookup
    vias = [(e.details["via"], e.details["found"], e.target_id) for e in _lookups(services)]
    assert vias == [("dashboard.add", 1, str(contact_id)), ("api.create", 1, str(contact_id))]
