"""The message log, newest first, filtered; the text only for those allowed to read it."""

from __future__ import annotations

from flask import render_template, request
from sqlalchemy import select

from bot.store import Contact, Direction, Message, Status
from dashboard.auth import services
from dashboard.nav import NavItem
from dashboard.page import page_blueprint
from dashboard.permissions import require

bp = page_blueprint("messages", "/messages")
NAV = NavItem(40, "messages.index", "dash.nav.messages", "messages.view",
              section="records")
PAGE = 100
MAX_ID = 2**63 - 1
STATUSES = tuple(v for k, v in vars(Status).items() if k.isupper())


def _int(name: str) -> int | None:
    raw = request.args.get(name, "")
    return int(raw) if raw.isdigit() and 0 < int(raw) <= 2**31 - 1 else None


@bp.get("/")
@require("messages.view")
def index():
    filters = {key: request.args.get(key, "")[:16] for key in ("direction", "channel", "status")}
    contact_id, before = _int("contact"), _int("before")
    query = select(Message).order_by(Message.id.desc()).limit(PAGE)
    if filters["direction"] in (Direction.IN, Direction.OUT):
        query = query.where(Message.direction == filters["direction"])
    if filters["channel"]:
        query = query.where(Message.channel == filters["channel"])
    if filters["status"]:
        query = query.where(Message.status == filters["status"])
    if contact_id:
        query = query.where(Message.contact_id == contact_id)
    if before:
        query = query.where(Message.id < before)
    with services().database.read() as db:
        messages = list(db.scalars(query))
        ids = {m.contact_id for m in messages if m.contact_id}
        contacts = {c.id: c for c in db.scalars(select(Contact).where(Contact.id.in_(ids)))}
    older = messages[-1].id if len(messages) == PAGE else None
    return render_template("messages.html", messages=messages, filters=filters,
                           contact=contact_id or "", older=older, contacts=contacts,
                           statuses=STATUSES)
