"""/api/v1/groups: groups and their members."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import delete, func, select

from bot.contacts.imports import add_member
from bot.core.clock import now
from bot.store import Contact, ContactStatus, Group, GroupMember
from dashboard.api.registry import (
    ApiError,
    Call,
    PageQuery,
    Reply,
    cursor_after,
    endpoint,
    get_or_404,
    page_of,
    paged,
)
from dashboard.api.schema import spec


@dataclass
class GroupOut:
    id: int
    name: str
    description: str | None
    members: int
    created_at: dt.datetime


@dataclass
class GroupIn:
    name: str = spec(min_length=1, max_length=120)
    description: str | None = spec(None, max_length=500)


@dataclass
class MemberOut:
    contact_id: int
    added_at: dt.datetime


@dataclass
class MemberIn:
    contact_id: int = spec(minimum=1)


def services():
    return current_app.extensions["mashwara"]


def group_out(db, group: Group) -> GroupOut:
    members = db.scalar(select(func.count()).select_from(GroupMember).where(
        GroupMember.group_id == group.id))
    return GroupOut(group.id, group.name, group.description, members or 0, group.created_at)



@endpoint("GET", "/v1/groups", permission="groups.view", tag="groups",
          summary="Groups, oldest first", query=PageQuery, response=page_of(GroupOut))
def list_groups(call: Call):
    query = select(Group).order_by(Group.id).limit(call.query.limit + 1)
    after = cursor_after(call.query)
    if after is not None:
        query = query.where(Group.id > after)
    with services().database.read() as db:
        rows, cursor = paged(list(db.scalars(query)), call.query.limit, lambda g: g.id)
        return page_of(GroupOut)([group_out(db, g) for g in rows], cursor)


@endpoint("POST", "/v1/groups", permission="groups.edit", tag="groups",
          summary="Make a group", body=GroupIn, response=GroupOut, status=201,
          errors=(409, 422))
def create_group(call: Call):
    body: GroupIn = call.body
    name = body.name.strip()
    if not name:
        raise ApiError(422, "invalid", "name is empty")
    with services().database.write() as db:
        if db.scalar(select(Group.id).where(Group.name == name)) is not None:
            raise ApiError(409, "exists", "a group has this name already")
        group = Group(name=name, description=body.description, created_at=now())
        db.add(group)
        db.flush()
        return group_out(db, group)


@endpoint("GET", "/v1/groups/<int:group_id>", permission="groups.view", tag="groups",
          summary="One group", response=GroupOut, errors=(404,))
def get_group(call: Call, group_id: int):
    with services().database.read() as db:
        return group_out(db, get_or_404(db, Group, group_id, "group"))


@endpoint("GET", "/v1/groups/<int:group_id>/members", permission="groups.view", tag="groups",
          summary="A group's members", query=PageQuery, response=page_of(MemberOut),
          errors=(404,))
def list_members(call: Call, group_id: int):
    query = (select(GroupMember).where(GroupMember.group_id == group_id)
             .order_by(GroupMember.contact_id).limit(call.query.limit + 1))
    after = cursor_after(call.query)
    if after is not None:
        query = query.where(GroupMember.contact_id > after)
    with services().database.read() as db:
        get_or_404(db, Group, group_id, "group")
        rows, cursor = paged(list(db.scalars(query)), call.query.limit, lambda m: m.contact_id)
        return page_of(MemberOut)([MemberOut(m.contact_id, m.added_at) for m in rows], cursor)


@endpoint("POST", "/v1/groups/<int:group_id>/members", permission="groups.edit", tag="groups",
          summary="Add a contact to a group (201), or find it there already (200)",
          body=MemberIn, response=MemberOut, status=201, also=(200,), errors=(404, 422))
def add_group_member(call: Call, group_id: int):
    with services().database.write() as db:
        group = get_or_404(db, Group, group_id, "group")
        contact = db.get(Contact, call.body.contact_id)
        if contact is None or contact.status != ContactStatus.ACTIVE:
            raise ApiError(422, "invalid", "contact_id names no registered contact")
        added = add_member(db, group, contact.id)
        member = db.get(GroupMember, (group.id, contact.id))
        return Reply(201 if added else 200, MemberOut(member.contact_id, member.added_at))


@endpoint("DELETE", "/v1/groups/<int:group_id>/members/<int:contact_id>",
          permission="groups.edit", tag="groups", summary="Remove a contact from a group",
          status=204, errors=(404,))
def remove_group_member(call: Call, group_id: int, contact_id: int):
    with services().database.write() as db:
        get_or_404(db, Group, group_id, "group")
        removed = db.execute(delete(GroupMember).where(
            GroupMember.group_id == group_id, GroupMember.contact_id == contact_id)).rowcount
    if not removed:
        raise ApiError(404, "not_found", "that contact is not in this group")
    return Reply(204)
