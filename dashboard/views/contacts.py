"""Contacts: search, view, add, edit, erase, CSV import."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from bot.contacts.erasure import erase_contact
from bot.contacts.imports import (
    COLUMNS,
    RowError,
    import_rows,
    read_csv,
    save_contact,
    validate,
    validate_edit,
)
from bot.store import Contact, ContactStatus, Group, GroupMember, Identity, Message
from bot.text import places
from bot.text.vocabulary import ROLES
from dashboard.auth import services
from dashboard.contact_search import Search, by_number, search
from dashboard.i18n import gettext as _
from dashboard.i18n import number, row_error
from dashboard.nav import NavItem
from dashboard.page import page_blueprint
from dashboard.permissions import can, require
from dashboard.trail import record
from dashboard.views.common import get_or_404
from locales import LANGUAGES

bp = page_blueprint("contacts", "/contacts")
NAV = NavItem(20, "contacts.index", "dash.nav.contacts", "contacts.view",
              section="people")
# A web request must finish well inside gunicorn's timeout; bigger files go through
# `mashwara contacts import`, which has no such limit.
IMPORT_LIMIT = 2000


def _choices() -> dict:
    geography = places.load(services().settings.places)
    return {"provinces": geography.places, "roles": ROLES, "contact_languages": LANGUAGES}


def _page_number() -> int:
    raw = request.args.get("page", "1")
    return min(int(raw), 10_000) if raw.isdigit() and int(raw) > 0 else 1


@bp.get("/")
@require("contacts.view")
def index():
    s = Search(request.args.get("q", "").strip()[:120], request.args.get("province", ""),
               request.args.get("role", ""), _page_number())
    if by_number(s):
        return _search_by_number(s)
    with services().database.read() as db:
        contacts, more = search(db, s)
        groups = list(db.scalars(select(Group).order_by(Group.name))) if can(
            g.user, "groups.edit") else []
    return render_template("contacts/index.html", contacts=contacts, more=more, search=s,
                           groups=groups, **_choices())


def _search_by_number(s: Search):
    """Audited whether it finds anyone or not, and refused (audited too) to viewers: the
    answer alone says whether a number belongs to someone registered."""
    allowed = can(g.user, "contacts.by_number")
    with services().database.write() as db:
        contacts, more = search(db, s) if allowed else ([], False)
        target = contacts[0].id if len(contacts) == 1 else None
        record(db, "contact.lookup", "contact" if target else None, target,
               {"via": "dashboard.search", "found": len(contacts), "refused": not allowed})
    if not allowed:
        return render_template("contacts/index.html", contacts=[], more=False, search=s,
                               error=_("dash.contacts.number_search_refused"),
                               **_choices()), 403
    return render_template("contacts/index.html", contacts=contacts, more=more, search=s,
                           **_choices())


def _contact(db, contact_id: int) -> Contact:
    contact = get_or_404(db, Contact, contact_id)
    if contact.status != ContactStatus.ACTIVE:
        abort(404)
    return contact


@bp.get("/<int:contact_id>")
@require("contacts.view")
def show(contact_id: int):
    with services().database.read() as db:
        contact = _contact(db, contact_id)
        identities = list(db.scalars(select(Identity).where(Identity.contact_id == contact_id)))
        groups = list(db.scalars(select(Group).join(GroupMember).where(
            GroupMember.contact_id == contact_id).order_by(Group.name)))
        messages = list(db.scalars(select(Message).where(Message.contact_id == contact_id)
                                   .order_by(Message.id.desc()).limit(20)))
    return render_template("contacts/show.html", contact=contact, identities=identities,
                           groups=groups, messages=messages, **_choices())


@bp.route("/new", methods=["GET", "POST"])
@require("contacts.edit")
def new():
    if request.method == "GET":
        return render_template("contacts/new.html", form={}, **_choices())
    form = request.form.to_dict()
    try:
        fields = validate(form, services().settings.places)
        with services().database.write() as db:
            contact_id, created = save_contact(db, fields)
            record(db, "contact.lookup", "contact", contact_id,
                   {"via": "dashboard.add", "found": int(not created)})
    except RowError as error:
        return render_template("contacts/new.html", form=form, error=row_error(error),
                               **_choices()), 400
    flash(_("dash.contact.added" if created else "dash.contact.updated"), "ok")
    return redirect(url_for("contacts.show", contact_id=contact_id))


@bp.route("/<int:contact_id>/edit", methods=["GET", "POST"])
@require("contacts.edit")
def edit(contact_id: int):
    with services().database.read() as db:
        contact = _contact(db, contact_id)
    if request.method == "GET":
        return render_template("contacts/edit.html", contact=contact, **_choices())
    try:
        changes = validate_edit(request.form, services().settings.places)
    except RowError as error:
        return render_template("contacts/edit.html", contact=contact, error=row_error(error),
                               **_choices()), 400
    with services().database.write() as db:
        stored = _contact(db, contact_id)
        for name, value in changes.items():
            setattr(stored, name, value)
    flash(_("dash.contact.updated"), "ok")
    return redirect(url_for("contacts.show", contact_id=contact_id))


@bp.post("/<int:contact_id>/erase")
@require("contacts.erase")
def erase(contact_id: int):
    if request.form.get("confirm") != "erase":
        abort(400)
    with services().database.write() as db:
        erase_contact(db, _contact(db, contact_id))
        record(db, "contact.erase", "contact", contact_id)
    flash(_("dash.contact.erased"), "ok")
    return redirect(url_for("contacts.index"))


@bp.route("/import", methods=["GET", "POST"])
@require("contacts.edit")
def import_csv():
    if request.method == "GET":
        return render_template("contacts/import.html", columns=COLUMNS)
    upload = request.files.get("file")
    if upload is None:
        abort(400)
    try:
        _header, rows = read_csv(upload.read())
    except (RowError, UnicodeDecodeError, ValueError) as error:
        return render_template("contacts/import.html", columns=COLUMNS,
                               error=row_error(error)), 400
    if len(rows) > IMPORT_LIMIT:
        return render_template("contacts/import.html", columns=COLUMNS, error=_(
            "dash.import.too_many", rows=number(len(rows)), limit=number(IMPORT_LIMIT))), 400
    result = import_rows(services().database, rows, services().settings.places)
    return render_template("contacts/import.html", columns=COLUMNS, result=result)
