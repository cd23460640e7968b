"""Who did what: every recorded action, from the dashboard, the CLI and the bot, and the
admins-only page and export that show them."""

from __future__ import annotations

import re

from click.testing import CliRunner
from sqlalchemy import select

from bot.cli.main import main
from bot.store import AuditEvent
from tests.builders import chat, make_contact
from tests.dashboard_builders import PASSWORD, csrf, make_user, sign_in, signed_in
from tests.test_cli import env_for


def events(services, action: str | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    with services.database.read() as db:
        return list(db.scalars(query))


def test_sign_in_failure_and_sign_out_are_recorded(app, services):
    _, email = make_user(services, "viewer")
    client = app.test_client()
    assert sign_in(client, email, "wrong password!").status_code == 401
    assert sign_in(client, "nobody@example.org", PASSWORD).status_code == 401
    assert sign_in(client, email).status_code == 302
    client.post("/dashboard/logout", data={"csrf_token": csrf(client, "/dashboard/account")})
    trail = [(e.actor, e.action) for e in events(services)]
    assert trail == [(f"user:{email}", "sign-in.failed"), ("anonymous", "sign-in.failed"),
                     (f"user:{email}", "sign-in"), (f"user:{email}", "sign-out")]
    assert all(PASSWORD not in str(e.details) for e in events(services))


def test_dashboard_user_token_export_and_erase_are_recorded(app, services):
    client = signed_in(app, services, "admin")
    token = csrf(client, "/dashboard/users/")
    client.post("/dashboard/users/", data={"email": "new@example.org", "password": PASSWORD,
                                           "role": "viewer", "csrf_token": token})
    [created] = events(services, "user.create")
    client.post(f"/dashboard/users/{created.target_id}/role",
                data={"role": "coordinator", "csrf_token": token})
    client.post(f"/dashboard/users/{created.target_id}/disable", data={"csrf_token": token})
    client.post("/dashboard/tokens/", data={"name": "etl", "role": "viewer",
                                            "csrf_token": token})
    [made] = events(services, "token.create")
    client.post(f"/dashboard/tokens/{made.target_id}/revoke", data={"csrf_token": token})
    assert client.get("/dashboard/exports/contacts.csv?province=kabul").status_code == 200
    contact_id, _, number = make_contact(services, name="Zarghuna")
    client.post(f"/dashboard/contacts/{contact_id}/erase",
                data={"confirm": "erase", "csrf_token": token})
    actions = [e.action for e in events(services)]
    for action in ("user.role", "user.disable", "token.revoke", "export", "contact.erase"):
        assert action in actions
    [export] = events(services, "export")
    assert export.details["province"] == "kabul" and export.actor == "user:admin@example.org"
    assert events(services, "user.role")[0].details == {
        "address": "127.0.0.1", "from": "viewer", "to": "coordinator", "tokens_revoked": 0}
    every = str([(e.actor, e.target_id, e.details) for e in events(services)])
    assert "Zarghuna" not in every and number not in every


def test_delete_keyword_names_the_contact_by_id(services):
    person = chat(services, "en")
    for text in ("join", "1", "1", "Zarghuna", "1", "1", "1"):
        person.say(text)
    person.say("delete")
    person.say("1")
    [erased] = events(services, "contact.erase")
    assert re.fullmatch(r"contact:\d+", erased.actor) and erased.details == {"by": "DELETE"}


def test_cli_users_export_and_reports_are_recorded(settings, services):
    env = env_for(settings)
    runner = CliRunner()
    result = runner.invoke(main, ["users", "create", "cli@example.org", "--role", "viewer",
                                  "--password-stdin"], input=PASSWORD + "\n", env=env)
    assert result.exit_code == 0, result.output
    runner.invoke(main, ["users", "set-role", "cli@example.org", "admin"], env=env)
    runner.invoke(main, ["users", "disable", "cli@example.org"], env=env)
    result = runner.invoke(main, ["export", "contacts", "--status", "active"], env=env)
    assert result.exit_code == 0, result.output
    trail = [(e.action, e.actor.split(":")[0]) for e in events(services)]
    assert trail == [("user.create", "cli"), ("user.role", "cli"), ("user.disable", "cli"),
                     ("export", "cli")]
    assert events(services, "export")[0].details == {"format": "csv", "rows": 0,
                                                     "status": "active"}


def test_the_audit_page_is_for_admins_and_filters(app, services):
    coordinator = signed_in(app, services, "coordinator")
    assert coordinator.get("/dashboard/audit/").status_code == 403
    assert coordinator.get("/dashboard/exports/audit.csv").status_code == 403
    assert "audit" not in coordinator.get("/dashboard/exports/").get_data(as_text=True)
    admin = signed_in(app, services, "admin")
    page = admin.get("/dashboard/audit/?action=sign-in").get_data(as_text=True)
    row = "<td><bdi>{}</bdi></td>"  # the actor's cell: the account, not user:<email>
    assert row.format("admin@example.org") in page
    assert row.format("coordinator@example.org") in page
    page = admin.get("/dashboard/audit/?actor=coordinator%25").get_data(as_text=True)
    assert row.format("admin@example.org") not in page  # % is literal, not a wildcard
    assert admin.get("/dashboard/audit/?since=junk&page=x").status_code == 200
    exported = admin.get("/dashboard/exports/audit.csv").get_data(as_text=True)
    assert "sign-in" in exported and "user:coordinator@example.org" in exported
    assert events(services, "export")[-1].target_id == "audit"


def test_cli_broadcasts_and_the_scheduler_are_recorded(services, settings):
    make_contact(services)
    env = {**env_for(settings), "MASHWARA_BROADCAST_QUIET_HOURS": ""}
    runner = CliRunner()
    result = runner.invoke(main, ["broadcasts", "create", "--name", "Shura", "--text", "en",
                                  "Shura Monday.", "--yes"], env=env)
    assert result.exit_code == 0, result.output
    runner.invoke(main, ["broadcasts", "pause", "1"], env=env)
    runner.invoke(main, ["broadcasts", "resume", "1"], env=env)
    runner.invoke(main, ["broadcasts", "cancel", "1", "--yes"], env=env)
    trail = [(e.action, e.actor.split(":")[0], e.target_id) for e in events(services)]
    assert trail == [("broadcast.create", "cli", "1"), ("broadcast.send", "scheduler", "1"),
                     ("broadcast.pause", "cli", "1"), ("broadcast.resume", "cli", "1"),
                     ("broadcast.cancel", "cli", "1")]
    assert events(services, "broadcast.create")[0].details["recipients"] == 1


def test_key_rotation_is_recorded(services, settings):
    from cryptography.fernet import Fernet

    make_contact(services, name="Zarghuna")
    new_key = Fernet.generate_key().decode()
    env = {**env_for(settings),
           "MASHWARA_ENCRYPTION_KEY": f"{new_key},{settings.encryption_keys[0]}"}
    result = CliRunner().invoke(main, ["keys", "rotate"], env=env)
    assert result.exit_code == 0, result.output
    from bot.core.crypto import configure

    configure(settings.encryption_keys)  # the rest of the suite uses the test key
    [rotated] = events(services, "keys.rotate")
    assert rotated.actor.startswith("cli") and rotated.details["values"] > 0
