"""Accounts against an attacker: a stolen API token or session cookie stops working when
the account is disabled, changes role, signs out or changes its password; guessing from
one address is slowed without locking the owner out from another; forged X-Forwarded-For
headers change nothing unless a proxy is configured."""

from __future__ import annotations

import re

import requests
import time_machine
from click.testing import CliRunner
from sqlalchemy import select

from bot.cli.main import main
from bot.core.clock import now
from bot.store import ApiToken, AuditEvent, User
from dashboard.ratelimit import FIRST_WAIT, FREE_PER_ACCOUNT
from tests import faults
from tests.builders import running, web_app
from tests.dashboard_builders import PASSWORD, bearer, csrf, make_user, sign_in
from tests.test_cli import env_for, free_port

COOKIE = "mashwara_session"
CONTACTS = "/api/v1/contacts"
PAGE = "/dashboard/overview/"


def _admin(app, services, email="owner@example.org"):
    user_id, email = make_user(services, "admin", email=email)
    client = app.test_client()
    assert sign_in(client, email).status_code == 302
    return user_id, client


def _token_made_by(client, role: str = "admin") -> str:
    page = client.post("/dashboard/tokens/", data={
        "name": "etl", "role": role, "csrf_token": csrf(client, "/dashboard/tokens/")})
    assert page.status_code == 201
    return page.get_data(as_text=True).split('id="new-token">')[1].split("<")[0].strip()


def _stolen(app, client):
    """A second browser holding a copy of `client`'s session cookie."""
    thief = app.test_client()
    thief.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    assert thief.get(PAGE).status_code == 200
    return thief


def _post(client, path: str, **data):
    return client.post(path, data={**data, "csrf_token": csrf(client, "/dashboard/account")})


def test_a_disabled_accounts_api_token_stops_at_once(app, services):
    owner_id, owner = _admin(app, services)
    token = _token_made_by(owner)
    api = app.test_client()
    assert api.get(CONTACTS, headers=bearer(token)).status_code == 200
    _, other = _admin(app, services, "second@example.org")
    _post(other, f"/dashboard/users/{owner_id}/disable")
    assert api.get(CONTACTS, headers=bearer(token)).status_code == 401
    _post(other, f"/dashboard/users/{owner_id}/enable")
    assert api.get(CONTACTS, headers=bearer(token)).status_code == 401  # revoked for good


def test_a_token_is_checked_against_its_owner_even_when_the_row_is_changed_directly(
        app, services):
    owner_id, owner = _admin(app, services)
    token = _token_made_by(owner)
    api = app.test_client()
    with services.database.write() as db:
        db.get(User, owner_id).role = "viewer"  # no revocation: the check at use holds
    assert api.get(CONTACTS, headers=bearer(token)).status_code == 401
    with services.database.write() as db:
        user = db.get(User, owner_id)
        user.role, user.disabled_at = "admin", now()
    assert api.get(CONTACTS, headers=bearer(token)).status_code == 401


def test_tokens_die_when_their_owners_role_changes(app, services, settings):
    owner_id, owner = _admin(app, services)
    viewer_token = _token_made_by(owner, "viewer")
    _, other = _admin(app, services, "second@example.org")
    _post(other, f"/dashboard/users/{owner_id}/role", role="coordinator")
    api = app.test_client()
    assert api.get(CONTACTS, headers=bearer(viewer_token)).status_code == 401
    with services.database.read() as db:
        assert db.scalar(select(ApiToken.revoked_at)) is not None
    [event] = [e for e in _trail(services) if e.action == "user.role"]
    assert event.details["tokens_revoked"] == 1

    with services.database.write() as db:
        db.get(User, owner_id).role = "admin"
    owner_again = _signed_in_again(app, "owner@example.org")
    fresh = _token_made_by(owner_again)
    result = CliRunner().invoke(main, ["users", "set-role", "owner@example.org", "viewer"],
                                env=env_for(settings))
    assert result.exit_code == 0, result.output
    assert api.get(CONTACTS, headers=bearer(fresh)).status_code == 401
    assert owner_again.get(PAGE).status_code == 302  # and its session ended


