"""Referral partners (admins only): the list, a new partner, disabling one and enabling
it again. Audited as `mashwara partners add` is; a partner's address is written here and
never shown."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from bot.contacts.imports import RowError, normal_phone
from bot.core.clock import now
from bot.reports import referrals
from bot.store import Partner, PartnerChannel, Referral
from bot.text import places
from dashboard.auth import services
from dashboard.i18n import gettext as _
from dashboard.nav import NavItem
from dashboard.page import page_blueprint
from dashboard.permissions import require
from dashboard.trail import record
from dashboard.views.common import choices, get_or_404
from locales import LANGUAGES

bp = page_blueprint("partners", "/partners")
NAV = NavItem(87, "partners.index", "dash.nav.partners", "partners.manage",
              section="settings")


def _page(error: str | None = None, values: dict | None = None, status: int = 200):
    with services().database.read() as db:
        rows = db.execute(
            select(Partner, func.count(Referral.id)).outerjoin(Referral)
            .group_by(Partner.id).order_by(Partner.disabled_at.is_not(None), Partner.name)).all()
    return render_template("partners.html", partners=rows, error=error, values=values or {},
                           channels=PartnerChannel.ALL, provinces=choices()["provinces"],
                           contact_languages=LANGUAGES), status


@bp.get("/")
@require("partners.manage")
def index():
    return _page()


def _address(channel: str, raw: str) -> str | None:
    """The SMS number in E.164 or the Telegram chat id; None for a pack. ValueError when
    it does not fit the channel."""
    if channel == PartnerChannel.PACK:
        if raw:
            raise ValueError
        return None
    if channel == PartnerChannel.SMS:
        try:
            return normal_phone(raw, places.load(services().settings.places).country)
        except RowError:
            raise ValueError from None
    chat = raw.removeprefix("-")
    if not (chat.isascii() and chat.isdigit() and len(raw) <= 20):
        raise ValueError
    return raw


@bp.post("/")
@require("partners.manage")
def add():
    form = request.form
    values = {"name": form.get("name", "").strip(), "channel": form.get("channel", ""),
              "languages": [c for c in form.getlist("language") if c in LANGUAGES],
              "provinces": [p.code for p in choices()["provinces"]
                            if p.code in form.getlist("province")]}
    if not 0 < len(values["name"]) <= 120:
        return _page(_("dash.partner.bad_name"), values, 422)
    if values["channel"] not in PartnerChannel.ALL:
        return _page(_("dash.partner.bad_channel"), values, 422)
    try:
        address = _address(values["channel"], form.get("address", "").strip())
    except ValueError:
        return _page(_("dash.partner.bad_address"), values, 422)
    with services().database.write() as db:
        if referrals.partner_named(db, values["name"]) is not None:
            return _page(_("dash.partner.exists", name=values["name"]), values, 422)
        partner = referrals.add_partner(db, values["name"], values["channel"], address,
                                        values["languages"], values["provinces"])
        record(db, "partner.add", "partner", partner.id, {"channel": partner.channel})
    flash(_("dash.partner.added", name=values["name"]))
    return redirect(url_for("partners.index"))


@bp.post("/<int:partner_id>/disable")
@require("partners.manage")
def disable(partner_id: int):
    with services().database.write() as db:
        partner = get_or_404(db, Partner, partner_id)
        if referrals.disable_partner(partner, now()):
            record(db, "partner.disable", "partner", partner.id)
        name = partner.name
    flash(_("dash.partner.disabled_done", name=name))
    return redirect(url_for("partners.index"))


@bp.post("/<int:partner_id>/enable")
@require("partners.manage")
def enable(partner_id: int):
    with services().database.write() as db:
        partner = get_or_404(db, Partner, partner_id)
        if referrals.enable_partner(partner):
            record(db, "partner.enable", "partner", partner.id)
        name = partner.name
    flash(_("dash.partner.enabled_done", name=name))
    return redirect(url_for("partners.index"))
