"""`mashwara partners ...` and `mashwara reports refer|revoke-referral`: partner
organisations and referrals with the reporter's consent."""

from __future__ import annotations

import json

import click

from bot.cli.context import services as build_services
from bot.store import PartnerChannel
from locales import LANGUAGES


@click.group()
def partners() -> None:
    """Partner organisations that receive referred reports."""


@partners.command("add")
@click.argument("name")
@click.option("--channel", type=click.Choice(PartnerChannel.ALL), required=True,
              help="How it receives referrals: a Telegram chat, an SMS number, or a pack "
                   "a coordinator exports and hands over.")
@click.option("--address", default=None, help="The Telegram chat id or the phone number.")
@click.option("--language", "languages", multiple=True, type=click.Choice(LANGUAGES),
              help="Languages it works in; the first is the one it is written to in.")
@click.option("--province", "provinces", multiple=True, help="Province codes it works in.")
def add(name: str, channel: str, address: str | None, languages, provinces) -> None:
    """Add partner NAME."""
    from bot.audit import trail as audit
    from bot.reports import referrals

    services = build_services()
    with services.database.write() as db:
        try:
            partner = referrals.add_partner(db, name, channel, address, list(languages),
                                            list(provinces))
        except ValueError as error:
            raise click.ClickException(str(error)) from None
        audit.record(db, audit.cli_actor(), "partner.add", "partner", partner.id)
        click.echo(f"partner {partner.id}: {partner.name} ({channel})")


@partners.command("list")
def list_partners() -> None:
    """Partners, with their channel, languages and provinces (never their address)."""
    from sqlalchemy import select

    from bot.store import Partner

    with build_services().database.read() as db:
        for p in db.scalars(select(Partner).order_by(Partner.name)):
            click.echo(f"{p.id}\t{p.name}\t{p.channel}\t{','.join(p.languages) or '-'}\t"
                       f"{','.join(p.provinces) or '-'}")


@partners.command("pack")
@click.argument("name")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None)
def pack(name: str, output: str | None) -> None:
    """The referrals shared with partner NAME, as JSON, to hand over. Holds report texts
    (and names and numbers where reporters agreed): keep it safe."""
    from bot.audit import trail as audit
    from bot.reports import referrals

    services = build_services()
    with services.database.write() as db:
        partner = referrals.partner_named(db, name)
        if partner is None:
            raise click.ClickException(f"no partner is called {name}")
        items = referrals.pack(db, partner)
        audit.record(db, audit.cli_actor(), "referral.pack", "partner", partner.id,
                     {"rows": len(items)})
    text = json.dumps({"partner": name, "referrals": items}, ensure_ascii=False, indent=1)
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        click.echo(text)


@click.command("refer")
@click.argument("code")
@click.argument("partner")
@click.option("--by", default="cli", show_default=True)
def refer(code: str, partner: str, by: str) -> None:
    """Refer report CODE to PARTNER: a named reporter is asked first (what may be shared);
    an anonymous report goes as the account alone."""
    from bot.audit import trail as audit
    from bot.core.clock import now
    from bot.pipeline.referrals import refer as refer_report
    from bot.reports import referrals
    from bot.reports.service import find_report
    from bot.text.codes import parse_code

    services = build_services()
    with services.database.write() as db:
        report = find_report(db, parse_code("R", code))
        if report is None:
            raise click.ClickException(f"no report has the code {code}")
        found = referrals.partner_named(db, partner)
        if found is None:
            raise click.ClickException(f"no partner is called {partner}")
        referral = refer_report(db, services.inbox, report, found,
                                by=f"{audit.cli_actor()} ({by[:40]})", now=now())
        said = {"shared": "shared as the account alone (anonymous: nobody to ask, "
                          "nothing that names)",
                "asking": "the reporter is asked what may be shared",
                "unreachable": "not shared: the reporter cannot be asked"}[referral.status]
        click.echo(f"referral {referral.id} of {report.code} to {found.name}: {said}.")


@click.command("revoke-referral")
@click.argument("referral_id", type=int)
def revoke_referral(referral_id: int) -> None:
    """Withdraw referral REFERRAL_ID; a partner that received it is asked to delete it."""
    from bot.audit import trail as audit
    from bot.core.clock import now
    from bot.reports import referrals
    from bot.store import Referral

    services = build_services()
    with services.database.write() as db:
        referral = db.get(Referral, referral_id) if 0 < referral_id < 2**31 else None
        if referral is None:
            raise click.ClickException(f"no referral {referral_id}")
        done = referrals.revoke(db, referral, by=audit.cli_actor(), now=now(),
                                settings=services.settings)
    click.echo(f"referral {referral_id} revoked." if done else "already revoked.")
