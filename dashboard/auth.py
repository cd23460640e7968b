"""Who is signed in, and the guard every dashboard page goes through.

The guard runs before each view of a page blueprint: it loads the user from the
session, sends the anonymous to the sign-in page, checks the CSRF token on unsafe
requests and refuses a view whose permission the user lacks (or that names none).
"""

from __future__ import annotations

import time

from flask import abort, current_app, g, redirect, request, session, url_for

from bot.core.clock import now
from bot.store import User
from dashboard import scope
from dashboard.permissions import PUBLIC, can, permission_of
from dashboard.security import SESSION_HOURS, check_csrf, csrf_token
from dashboard.trail import record


def services():
    return current_app.extensions["mashwara"]


def load_user() -> User | None:
    """The signed-in user, if the session is still one the account holds: signing out,
    a new password, a new role or disabling raise `session_version`, and every cookie
    carrying an older one stops working (a copied cookie included)."""
    user_id, signed_in = session.get("user_id"), session.get("signed_in_at", 0)
    if not user_id or time.time() - signed_in > SESSION_HOURS * 3600:
        return None
    with services().database.read() as db:
        user = db.get(User, user_id)
    if user is None or not user.active or session.get("version") != user.session_version:
        return None
    return user


def _has_nul() -> bool:
    """PostgreSQL cannot store NUL in text; such input is refused before any query."""
    values = [*request.args.values(), *request.form.values()]
    return any("\x00" in value for value in values)


def guard():
    if request.endpoint is None or request.endpoint.endswith(".static"):
        return None
    if _has_nul():
        abort(400)
    g.user = load_user()
    scope.enter(g.user)
    permission = permission_of(current_app.view_functions.get(request.endpoint))
    if permission != PUBLIC and g.user is None:
        if request.method == "GET":
            return redirect(url_for("dashboard.login", next=request.full_path.rstrip("?")))
        return redirect(url_for("dashboard.login"))
    check_csrf()
    if permission is None or not can(g.user, permission):
        abort(403)
    return None


def sign_in(user: User) -> None:
    """A fresh session for `user` (a new id and CSRF token: no session fixation)."""
    language = session.get("language")
    session.clear()
    session.permanent = True
    session.update(user_id=user.id, signed_in_at=int(time.time()),
                   version=user.session_version)
    if language:
        session["language"] = language
    csrf_token()
    with services().database.write() as db:
        db.get(User, user.id).last_sign_in_at = now()
        record(db, "sign-in", "user", user.id, who=f"user:{user.email}")


def safe_next(target: str | None) -> str:
    """Only a path on this site, so that sign-in cannot be used to redirect elsewhere."""
    if target and target.startswith("/dashboard") and "//" not in target and "\\" not in target:
        return target
    return url_for("overview.index")