def _signed_in_again(app, email: str):
    client = app.test_client()
    assert sign_in(client, email).status_code == 302
    return client


def _trail(services) -> list[AuditEvent]:
    with services.database.read() as db:
        return list(db.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def test_signing_out_ends_the_session_and_a_copied_cookie(app, services):
    _, email = make_user(services, "coordinator")
    client = app.test_client()
    sign_in(client, email)
    thief = _stolen(app, client)
    other_device = _signed_in_again(app, email)
    _post(client, "/dashboard/logout")
    assert client.get(PAGE).status_code == 302
    assert thief.get(PAGE).status_code == 302  # the old cookie, replayed
    assert other_device.get(PAGE).status_code == 302  # every session of the account


def test_a_new_password_ends_every_other_session(app, services):
    user_id, email = make_user(services, "coordinator")
    client = app.test_client()
    sign_in(client, email)
    thief = _stolen(app, client)
    wrong = _post(client, "/dashboard/account", action="password", current="not it at all",
                  new="a new long password", again="a new long password")
    assert wrong.status_code == 302 and thief.get(PAGE).status_code == 200
    short = _post(client, "/dashboard/account", action="password", current=PASSWORD,
                  new="short", again="short")
    assert short.status_code == 302 and thief.get(PAGE).status_code == 200
    changed = _post(client, "/dashboard/account", action="password", current=PASSWORD,
                    new="a new long password", again="a new long password")
    assert changed.status_code == 302
    assert thief.get(PAGE).status_code == 302
    assert client.get(PAGE).status_code == 200  # this browser got a fresh session
    assert sign_in(app.test_client(), email).status_code == 401
    assert sign_in(app.test_client(), email, "a new long password").status_code == 302
    actions = [e.action for e in _trail(services) if e.target_id == str(user_id)]
    assert actions.count("password.failed") == 1 and actions.count("password.change") == 1


def test_the_cli_password_change_ends_sessions_too(app, services, settings):
    _, email = make_user(services, "coordinator")
    client = _signed_in_again(app, email)
    result = CliRunner().invoke(main, ["users", "set-password", email, "--password-stdin"],
                                input="another long password\n", env=env_for(settings))
    assert result.exit_code == 0, result.output
    assert client.get(PAGE).status_code == 302
    assert sign_in(app.test_client(), email, "another long password").status_code == 302


def test_disabling_or_a_new_role_ends_sessions_and_enabling_does_not_revive_them(
        app, services):
    victim_id, email = make_user(services, "coordinator")
    client = _signed_in_again(app, email)
    _, admin = _admin(app, services)
    _post(admin, f"/dashboard/users/{victim_id}/role", role="viewer")
    assert client.get(PAGE).status_code == 302
    client = _signed_in_again(app, email)
    _post(admin, f"/dashboard/users/{victim_id}/disable")
    _post(admin, f"/dashboard/users/{victim_id}/enable")
    assert client.get(PAGE).status_code == 302


def test_fifty_guesses_from_one_address_do_not_lock_the_owner_out(app, services):
    _, email = make_user(services, "coordinator")
    attacker = app.test_client()
    answers = [sign_in(attacker, email, f"guess number {n}", address="203.0.113.66").status_code
               for n in range(50)]
    assert answers[:FREE_PER_ACCOUNT] == [401] * FREE_PER_ACCOUNT
    assert set(answers[FREE_PER_ACCOUNT:]) == {429}  # slowed: nothing more was checked
    assert sign_in(attacker, email, address="203.0.113.66").status_code == 429
    owner = app.test_client()
    assert sign_in(owner, email, address="198.51.100.7").status_code == 302


def test_the_wait_doubles_with_each_failure(app, services):
    _, email = make_user(services, "coordinator")
    attacker = app.test_client()

    def guess(password: str = "guess again"):
        return sign_in(attacker, email, password, address="203.0.113.66")

    waits = []
    with time_machine.travel(now(), tick=False) as clock:
        for n in range(FREE_PER_ACCOUNT):
            assert guess(f"guess {n}").status_code == 401
        for _ in range(3):
            slowed = guess()
            assert slowed.status_code == 429
            waits.append(int(slowed.headers["Retry-After"]))
            assert guess(PASSWORD).headers["Retry-After"] == str(waits[-1])  # nothing added
            clock.shift(waits[-1])
            assert guess().status_code == 401  # checked again, and wrong
    first = int(FIRST_WAIT.total_seconds())
    assert waits == [first, 2 * first, 4 * first]


def _guess(client, email: str, forged: str, password: str = "a wrong guess"):
    return client.post("/dashboard/login", data={
        "email": email, "password": password, "csrf_token": csrf(client)},
        headers={"X-Forwarded-For": forged}, environ_base={"REMOTE_ADDR": "203.0.113.66"})


def test_forged_forwarded_for_headers_are_ignored_without_a_proxy(app, services):
    _, email = make_user(services, "coordinator")
    attacker = app.test_client()
    answers = [_guess(attacker, email, f"10.0.{n}.1").status_code for n in range(12)]
    assert answers.count(401) == FREE_PER_ACCOUNT  # each new address bought nothing
    addresses = {e.details.get("address") for e in _trail(services)
                 if e.action == "sign-in.failed"}
    assert addresses == {"203.0.113.66"}  # the real peer in the audit trail


def test_with_one_trusted_proxy_the_address_it_adds_counts(settings, services):
    _, email = make_user(services, "coordinator")
    with running(settings.with_overrides(trusted_proxies=1)) as behind_proxy:
        client = web_app(behind_proxy).test_client()
        _guesses_through_a_proxy(client, email)
    addresses = {e.details.get("address") for e in _trail(services)
                 if e.action == "sign-in.failed"}
    assert addresses == {"198.51.100.9"}


def _guesses_through_a_proxy(client, email: str) -> None:
    # The client forged the first entry; the proxy appended the address it saw.
    for n in range(FREE_PER_ACCOUNT + 1):
        _guess(client, email, f"10.0.{n}.1, 198.51.100.9")
    assert _guess(client, email, "10.0.99.1, 198.51.100.9", PASSWORD).status_code == 429
    assert _guess(client, email, "10.0.99.1, 198.51.100.10", PASSWORD).status_code == 302


def test_a_running_web_server_counts_the_real_peer(settings, services, tmp_path):
    """`mashwara web` (gunicorn) as deployed without a proxy: a new forged address on every
    guess still meets the limit, and the audit trail names the real peer."""
    _, email = make_user(services, "coordinator")
    port = free_port()
    web = faults.start(["web", "--port", str(port), "--workers", "1"],
                       faults.env_for_web(settings.database_url, tmp_path), tmp_path)
    try:
        base = f"http://127.0.0.1:{port}"
        faults.wait_for(lambda: faults.answers(f"{base}/healthz"), 60, "mashwara web")
        browser = requests.Session()
        answers = []
        for n in range(FREE_PER_ACCOUNT + 3):
            page = browser.get(f"{base}/dashboard/login", timeout=10).text
            token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            answers.append(browser.post(f"{base}/dashboard/login", timeout=30, headers={
                "X-Forwarded-For": f"10.0.{n}.1"}, allow_redirects=False, data={
                "email": email, "password": f"guess {n}", "csrf_token": token}).status_code)
    finally:
        faults.stop(web)
    assert answers == [401] * FREE_PER_ACCOUNT + [429] * 3
    addresses = {e.details.get("address") for e in _trail(services)
                 if e.action == "sign-in.failed"}
    assert addresses == {"127.0.0.1"}


def test_passwords_are_kept_as_argon2id_at_rfc_9106s_cost(production_hasher, services):
    """What the service hashes with outside the tests (they swap in a cheap hasher)."""
    from argon2 import Type, extract_parameters

    from bot.accounts import service

    assert service.HASHER is not production_hasher  # the tests' cheap one
    params = extract_parameters(production_hasher.hash("a long pass phrase"))
    assert (params.type, params.memory_cost, params.time_cost) == (Type.ID, 65536, 3)
    # A hash made at a lower cost is made again at the production cost on sign-in.
    assert production_hasher.check_needs_rehash(service.HASHER.hash("a long pass phrase"))
