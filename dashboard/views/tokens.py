"""API tokens (admins only): made with a role, shown once, revoked."""

from __future__ import annotations

from flask import abort, g, redirect, render_template, request, url_for
from sqlalchemy import select

from bot.accounts.tokens import create_token
from bot.core.clock import now
from bot.store import ApiToken, Role, User
from dashboard.auth import services
from dashboard.nav import NavItem
from dashboard.page import page_blueprint
from dashboard.permissions import require
from dashboard.trail import record
from dashboard.views.common import get_or_404

bp = page_blueprint("tokens", "/tokens")
NAV = NavItem(85, "tokens.index", "dash.nav.tokens", "tokens.manage",
              section="settings")


def _page(new_token: str | None = None, status: int = 200):
    with services().database.read() as db:
        tokens = list(db.scalars(select(ApiToken).order_by(ApiToken.id.desc())))
        accounts = list(db.scalars(select(User).where(
            User.role != Role.ADMIN, User.disabled_at.is_(None)).order_by(User.email)))
    return render_template("tokens.html", tokens=tokens, roles=Role.ALL, accounts=accounts,
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
    owner_raw = request.form.get("for", "")
    if owner_raw and not owner_raw.isdigit():
        abort(400)
    with services().database.write() as db:
        # Made for another account, the token is worth no more than that account: its
        # role, its area, and it dies when the account's role or area changes.
        owner = get_or_404(db, User, int(owner_raw)) if owner_raw else g.user
        if Role.RANK.get(role, 99) > Role.RANK.get(owner.role, -1) or not owner.active:
            abort(400)
        stored, token = create_token(db, name, role, owner.id)
        record(db, "token.create", "token", stored.id,
               {"role": role, **({"for": owner.id} if owner_raw else {})})
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
