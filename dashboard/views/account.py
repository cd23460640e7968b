"""Sign-in (with the optional TOTP step), sign-out, the language switcher and the
account page where a user enrols a second factor."""

from __future__ import annotations

import time

import segno
from flask import abort, flash, g, redirect, render_template, request, session, url_for

from bot.accounts.service import (
    MIN_PASSWORD,
    AccountError,
    authenticate,
    check_totp,
    end_sessions,
    find_user,
    new_totp_secret,
    set_password,
    totp_uri,
)
from bot.core.crypto import keyring
from bot.store import User
from dashboard.auth import safe_next, services, sign_in
from dashboard.i18n import gettext as _
from dashboard.i18n import number
from dashboard.nav import NavItem
from dashboard.page import page_blueprint
from dashboard.permissions import public, require
from dashboard.ratelimit import clear, keys, record_failure, retry_after
from dashboard.trail import record
from locales import LANGUAGES

bp = page_blueprint("dashboard", template_folder="templates", static_folder="static",
                    static_url_path="/static")
NAV = NavItem(90, "dashboard.account", "dash.nav.account", "account.self",
              section="settings")
PENDING_SECONDS = 300


def _limit_keys(email: str) -> tuple[str, str]:
    return keys(services().settings.secret_key, email, request.remote_addr or "")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if request.method == "GET":
        return render_template("login.html", next=request.args.get("next", ""))
    email, password = request.form.get("email", ""), request.form.get("password", "")
    account_key, address_key = _limit_keys(email)
    with services().database.write() as db:
        wait = retry_after(db, account_key, address_key)
        if wait:
            return _slowed("login.html", wait)
        user = authenticate(db, email, password)
        if user is None:
            record_failure(db, account_key, address_key)
            _failed(db, find_user(db, email), "password")
    if user is None:
        return render_template("login.html", error=_("dash.login.failed")), 401
    if user.totp_secret:
        session["pending"] = {"user_id": user.id, "at": int(time.time()),
                              "next": request.form.get("next", "")}
        return redirect(url_for("dashboard.second_factor"))
    with services().database.write() as db:
        clear(db, account_key)
    sign_in(user)
    return redirect(safe_next(request.form.get("next")))


def _slowed(template: str, wait: int):
    """Too many failures from this address: nothing is checked until `wait` seconds pass."""
    minutes = number(-(-wait // 60))
    body = render_template(template, error=_("dash.login.slowed", minutes=minutes))
    return body, 429, {"Retry-After": str(wait)}


def _failed(db, user: User | None, step: str) -> None:
    """Names the account only if it exists: what was typed may be a password."""
    record(db, "sign-in.failed", "user" if user else None, user.id if user else None,
           {"step": step}, who=f"user:{user.email}" if user else "anonymous")


def _pending_user() -> tuple[User | None, dict]:
    pending = session.get("pending") or {}
    if time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None, {}
    with services().database.read() as db:
        return db.get(User, pending.get("user_id", 0)), pending


@bp.route("/login/code", methods=["GET", "POST"])
@public
def second_factor():
    user, pending = _pending_user()
    if user is None or not user.active:
        return redirect(url_for("dashboard.login"))
    if request.method == "GET":
        return render_template("totp_login.html")
    account_key, address_key = _limit_keys(user.email)
    with services().database.write() as db:
        wait = retry_after(db, account_key, address_key)
        if wait:
            return _slowed("totp_login.html", wait)
        stored = db.get(User, user.id)
        ok = check_totp(stored, request.form.get("code", ""))
        if ok:
            clear(db, account_key)
        else:
            record_failure(db, account_key, address_key)
            _failed(db, stored, "code")
    if not ok:
        return render_template("totp_login.html", error=_("dash.totp.wrong")), 401
    sign_in(user)
    return redirect(safe_next(pending.get("next")))


@bp.post("/logout")
@require("account.self")
def logout():
    """Ends every session of the account, here and elsewhere: a copied cookie dies too."""
    with services().database.write() as db:
        end_sessions(db.get(User, g.user.id))
        record(db, "sign-out", "user", g.user.id)
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language
    return redirect(url_for("dashboard.login"))


@bp.post("/language")
@public
def language():
    chosen = request.form.get("language", "")
    if chosen not in LANGUAGES:
        abort(400)
    session["language"] = chosen
    if g.user is not None:
        with services().database.write() as db:
            db.get(User, g.user.id).language = chosen
    return redirect(safe_next(request.form.get("next")))


@bp.get("/")
@require("overview.view")
def home():
    return redirect(url_for("overview.index"))


def _enrolling() -> str | None:
    """The secret being enrolled: kept encrypted in the session cookie until confirmed."""
    token = session.get("totp_enrol")
    try:
        return keyring().decrypt(token) if token else None
    except ValueError:
        return None


@bp.route("/account", methods=["GET", "POST"])
@require("account.self")
def account():
    secret = _enrolling()
    if request.method == "POST":
        return _account_post(secret)
    if not g.user.totp_secret and not secret:
        secret = new_totp_secret()
        session["totp_enrol"] = keyring().encrypt(secret)
    return render_template("account.html", secret=secret, qr=_qr(secret))


def _qr(secret: str | None) -> str | None:
    if not secret:
        return None
    uri = totp_uri(secret, g.user.email, services().settings.org_name)
    return segno.make(uri, error="m").svg_data_uri(scale=4, border=2)


def _account_post(secret: str | None):
    action = request.form.get("action")
    if action == "password":
        return _change_password()
    with services().database.write() as db:
        user = db.get(User, g.user.id)
        if action == "disable-totp" and user.totp_secret:
            if not check_totp(user, request.form.get("code", "")):
                flash(_("dash.totp.wrong"), "error")
                return redirect(url_for("dashboard.account"))
            user.totp_secret, user.totp_last_step = None, None
            flash(_("dash.totp.disabled"), "ok")
        elif action == "enable-totp" and secret and not user.totp_secret:
            if not check_totp(user, request.form.get("code", ""), secret):
                flash(_("dash.totp.wrong"), "error")
                return redirect(url_for("dashboard.account"))
            user.totp_secret = secret
            session.pop("totp_enrol", None)
            flash(_("dash.totp.enabled"), "ok")
        else:
            abort(400)
    return redirect(url_for("dashboard.account"))


def _change_password():
    """The current password, then the new one twice. Every session of the account ends
    (a stolen cookie with it); this browser gets a fresh one."""
    form = request.form
    with services().database.write() as db:
        user = db.get(User, g.user.id)
        if authenticate(db, user.email, form.get("current", "")) is None:
            record(db, "password.failed", "user", user.id)
            flash(_("dash.password.wrong"), "error")
            return redirect(url_for("dashboard.account"))
        if form.get("new", "") != form.get("again", ""):
            flash(_("dash.password.mismatch"), "error")
            return redirect(url_for("dashboard.account"))
        try:
            set_password(user, form.get("new", ""))
        except AccountError:
            flash(_("dash.password.short", n=MIN_PASSWORD), "error")
            return redirect(url_for("dashboard.account"))
        record(db, "password.change", "user", user.id)
    sign_in(user)
    flash(_("dash.password.changed"), "ok")
    return redirect(url_for("dashboard.account"))
