"""Builders for dashboard tests: accounts, API tokens, a signed-in test client."""

from __future__ import annotations

import re

from bot.accounts.service import create_user
from bot.accounts.tokens import create_token
from bot.services import Services

PASSWORD = "correct horse battery"


def make_user(services: Services, role: str = "coordinator", email: str | None = None,
              password: str = PASSWORD):
    with services.database.write() as db:
        user = create_user(db, email or f"{role}@example.org", password, role)
        return user.id, user.email


def make_token(services: Services, role: str = "admin") -> str:
    with services.database.write() as db:
        return create_token(db, f"{role} token", role, None)[1]


def csrf(client, path: str = "/dashboard/login") -> str:
    """The CSRF token of this client's session, read from a page's form."""
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def sign_in(client, email: str, password: str = PASSWORD, address: str = "127.0.0.1"):
    return client.post("/dashboard/login", data={
        "email": email, "password": password, "csrf_token": csrf(client)},
        environ_base={"REMOTE_ADDR": address})


def signed_in(app, services: Services, role: str):
    client = app.test_client()
    if role != "anonymous":
        _, email = make_user(services, role)
        response = sign_in(client, email)
        assert response.status_code == 302, response.get_data(as_text=True)
    return client


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}
