"""SMS channels (admins only): each channel's state, last message in and out, and the
messages waiting for it. Channels are added and changed with `mashwara channels`."""

from __future__ import annotations

from flask import render_template

from bot.channels.table import overview
from dashboard.auth import services
from dashboard.nav import NavItem
from dashboard.page import page_blueprint
from dashboard.permissions import require

bp = page_blueprint("channels", "/channels")
NAV = NavItem(86, "channels.index", "dash.nav.channels", "channels.manage",
              section="settings")


@bp.get("/")
@require("channels.manage")
def index():
    return render_template("channels.html", channels=overview(services().database))
