"""Area-scoped access: a coordinator or viewer limited to provinces and/or groups sees
only that area, on every page, export, chart, count and API answer.

One helper does the narrowing for every route: `narrow` is an ORM `do_orm_execute`
hook, installed once by `init_app`, that adds the signed-in account's area as loader
criteria to every SELECT made while a scoped request is served (`g.area`, set by the
page guard and by the API's token check). A route therefore cannot forget it: a list, a
detail page (`get_or_404` finds nothing outside the area, hence 404), an export, a count
or a chart all read through it.

What "in the area" means, table by table:
- a contact: registered in one of the provinces, or a member of one of the groups;
- their addresses, group memberships, messages, invitations, consultation recipients:
  those of a contact in the area;
- reports, feedback, conversations: in one of the provinces (by the province they were
  filed in), or from a member of one of the groups; their changes, notes, questions and
  referrals follow the report or conversation;
- consultation results: answers from people in the area only (consultations themselves,
  their questions, are shown);
- meetings: those with someone in the area invited;
- broadcasts: those whose audience names a province or group of the area (a broadcast
  to everyone was not made for an area and is not shown).

The simulator plays a test person of its own and is not narrowed. A route that has found
its row inside the area and then has the system act on it (telling a reporter registered
in another province that their report's status changed) does that part in
`whole_store()`.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

from flask import current_app, g, has_request_context, request
from sqlalchemy import event, false, or_, select
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from bot.store import (
    Broadcast,
    Contact,
    Conversation,
    Feedback,
    Group,
    GroupMember,
    Identity,
    Invitation,
    Meeting,
    Message,
    Report,
    User,
)
from bot.store.community import ReportChange
from bot.store.consultations import ConsultationAnswer, ConsultationRecipient, ConsultationResponse
from bot.store.conversations import ConversationNote, ReportQuestion
from bot.store.referrals import Referral
from bot.text import places

UNSCOPED_ENDPOINTS = ("simulator.",)


@dataclass(frozen=True)
class Area:
    provinces: tuple[str, ...] = ()
    groups: tuple[int, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.provinces or self.groups)


def area_of(user: User | None) -> Area:
    """The area an account (or the account that made an API token) is limited to;
    an empty Area for everyone else."""
    if user is None:
        return Area()
    return Area(tuple(user.scope_provinces or ()), tuple(int(i) for i in user.scope_groups or ()))


def _members(area: Area):
    return select(GroupMember.contact_id).where(GroupMember.group_id.in_(area.groups))


def _by_place(area: Area, province, contact_id=None):
    """A row in one of the provinces, or (with a contact column) from a group member."""
    parts = []
    if area.provinces:
        parts.append(province.in_(area.provinces))
    if area.groups and contact_id is not None:
        parts.append(contact_id.in_(_members(area)))
    return or_(*parts) if parts else false()


def _contacts(area: Area):
    return select(Contact.id).where(_by_place(area, Contact.province, Contact.id))


def _answers_in(area: Area):
    """An answer carries its response's province (copied when written): from a member of
    one of the groups, though, is known from the (named) response."""
    members = select(ConsultationResponse.id).where(
        ConsultationResponse.contact_id.in_(_members(area)))
    return or_(_by_place(area, ConsultationAnswer.province),
               *([ConsultationAnswer.response_id.in_(members)] if area.groups else []))


def _broadcast_ids(db: Session, area: Area) -> list[int]:
    """Broadcasts whose audience names a province or a group of the area."""
    wanted_p, wanted_g = set(area.provinces), set(area.groups)
    ids = []
    for ident, audience in db.execute(select(Broadcast.id, Broadcast.audience)):
        audience = audience or {}
        provinces = set(audience.get("provinces") or ())
        groups = {int(i) for i in audience.get("groups") or () if str(i).isdigit()}
        if provinces & wanted_p or groups & wanted_g:
            ids.append(ident)
    return ids


def criteria(area: Area, broadcast_ids: list[int]) -> list:
    """The loader criteria that keep every query inside `area`."""
    contacts = _contacts(area)
    reports = select(Report.code).where(_by_place(area, Report.province, Report.contact_id))
    conversations = select(Conversation.id).where(
        _by_place(area, Conversation.province, Conversation.contact_id))
    meetings = select(Invitation.meeting_id).where(Invitation.contact_id.in_(contacts))
    rules = [
        (Contact, _by_place(area, Contact.province, Contact.id)),
        (Identity, Identity.contact_id.in_(contacts)),
        (GroupMember, GroupMember.contact_id.in_(contacts)),
        (Message, Message.contact_id.in_(contacts)),
        (Report, _by_place(area, Report.province, Report.contact_id)),
        (ReportChange, ReportChange.report_code.in_(reports)),
        (ReportQuestion, ReportQuestion.report_code.in_(reports)),
        (Referral, Referral.report_code.in_(reports)),
        (Feedback, _by_place(area, Feedback.province, Feedback.contact_id)),
        (Conversation, _by_place(area, Conversation.province, Conversation.contact_id)),
        (ConversationNote, ConversationNote.conversation_id.in_(conversations)),
        (Invitation, Invitation.contact_id.in_(contacts)),
        (Meeting, Meeting.id.in_(meetings)),
        (Broadcast, Broadcast.id.in_(broadcast_ids)),
        (ConsultationRecipient, ConsultationRecipient.contact_id.in_(contacts)),
        (ConsultationResponse, _by_place(area, ConsultationResponse.province,
                                         ConsultationResponse.contact_id)),
        (ConsultationAnswer, _answers_in(area)),
    ]
    return [with_loader_criteria(entity, clause, include_aliases=True)
            for entity, clause in rules]


def current_area() -> Area:
    if not has_request_context():
        return Area()
    if (request.endpoint or "").startswith(UNSCOPED_ENDPOINTS) or g.get("area_paused"):
        return Area()
    return g.get("area") or Area()


def narrow(state: ORMExecuteState) -> None:
    """The hook: every ORM SELECT of a scoped request gets the area's criteria."""
    if not state.is_select or state.is_column_load:
        return
    area = current_area()
    if not area:
        return
    if "area_criteria" not in g:
        g.area_criteria = ()  # computing the broadcasts' ids reads unnarrowed, once
        g.area_criteria = criteria(area, _broadcast_ids(state.session, area))
    if g.area_criteria:
        state.statement = state.statement.options(*g.area_criteria)


