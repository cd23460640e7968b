"""The overview: contacts by province and role, messages per day, delivery rates."""

from __future__ import annotations

import datetime as dt

from flask import g, render_template

from bot.core.clock import now
from bot.store import Contact
from dashboard import stats
from dashboard.auth import services
from dashboard.charts import bars, columns
from dashboard.i18n import date, number
from dashboard.i18n import gettext as _
from dashboard.nav import NavItem
from dashboard.page import page_blueprint
from dashboard.panels import visible_panels
from dashboard.permissions import require
from dashboard.views import work_panels
from dashboard.views.common import place_name

bp = page_blueprint("overview", "/overview")
NAV = NavItem(10, "overview.index", "dash.nav.overview", "overview.view")


def role_name(role: str | None) -> str:
    return _(f"role.{role}") if role else _("dash.unknown")


def unreported_note(counts: dict[str, int]) -> str | None:
    """What went on channels that report no delivery, said as such rather than as 0%."""
    if not counts:
        return None
    channels = _("dash.list_separator").join(_(f"dash.channel.{c}") for c in counts)
    return _("dash.overview.unreported", count=number(sum(counts.values())), channels=channels)


@bp.get("/")
@require("overview.view")
def index():
    today = now().date()
    with services().database.read() as db:
        provinces = stats.contacts_by(db, Contact.province)
        roles = stats.contacts_by(db, Contact.role)
        days = stats.messages_per_day(db, today)
        delivery = stats.delivery(db, now() - dt.timedelta(days=14))
        unreported = stats.unreported(db, now() - dt.timedelta(days=14))
        panels = visible_panels(work_panels.PANELS, db, g.user)
    sent = sum(delivery.values())
    return render_template(
        "overview.html",
        total=sum(n for _, n in provinces),
        provinces=bars([(place_name(code), n) for code, n in provinces[:15]]),
        roles=bars([(role_name(role), n) for role, n in roles]),
        days=columns([(date(day), (inbound, outbound)) for day, inbound, outbound in days]),
        delivery=bars([(_(f"dash.delivery.{k}"), v) for k, v in delivery.items()]),
        delivery_total=sent,
        delivery_rate=(delivery["delivered"] / sent) if sent else None,
        unreported=unreported_note(unreported),
        panels=panels,
    )
