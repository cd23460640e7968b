"""Talk to the flows as a test contact on the simulator channel, in any language."""

from __future__ import annotations

from flask import g, redirect, render_template, request, session, url_for
from sqlalchemy import select

from bot.contacts.erasure import erase_contact
from bot.contacts.lookup import find_identity
from bot.outbound.outbox import choices_of
from bot.pipeline.simulator import CHANNEL, Simulator
from bot.store import Message
from bot.text.render import as_text
from dashboard.auth import services
from dashboard.nav import NavItem
from dashboard.page import page_blueprint
from dashboard.permissions import require
from locales import LANGUAGES

bp = page_blueprint("simulator", "/simulator")
NAV = NavItem(50, "simulator.index", "dash.nav.simulator", "simulator.use",
              section="outreach")


def _address() -> str:
    """A test address of this user; "start again" moves to a fresh one."""
    return f"dashboard-{g.user.id}-{session.get('sim_round', 0)}"


@bp.get("/")
@require("simulator.use")
def index():
    with services().database.read() as db:
        identity = find_identity(db, CHANNEL, _address())
        messages = [] if identity is None else list(reversed(db.scalars(
            select(Message).where(Message.identity_id == identity.id)
            .order_by(Message.id.desc()).limit(40)).all()))
    lines = [(m.direction, as_text(m.text or "", choices_of(m), m.language)) for m in messages]
    return render_template("simulator.html", lines=lines, address=_address(),
                           sim_language=session.get("sim_language", ""),
                           contact_languages=LANGUAGES)


@bp.post("/")
@require("simulator.use")
def say():
    text = request.form.get("text", "").strip()[:1600]
    language = request.form.get("language", "")
    session["sim_language"] = language if language in LANGUAGES else ""
    if text:
        Simulator(services(), _address(), language=session["sim_language"] or None).say(text)
    return redirect(url_for("simulator.index"))


@bp.post("/restart")
@require("simulator.use")
def restart():
    with services().database.write() as db:
        identity = find_identity(db, CHANNEL, _address())
        if identity is not None:
            erase_contact(db, identity.contact)
    session["sim_round"] = session.get("sim_round", 0) + 1
    return redirect(url_for("simulator.index"))
