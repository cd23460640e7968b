"""Conversations: the open ones by area and assignee (unread first), one person's thread
in time order with a reply box (characters, encoding and segments live), notes,
assignment and closing; opened from a person's page or a feedback item, and from a
report with "ask the reporter" (dashboard/views/reports.py)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from bot.audit import trail as audit
from bot.conversations import service as conversations
from bot.core.clock import now
from bot.store import Contact, Conversation, Feedback
from dashboard.auth import services
from dashboard.i18n import gettext as _
from dashboard.nav import NavItem
from dashboard.page import page_blueprint
from dashboard.permissions import require
from dashboard.views.common import actor, arg_choice, choices, coordinators, get_or_404, page_number

PAGE = 50


def unread() -> int:
    with services().database.read() as db:
        return conversations.unread_total(db)


bp = page_blueprint("conversations", "/conversations")
NAV = NavItem(26, "conversations.index", "followup.dash.nav", "conversations.use", badge=unread,
              section="followup")


@bp.get("/")
@require("conversations.use")
def index():
    provinces = {p.code for p in choices()["provinces"]}
    province = arg_choice("province", provinces)
    raw = request.args.get("assignee", "")
    assignee = int(raw) if raw.isdigit() and int(raw) < 2**31 else None
    page = page_number()
    with services().database.read() as db:
        query = conversations.open_list(db, province=province or None, assignee=assignee,
                                        unassigned=raw == "none")
        rows = list(db.scalars(query.offset((page - 1) * PAGE).limit(PAGE + 1)))
        people = {c.id: c for c in db.scalars(select(Contact).where(
            Contact.id.in_([r.contact_id for r in rows])))}
        team = coordinators(db)
    return render_template("conversations/index.html", rows=rows[:PAGE], more=len(rows) > PAGE,
                           page=page, people=people, coordinators=team,
                           f={"province": province, "assignee": raw}, **choices())


@bp.get("/<int:conversation_id>")
@require("conversations.use")
def show(conversation_id: int):
    with services().database.write() as db:
        conversation = get_or_404(db, Conversation, conversation_id)
        conversations.mark_read(conversation)
        contact = db.get(Contact, conversation.contact_id)
        thread = conversations.thread(db, conversation.contact_id)
        notes = conversations.notes(db, conversation.id)
        team = coordinators(db)
        audit.record(db, actor(), "conversation.view", "conversation", conversation.id)
    return render_template("conversations/show.html", conversation=conversation,
                           contact=contact, thread=thread, notes=notes,
                           coordinators=team, **choices())


def _text(limit: int) -> str:
    text = request.form.get("text", "").strip()
    if not text or len(text) > limit:
        abort(400)
    return text


def _back(conversation_id: int):
    return redirect(url_for("conversations.show", conversation_id=conversation_id))


@bp.post("/<int:conversation_id>/reply")
@require("conversations.use")
def reply(conversation_id: int):
    text = _text(conversations.TEXT_LIMIT)
    with services().database.write() as db:
        conversation = get_or_404(db, Conversation, conversation_id)
        if conversation.status != "open":
            abort(409)
        sent = conversations.send(db, conversation, text, now=now(),
                                  settings=services().settings)
        audit.record(db, actor(), "conversation.reply", "conversation", conversation.id)
    flash(_("followup.dash.sent") if sent else _("followup.dash.unreachable"),
          "ok" if sent else "error")
    return _back(conversation_id)


@bp.post("/<int:conversation_id>/note")
@require("conversations.use")
def note(conversation_id: int):
    text = _text(conversations.NOTE_LIMIT)
    with services().database.write() as db:
        conversation = get_or_404(db, Conversation, conversation_id)
        conversations.add_note(db, conversation, text, by=actor()[5:], now=now())
        audit.record(db, actor(), "conversation.note", "conversation", conversation.id)
    return _back(conversation_id)


@bp.post("/<int:conversation_id>/assign")
@require("conversations.use")
def assign(conversation_id: int):
    raw = request.form.get("user", "")
    with services().database.write() as db:
        conversation = get_or_404(db, Conversation, conversation_id)
        user_id = None
        if raw:
            if not raw.isdigit() or int(raw) not in {u.id for u in coordinators(db)}:
                abort(400)
            user_id = int(raw)
        conversations.assign(conversation, user_id)
        audit.record(db, actor(), "conversation.assign", "conversation", conversation.id,
                     {"user_id": user_id})
    return _back(conversation_id)


@bp.post("/<int:conversation_id>/close")
@require("conversations.use")
def close(conversation_id: int):
    with services().database.write() as db:
        conversation = get_or_404(db, Conversation, conversation_id)
        if conversations.close(db, conversation, now=now(), settings=services().settings):
            audit.record(db, actor(), "conversation.close", "conversation", conversation.id)
            flash(_("followup.dash.closed"))
    return _back(conversation_id)


@bp.post("/with/<int:contact_id>")
@require("conversations.use")
def open_with(contact_id: int):
    """Opens (or finds) the conversation with a person; `feedback` names the item it
    starts from."""
    with services().database.write() as db:
        contact = get_or_404(db, Contact, contact_id)
        subject = None
        reference = request.form.get("feedback", "")[:12]
        if reference:
            item = db.scalars(select(Feedback).where(Feedback.reference == reference)).first()
            if item is None or item.contact_id != contact.id:
                abort(400)
            subject = item.reference
        if not contact.registered:
            abort(409)
        conversation = conversations.open_for(db, contact, now=now(), subject=subject)
        audit.record(db, actor(), "conversation.open", "conversation", conversation.id)
        return _back(conversation.id)
