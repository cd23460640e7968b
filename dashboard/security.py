"""Session cookies, CSRF tokens and security headers for the dashboard.

CSRF: one random token per session (the signed session cookie carries it), put in a
hidden field of every form and compared in constant time on every unsafe request to the
dashboard. The API takes no cookies (bearer tokens only), so it needs no CSRF token.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets

from flask import Flask, abort, request, session

from bot.core.http_headers import HEADERS

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SESSION_HOURS = 12


def configure_sessions(app: Flask, public_url: str) -> None:
    app.config.update(
        SESSION_COOKIE_NAME="mashwara_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=public_url.startswith("https://"),
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=SESSION_HOURS),
        SESSION_REFRESH_EACH_REQUEST=False,
    )


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def check_csrf() -> None:
    """Aborts with 400 unless an unsafe request carries this session's token."""
    if request.method not in UNSAFE:
        return
    sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
    expected = session.get("csrf")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        abort(400, description="csrf")


def add_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint and not request.endpoint.endswith("static"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response
