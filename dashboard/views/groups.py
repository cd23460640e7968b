"""Groups: list, create, members added and removed."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import delete, func, select

from bot.contacts.imports import RowError, add_member, normal_phone
from bot.contacts.lookup import find_identity
from bot.core.clock import now
from bot.store import Contact, ContactStatus, Group, GroupMember
from bot.text import places
from dashboard.auth import services
from dashboard.i18n import gettext as _
from dashboard.i18n import number
from dashboard.nav import NavItem
from dashboard.page import page_blueprint
from dashboard.permissions import require
from dashboard.trail import record
from dashboard.views.common import MAX_ID, form_ids, get_or_404

bp = page_blueprint("groups", "/groups")
NAV = NavItem(30, "groups.index", "dash.nav.groups", "groups.view",
              section="people")


@bp.get("/")
@require("groups.view")
def index():
    with services().database.read() as db:
        rows = db.execute(
            select(Group, func.count(GroupMember.contact_id)).outerjoin(GroupMember)
            .group_by(Group.id).order_by(Group.name)).all()
    return render_template("groups/index.html", groups=rows)


@bp.post("/")
@require("groups.edit")
def create():
    name = request.form.get("name", "").strip()
    description = request.form.get("description", "").strip() or None
    if not name or len(name) > 120 or (description and len(description) > 500):
        abort(400)
    with services().database.write() as db:
        if db.scalar(select(Group).where(Group.name == name)):
            flash(_("dash.group.exists"), "error")
            return redirect(url_for("groups.index"))
        group = Group(name=name, description=description, created_at=now())
        db.add(group)
        db.flush()
        group_id = group.id
    return redirect(url_for("groups.show", group_id=group_id))


def _group(db, group_id: int) -> Group:
    return get_or_404(db, Group, group_id)


@bp.get("/<int:group_id>")
@require("groups.view")
def show(group_id: int):
    with services().database.read() as db:
        group = _group(db, group_id)
        members = list(db.scalars(select(Contact).join(GroupMember).where(
            GroupMember.group_id == group_id, Contact.status == ContactStatus.ACTIVE)
            .order_by(Contact.id).limit(1000)))
    return render_template("groups/show.html", group=group, members=members)


def _contact_id(db, raw: str) -> int | None:
    raw = raw.strip()
    if raw.isdigit() and int(raw) <= MAX_ID:
        contact = db.get(Contact, int(raw))
        return contact.id if contact and contact.status == ContactStatus.ACTIVE else None
    try:
        country = places.load(services().settings.places).country
        identity = find_identity(db, "sms", normal_phone(raw, country))
    except RowError:
        return None
    found = identity.contact_id if identity else None
    record(db, "contact.lookup", "contact" if found else None, found,
           {"via": "dashboard.group", "found": int(found is not None)})
    return found


@bp.post("/<int:group_id>/members")
@require("groups.edit")
def add(group_id: int):
    with services().database.write() as db:
        group = _group(db, group_id)
        contact_id = _contact_id(db, request.form.get("contact", ""))
        if contact_id is None:
            flash(_("dash.group.no_contact"), "error")
        else:
            add_member(db, group, contact_id)
    return redirect(url_for("groups.show", group_id=group_id))


@bp.post("/<int:group_id>/members/<int:contact_id>/remove")
@require("groups.edit")
def remove(group_id: int, contact_id: int):
    if contact_id > MAX_ID:
        abort(404)
    with services().database.write() as db:
        _group(db, group_id)
        get_or_404(db, Contact, contact_id)  # and inside the account's area
        db.execute(delete(GroupMember).where(GroupMember.group_id == group_id,
                                             GroupMember.contact_id == contact_id))
    return redirect(url_for("groups.show", group_id=group_id))


@bp.post("/members")
@require("groups.edit")
def add_picked():
    """The people ticked on the contacts list, added to the chosen group. Only people the
    account may see can be added: one outside its area is not found (404)."""
    picked, group_ids = set(form_ids("contact")), form_ids("group")
    if not picked or not group_ids:
        flash(_("dash.pick.nothing"), "error")
        return redirect(url_for("contacts.index"))
    with services().database.write() as db:
        group = _group(db, group_ids[0])
        found = set(db.scalars(select(Contact.id).where(
            Contact.id.in_(picked), Contact.status == ContactStatus.ACTIVE)))
        if found != picked:
            abort(404)
        added = sum(add_member(db, group, contact_id) for contact_id in sorted(picked))
        record(db, "group.add_members", "group", group.id,
               {"picked": len(picked), "added": added})
        flash(_("dash.pick.added", count=number(added), group=group.name))
        return redirect(url_for("groups.show", group_id=group.id))