def confines(audience: dict | None) -> bool:
    """True if an announcement to `audience` reaches only the signed-in account's area
    (always, for an account without one): it names at least one province or group, and
    only provinces and groups of the area. Sending happens later, outside the request,
    so the hook cannot narrow it: a limited account must say its area."""
    area = current_area()
    if not area:
        return True
    audience = audience or {}
    provinces = set(audience.get("provinces") or ())
    groups = {int(i) for i in audience.get("groups") or () if str(i).isdigit()}
    return bool(provinces or groups) and provinces <= set(area.provinces) \
        and groups <= set(area.groups)


@contextmanager
def whole_store():
    """Within it, the system's own reads (a route's side effects) are not narrowed; what
    they read must not be shown."""
    paused = g.get("area_paused", False)
    g.area_paused = True
    try:
        yield
    finally:
        g.area_paused = paused


def install() -> None:
    if not event.contains(Session, "do_orm_execute", narrow):
        event.listen(Session, "do_orm_execute", narrow)


def enter(user: User | None) -> None:
    """Called once the request's account is known (a page's user, an API token's owner)."""
    g.area = area_of(user)
    g.pop("area_criteria", None)


def describe(db: Session, area: Area, places_name: str, language: str) -> str:
    """The area in words, e.g. "Kabul, Takhar, Dand shura"."""
    geography = places.load(places_name)
    parts = []
    for code in area.provinces:
        place = geography.get(code)
        parts.append(place.name(language) if place else code)
    if area.groups:
        named = select(Group.id, Group.name).where(Group.id.in_(area.groups))
        names = dict(db.execute(named).all())
        parts += [names.get(ident, str(ident)) for ident in area.groups]
    return ", ".join(parts)


def label_for_page() -> str:
    """For page headers and counts: the signed-in account's area, or "" if unlimited."""
    area = g.get("area")
    if not area:
        return ""
    if "area_label" not in g:
        from dashboard.i18n import current_language

        services = current_app.extensions["mashwara"]
        with services.database.read() as db:
            g.area_label = describe(db, area, services.settings.places, current_language())
    return g.area_label

