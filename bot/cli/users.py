"""`mashwara users ...`: dashboard accounts."""

from __future__ import annotations

import sys

import click
from sqlalchemy import select

from bot.accounts import service as accounts
from bot.accounts.service import AccountError, create_user, find_user
from bot.audit import trail as audit
from bot.core import config
from bot.services import Services
from bot.store import Group, Role, User
from bot.text import places


def _services() -> Services:
    try:
        services = Services(config.load())
    except config.ConfigError as error:
        raise click.ClickException(str(error)) from None
    services.upgrade()
    return services


@click.group()
def users() -> None:
    """Dashboard accounts: admin, coordinator, viewer."""


def _area_options(command):
    command = click.option("--group", "groups", multiple=True, metavar="NAME",
                           help="Limit the account to this group (repeatable).")(command)
    return click.option("--province", "provinces", multiple=True, metavar="CODE",
                        help="Limit the account to this province (repeatable).")(command)


def _area(services: Services, db, provinces, groups) -> tuple[list[str], list[int]]:
    """Province codes checked against the places file, group names turned into ids."""
    geography = places.load(services.settings.places)
    codes = [p.strip().lower() for p in provinces]
    unknown = [code for code in codes if geography.get(code) is None]
    if unknown:
        known = ", ".join(place.code for place in geography.places)
        raise click.ClickException(f"unknown province {', '.join(unknown)} (one of: {known})")
    ids = []
    for name in groups:
        group = db.scalar(select(Group).where(Group.name == name.strip()))
        if group is None:
            raise click.ClickException(f"no group {name!r}")
        ids.append(group.id)
    return codes, ids


def _scope_details(user: User) -> dict:
    return {"provinces": user.scope_provinces, "groups": user.scope_groups}


@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(Role.ALL), required=True)
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input (for scripts).")
@_area_options
def create(email: str, role: str, password_stdin: bool, provinces, groups) -> None:
    """Make an account; asks for the password twice. --province/--group limit a
    coordinator or viewer to an area."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    services = _services()
    try:
        with services.database.write() as db:
            codes, ids = _area(services, db, provinces, groups)
            user = create_user(db, email, password, role)
            if codes or ids:
                accounts.set_scope(db, user, codes, ids)
            audit.record(db, audit.cli_actor(), "user.create", "user", user.id,
                         {"role": role, "scope": _scope_details(user)})
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Made {user.email} ({user.role}).")


@users.command("set-scope")
@click.argument("email")
@_area_options
def set_scope(email: str, provinces, groups) -> None:
    """Limit an account to provinces and/or groups; with neither, lift the limit. Its
    sessions end and its API tokens are revoked."""
    services = _services()
    try:
        with services.database.write() as db:
            user = _user(db, email)
            codes, ids = _area(services, db, provinces, groups)
            before = _scope_details(user)
            revoked = accounts.set_scope(db, user, codes, ids)
            audit.record(db, audit.cli_actor(), "user.scope", "user", user.id,
                         {"from": before, "to": _scope_details(user),
                          "tokens_revoked": revoked})
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    area = ", ".join([*codes, *groups]) or "everywhere"
    click.echo(f"{email} now sees: {area}; its sessions ended and {revoked} API token(s)"
               " were revoked.")


@users.command("list")
def list_users() -> None:
    """The accounts, their roles and last sign-in."""
    with _services().database.read() as db:
        for user in db.scalars(select(User).order_by(User.email)):
            state = "disabled" if user.disabled_at else "active"
            seen = user.last_sign_in_at.strftime("%Y-%m-%d %H:%M") if user.last_sign_in_at else "-"
            totp = "totp" if user.totp_secret else "-"
            area = ",".join([*(user.scope_provinces or ()),
                             *(f"group:{i}" for i in user.scope_groups or ())]) or "-"
            click.echo(f"{user.email}\t{user.role}\t{state}\t{totp}\t{seen}\t{area}")


def _user(db, email: str) -> User:
    user = find_user(db, email)
    if user is None:
        raise click.ClickException(f"no account {email}")
    return user


@users.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(Role.ALL))
def set_role(email: str, role: str) -> None:
    """Change an account's role."""
    with _services().database.write() as db:
        user = _user(db, email)
        before = user.role
        revoked = accounts.set_role(db, user, role)
        audit.record(db, audit.cli_actor(), "user.role", "user", user.id,
                     {"from": before, "to": role, "tokens_revoked": revoked})
    click.echo(f"{email} is now {role}; its sessions ended and {revoked} API token(s)"
               " were revoked.")


@users.command("disable")
@click.argument("email")
def disable(email: str) -> None:
    """Stop an account at once: its sessions end and its API tokens are revoked."""
    with _services().database.write() as db:
        user = _user(db, email)
        revoked = accounts.disable(db, user)
        audit.record(db, audit.cli_actor(), "user.disable", "user", user.id,
                     {"tokens_revoked": revoked})
    click.echo(f"{email} is disabled; its sessions ended and {revoked} API token(s)"
               " were revoked.")


@users.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input (for scripts).")
def set_password(email: str, password_stdin: bool) -> None:
    """A new password for an account; every session of the account ends."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        with _services().database.write() as db:
            user = _user(db, email)
            accounts.set_password(user, password)
            audit.record(db, audit.cli_actor(), "password.change", "user", user.id)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{email} has a new password; its sessions ended.")


@users.command("enable")
@click.argument("email")
def enable(email: str) -> None:
    """Let a disabled account sign in again."""
    with _services().database.write() as db:
        user = _user(db, email)
        user.disabled_at = None
        audit.record(db, audit.cli_actor(), "user.enable", "user", user.id)
    click.echo(f"{email} can sign in again.")
