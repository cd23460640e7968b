"""Accounts (admins only): create, change role, disable and enable."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from bot.accounts import service as accounts
from bot.accounts.service import AccountError, create_user
from bot.store import Group, Role, User
from bot.text import places
from dashboard.auth import services
from dashboard.i18n import gettext as _
from dashboard.nav import NavItem
from dashboard.page import page_blueprint
from dashboard.permissions import require
from dashboard.trail import record
from dashboard.views.common import get_or_404

bp = page_blueprint("users", "/users")
NAV = NavItem(80, "users.index", "dash.nav.users", "users.manage",
              section="settings")


@bp.get("/")
@require("users.manage")
def index():
    with services().database.read() as db:
        users = list(db.scalars(select(User).order_by(User.email)))
        groups = list(db.execute(select(Group.id, Group.name).order_by(Group.name)))
    geography = places.load(services().settings.places)
    return render_template("users.html", users=users, roles=Role.ALL, groups=groups,
                           provinces=geography.places)


@bp.post("/")
@require("users.manage")
def create():
    form = request.form
    try:
        with services().database.write() as db:
            user = create_user(db, form.get("email", ""), form.get("password", ""),
                               form.get("role", ""))
            record(db, "user.create", "user", user.id, {"role": user.role})
    except AccountError as error:
        flash(error.text(_), "error")
    else:
        flash(_("dash.user.created"), "ok")
    return redirect(url_for("users.index"))


def _other_user(db, user_id: int) -> User:
    """An account other than one's own: admins cannot lock themselves out."""
    user = get_or_404(db, User, user_id)
    if user.id == g.user.id:
        abort(409)
    return user


@bp.post("/<int:user_id>/role")
@require("users.manage")
def set_role(user_id: int):
    role = request.form.get("role", "")
    if role not in Role.ALL:
        abort(400)
    with services().database.write() as db:
        user = _other_user(db, user_id)
        before = user.role
        revoked = accounts.set_role(db, user, role)
        record(db, "user.role", "user", user_id,
               {"from": before, "to": role, "tokens_revoked": revoked})
    return redirect(url_for("users.index"))


@bp.post("/<int:user_id>/disable")
@require("users.manage")
def disable(user_id: int):
    with services().database.write() as db:
        revoked = accounts.disable(db, _other_user(db, user_id))
        record(db, "user.disable", "user", user_id, {"tokens_revoked": revoked})
    return redirect(url_for("users.index"))


@bp.post("/<int:user_id>/enable")
@require("users.manage")
def enable(user_id: int):
    with services().database.write() as db:
        _other_user(db, user_id).disabled_at = None
        record(db, "user.enable", "user", user_id)
    return redirect(url_for("users.index"))


@bp.post("/<int:user_id>/scope")
@require("users.manage")
def set_scope(user_id: int):
    """Limits the account to provinces and/or groups (none: everywhere)."""
    known = {place.code for place in places.load(services().settings.places).places}
    provinces = request.form.getlist("province")
    raw_groups = request.form.getlist("group")
    if any(p not in known for p in provinces) or not all(g.isdigit() for g in raw_groups):
        abort(400)
    try:
        with services().database.write() as db:
            user = _other_user(db, user_id)
            groups = [int(i) for i in raw_groups]
            found = set(db.scalars(select(Group.id).where(Group.id.in_(groups))))
            if found != set(groups):
                abort(400)
            before = {"provinces": user.scope_provinces, "groups": user.scope_groups}
            revoked = accounts.set_scope(db, user, provinces, groups)
            record(db, "user.scope", "user", user_id,
                   {"from": before, "to": {"provinces": user.scope_provinces,
                                           "groups": user.scope_groups},
                    "tokens_revoked": revoked})
            email = user.email
    except AccountError:
        flash(_("dash.users.scope_admin"), "error")
    else:
        flash(_("dash.users.scope_changed", email=email), "ok")
    return redirect(url_for("users.index"))
