"""SMS channels (admins only): each channel's state, last message in and out, and the
messages waiting for it; adding one, its setup (inbound URLs, the kannel.conf group), a
test message, a new pace or prefixes, disabling and removing. Every change is audited."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from bot.channels import table
from bot.contacts.imports import RowError, normal_phone
from bot.core.clock import now
from bot.pipeline.trial import send_test
from bot.text import places
from dashboard.auth import services
from dashboard.i18n import gettext as _
from dashboard.nav import NavItem
from dashboard.page import page_blueprint
from dashboard.permissions import require
from dashboard.trail import record

bp = page_blueprint("channels", "/channels")
NAV = NavItem(86, "channels.index", "dash.nav.channels", "channels.manage",
              section="settings")


@bp.get("/")
@require("channels.manage")
def index():
    return render_template("channels/index.html", channels=table.overview(services().database),
                           kinds=table.KINDS, form={})


def _config(name: str) -> table.ChannelConfig:
    try:
        return table.get(services().database, name)
    except table.ChannelError:
        abort(404)


def _audit(action: str, name: str, details: dict | None = None) -> None:
    with services().database.write() as db:
        record(db, action, "channel", name, details)


def _rate(raw: str) -> float:
    try:
        return float(raw.strip().replace(",", "."))
    except ValueError:
        raise table.ChannelError("the rate is a number of SMS per second", "rate") from None


@bp.post("/")
@require("channels.manage")
def add():
    form = request.form
    try:
        config = table.add(
            services().database, form.get("kind", ""), form.get("name", "").strip(),
            form.get("url", "").strip(), username=form.get("username", "").strip() or None,
            password=form.get("password") or None, sender=form.get("from", "").strip() or None,
            rate=_rate(form.get("rate", "1")), prefixes=(form.get("prefixes", ""),),
            signing_key=form.get("signing_key", "").strip() or None, at=now())
    except table.ChannelError as error:
        flash(_(f"dash.channel.bad.{error.field}"), "error")
        return render_template("channels/index.html", kinds=table.KINDS,
                               channels=table.overview(services().database), form=form), 422
    _audit("channel.add", config.name, {"kind": config.kind})
    flash(_("dash.channel.added", name=config.name), "ok")
    return redirect(url_for("channels.show", name=config.name))


@bp.get("/<name>")
@require("channels.manage")
def show(name: str):
    config = _config(name)
    public = services().settings.public_url
    urls = table.inbound_urls(config, public) if public else {}
    group = table.kannel_service_group(config, public) if public and config.kind == "kannel" \
        else None
    return render_template("channels/show.html", channel=config, urls=urls, group=group)


@bp.post("/<name>/change")
@require("channels.manage")
def change(name: str):
    _config(name)
    try:
        table.change(services().database, name, rate=_rate(request.form.get("rate", "")),
                     prefixes=(request.form.get("prefixes", ""),))
    except table.ChannelError as error:
        flash(_(f"dash.channel.bad.{error.field}"), "error")
        return redirect(url_for("channels.show", name=name))
    _audit("channel.change", name)
    flash(_("dash.channel.changed"), "ok")
    return redirect(url_for("channels.show", name=name))


@bp.post("/<name>/test")
@require("channels.manage")
def test(name: str):
    config = _config(name)
    try:
        phone = normal_phone(request.form.get("phone", ""),
                             places.load(services().settings.places).country)
    except RowError:
        flash(_("dash.channel.bad_phone"), "error")
        return redirect(url_for("channels.show", name=name))
    try:
        trial = send_test(services().database, services().settings, config, phone)
    except table.ChannelError:
        flash(_("dash.channel.test_disabled"), "error")
        return redirect(url_for("channels.show", name=name))
    _audit("channel.test", name, {"sent": int(trial.sent), "message": trial.message_id})
    if trial.sent:
        flash(_("dash.channel.test_sent"), "ok")
    else:
        flash(_("dash.channel.test_failed", status=trial.status, error=trial.error or ""),
              "error")
    return redirect(url_for("channels.show", name=name))


def _set_enabled(name: str, enabled: bool):
    _config(name)
    table.set_enabled(services().database, name, enabled)
    _audit("channel.enable" if enabled else "channel.disable", name)
    return redirect(url_for("channels.show", name=name))


@bp.post("/<name>/enable")
@require("channels.manage")
def enable(name: str):
    return _set_enabled(name, True)


@bp.post("/<name>/disable")
@require("channels.manage")
def disable(name: str):
    return _set_enabled(name, False)


@bp.post("/<name>/remove")
@require("channels.manage")
def remove(name: str):
    _config(name)
    table.remove(services().database, name)
    _audit("channel.remove", name)
    flash(_("dash.channel.removed", name=name), "ok")
    return redirect(url_for("channels.index"))
