"""API tokens (admins only): made with a role, shown once, revoked."""

from __future__ import annotations

from flask import abort, g, redirect, render_template, request, url_for
from sqlalchemy import select

from bot.accounts.tokens import create_token
from bot.core.clock import now
from bot.store import ApiToken, Role
from dashboard.auth import services
from dashboard.nav import NavItem
from dashboard.page import page_blueprint
from dashboard.permissions import require
from dashboard.trail import record
from dashboard.views.common import get_or_404

bp = page_blueprint("tokens", "/tokens")
NAV = NavItem(85, "tokens.index", "dash.nav.tokens", "tokens.manage")


def _page(new_token: str | None = None, status: int = 200):
    with services().database.read() as db:
        tokens = list(db.scalars(select(ApiToken).order_by(ApiToken.id.desc())))
    return render_template("tokens.html", tokens=tokens, roles=Role.ALL,
                           new_token=new_token), status


@bp.get("/")
@require("tokens.manage")
def index():
    return _page()


@bp.post("/")
@require("tokens.manage")
def create():
    name, role = request.form.get("name", "").strip(), request.form.get("role", "")
    if not name or len(name) > 80 or role not in Role.ALL:
        abort(400)
    with services().database.write() as db:
        stored, token = create_token(db, name, role, g.user.id)
        record(db, "token.create", "token", stored.id, {"role": role})
    return _page(new_token=token, status=201)


@bp.post("/<int:token_id>/revoke")
@require("tokens.manage")
def revoke(token_id: int):
    with services().database.write() as db:
        token = get_or_404(db, ApiToken, token_id)
        if token.revoked_at is None:
            token.revoked_at = now()
            record(db, "token.revoke", "token", token_id)
    return redirect(url_for("tokens.index"))
