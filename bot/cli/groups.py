"""`mashwara groups`: named sets of contacts, such as a district shura, to invite."""

from __future__ import annotations

import click
from sqlalchemy import func, select

from bot.cli.context import contact_id, group_id, services
from bot.core.clock import now
from bot.core.db import insert_ignore
from bot.store import Contact, Group, GroupMember


@click.group()
def groups() -> None:
    """Groups of contacts (a shura, a network) to invite together."""


@groups.command("create")
@click.argument("name")
@click.option("--description", default=None)
def create(name: str, description: str | None) -> None:
    """Make a group called NAME."""
    with services().database.write() as db:
        if db.scalars(select(Group).where(Group.name == name)).first() is not None:
            raise click.ClickException(f"there is already a group {name!r}")
        group = Group(name=name, description=description, created_at=now())
        db.add(group)
        db.flush()
        click.echo(f"Group {group.id} {name!r} created.")


@groups.command("add")
@click.argument("group")
@click.argument("contacts", nargs=-1, required=True)
def add(group: str, contacts: tuple[str, ...]) -> None:
    """Add CONTACTS (ids or phone numbers) to GROUP (name or id)."""
    with services().database.write() as db:
        gid = group_id(db, group)
        added = sum(insert_ignore(db, GroupMember, {"group_id": gid, "contact_id":
                                                    contact_id(db, c), "added_at": now()})
                    is not None for c in contacts)
        click.echo(f"{added} added, {len(contacts) - added} already in the group.")


@groups.command("remove")
@click.argument("group")
@click.argument("contacts", nargs=-1, required=True)
def remove(group: str, contacts: tuple[str, ...]) -> None:
    """Take CONTACTS out of GROUP."""
    with services().database.write() as db:
        gid = group_id(db, group)
        for given in contacts:
            member = db.get(GroupMember, (gid, contact_id(db, given)))
            if member is not None:
                db.delete(member)
        click.echo("Done.")


@groups.command("list")
def list_groups() -> None:
    """Every group with its number of members."""
    with services().database.read() as db:
        rows = db.execute(select(Group.id, Group.name, func.count(GroupMember.contact_id))
                          .outerjoin(GroupMember).group_by(Group.id, Group.name)
                          .order_by(Group.name)).all()
    for gid, name, members in rows:
        click.echo(f"{gid:>4}  {name}  ({members} members)")
    if not rows:
        click.echo("No groups yet: mashwara groups create NAME")


@groups.command("show")
@click.argument("group")
def show(group: str) -> None:
    """The members of GROUP (ids, names and languages; no numbers)."""
    with services().database.read() as db:
        gid = group_id(db, group)
        members = db.scalars(select(Contact).join(GroupMember)
                             .where(GroupMember.group_id == gid).order_by(Contact.id)).all()
        for contact in members:
            click.echo(f"{contact.id:>6}  {contact.language or '-':3} {contact.name or ''}")
        click.echo(f"{len(members)} members.")
