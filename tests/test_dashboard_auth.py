"""Sign-in: passwords, CSRF, the rate limit, TOTP, session cookies, disabled accounts."""

from __future__ import annotations

import datetime as dt

import pyotp
import time_machine

from bot.core.clock import now
from bot.store import User
from dashboard.ratelimit import FIRST_WAIT, FREE_PER_ACCOUNT, FREE_PER_ADDRESS
from tests.dashboard_builders import PASSWORD, csrf, make_user, sign_in


def test_the_right_password_signs_in_and_a_wrong_one_does_not(app, services):
    _, email = make_user(services, "viewer")
    client = app.test_client()
    assert sign_in(client, email, "wrong password!").status_code == 401
    assert client.get("/dashboard/overview/").status_code == 302
    response = sign_in(client, email.upper())
    assert response.status_code == 302 and response.location.endswith("/dashboard/overview/")
    assert client.get("/dashboard/overview/").status_code == 200


def test_passwords_are_stored_as_argon2id(services):
    user_id, _ = make_user(services)
    with services.database.read() as db:
        stored = db.get(User, user_id).password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_a_form_without_the_csrf_token_is_refused(app, services):
    _, email = make_user(services, "coordinator")
    client = app.test_client()
    sign_in(client, email)
    form = {"name": "Shura of Dand"}
    assert client.post("/dashboard/groups/", data=form).status_code == 400
    assert client.post("/dashboard/groups/", data={**form, "csrf_token": "forged"}
                       ).status_code == 400
    form["csrf_token"] = csrf(client, "/dashboard/groups/")
    assert client.post("/dashboard/groups/", data=form).status_code == 302


def test_signing_in_needs_the_csrf_token_too(app, services):
    _, email = make_user(services)
    client = app.test_client()
    response = client.post("/dashboard/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 400


def test_failed_sign_ins_slow_that_address_for_a_while(app, services):
    _, email = make_user(services)
    client = app.test_client()
    for _ in range(FREE_PER_ACCOUNT):
        assert sign_in(client, email, "not the password").status_code == 401
    assert sign_in(client, email).status_code == 429  # even the right password, from here
    with time_machine.travel(now() + FIRST_WAIT + dt.timedelta(seconds=1)):
        assert sign_in(client, email).status_code == 302


def test_the_limit_is_kept_in_the_store_so_every_worker_sees_it(app, services):
    from bot.app import create_app

    _, email = make_user(services)
    first, second = app.test_client(), create_app(services=services).test_client()
    for _ in range(FREE_PER_ACCOUNT):
        sign_in(first, email, "not the password")
    assert sign_in(second, email).status_code == 429


def test_one_address_trying_many_accounts_is_limited(app, services):
    client = app.test_client()
    for n in range(FREE_PER_ADDRESS):
        sign_in(client, f"nobody{n}@example.org", "guess guess", address="10.9.8.7")
    _, email = make_user(services)
    assert sign_in(client, email, address="10.9.8.7").status_code == 429
    assert sign_in(client, email, address="10.9.8.8").status_code == 302


def test_a_successful_sign_in_clears_the_account_failures(app, services):
    _, email = make_user(services)
    client = app.test_client()
    for _ in range(FREE_PER_ACCOUNT - 1):
        sign_in(client, email, "not the password")
    assert sign_in(client, email).status_code == 302
    other = app.test_client()
    assert sign_in(other, email, "not the password").status_code == 401
    assert sign_in(other, email).status_code == 302


def _enrol(client) -> str:
    page = client.get("/dashboard/account").get_data(as_text=True)
    assert "data:image/svg+xml" in page  # the QR code, drawn here, not fetched
    secret = page.split('class="secret">')[1].split("<")[0]
    response = client.post("/dashboard/account", data={
        "action": "enable-totp", "code": pyotp.TOTP(secret).now(),
        "csrf_token": csrf(client, "/dashboard/account")})
    assert response.status_code == 302
    return secret


def test_totp_is_asked_after_the_password_once_enrolled(app, services):
    user_id, email = make_user(services)
    client = app.test_client()
    sign_in(client, email)
    secret = _enrol(client)
    with services.database.read() as db:
        assert db.get(User, user_id).totp_secret == secret

    fresh = app.test_client()
    response = sign_in(fresh, email)
    assert response.location.endswith("/dashboard/login/code")
    assert fresh.get("/dashboard/overview/").status_code == 302  # not signed in yet
    token = csrf(fresh, "/dashboard/login/code")
    with time_machine.travel(now() + dt.timedelta(seconds=60)):
        wrong = fresh.post("/dashboard/login/code", data={"code": "000000", "csrf_token": token})
        assert wrong.status_code == 401
        code = pyotp.TOTP(secret).now()
        right = fresh.post("/dashboard/login/code", data={"code": code, "csrf_token": token})
        assert right.status_code == 302
        assert fresh.get("/dashboard/overview/").status_code == 200

        replay = app.test_client()
        sign_in(replay, email)
        again = replay.post("/dashboard/login/code", data={
            "code": code, "csrf_token": csrf(replay, "/dashboard/login/code")})
        assert again.status_code == 401  # a code works once


def test_enrolment_needs_a_correct_code(app, services):
    user_id, email = make_user(services)
    client = app.test_client()
    sign_in(client, email)
    client.get("/dashboard/account")
    client.post("/dashboard/account", data={
        "action": "enable-totp", "code": "123456",
        "csrf_token": csrf(client, "/dashboard/account")})
    with services.database.read() as db:
        assert db.get(User, user_id).totp_secret is None


def test_session_cookie_is_http_only_and_same_site(app, services):
    _, email = make_user(services)
    response = sign_in(app.test_client(), email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie
    assert "Secure" not in cookie  # plain http here; see the next test


def test_session_cookie_is_secure_behind_https(services):
    from bot.app import create_app
    from bot.services import Services

    https = services.settings.with_overrides(public_url="https://bot.example.org")
    app = create_app(services=Services(https))
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_disabling_an_account_ends_its_session(app, services):
    user_id, email = make_user(services)
    client = app.test_client()
    sign_in(client, email)
    assert client.get("/dashboard/overview/").status_code == 200
    with services.database.write() as db:
        db.get(User, user_id).disabled_at = now()
    assert client.get("/dashboard/overview/").status_code == 302
    assert sign_in(app.test_client(), email).status_code == 401


def test_sessions_expire(app, services):
    _, email = make_user(services)
    client = app.test_client()
    sign_in(client, email)
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(hours=13)):
        assert client.get("/dashboard/overview/").status_code == 302


def test_sign_in_does_not_redirect_off_site(app, services):
    _, email = make_user(services)
    client = app.test_client()
    response = client.post("/dashboard/login", data={
        "email": email, "password": PASSWORD, "next": "//evil.example/x",
        "csrf_token": csrf(client)})
    assert response.location.endswith("/dashboard/overview/")
