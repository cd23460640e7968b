"""Referral of a report to a partner organisation, with the reporter's consent.

`propose` records the referral. A named reporter is then asked, in their language, in
a conversation (flows/referral.py, started with Inbox.offer: it waits if they are in
another one) whether it may be shared, and what: the account only, or also their name
and number. Only what they agreed to reaches the partner, by the partner's channel (a
Telegram chat, an SMS number, or a pack a coordinator exports). An anonymous report has
nobody to ask and nothing that names anyone: it is shared as the account alone. Every
step is in the audit trail; `revoke` withdraws a referral and tells the partner.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.audit import trail as audit
from bot.contacts.lookup import identify
from bot.core.config import Settings
from bot.outbound.notify import preferred_identity
from bot.outbound.outbox import enqueue
from bot.store import (
    Contact,
    ContactStatus,
    Partner,
    PartnerChannel,
    Priority,
    Referral,
    ReferralStatus,
    Report,
    Share,
)
from bot.text import places
from locales import LANGUAGES, Translator


def add_partner(db: Session, name: str, channel: str, address: str | None,
                languages: list[str], provinces: list[str]) -> Partner:
    name = name.strip()
    if not name or len(name) > 120:
        raise ValueError("a partner's name is 1 to 120 characters")
    if channel not in PartnerChannel.ALL:
        raise ValueError(f"channel is one of {', '.join(PartnerChannel.ALL)}")
    if (channel == PartnerChannel.PACK) != (not address):
        raise ValueError("a Telegram or SMS partner needs an address; a pack partner none")
    if any(language not in LANGUAGES for language in languages):
        raise ValueError(f"languages are among {', '.join(LANGUAGES)}")
    if db.scalars(select(Partner).where(Partner.name == name)).first() is not None:
        raise ValueError(f"a partner is already called {name}")
    partner = Partner(name=name, channel=channel, address=address or None,
                      languages=list(languages), provinces=list(provinces))
    db.add(partner)
    db.flush()
    return partner


def disable_partner(partner: Partner, now: dt.datetime) -> bool:
    """No new referral goes to it, and none is delivered to it; what it received stays.
    False when it was already disabled."""
    if partner.disabled_at is not None:
        return False
    partner.disabled_at = now
    return True


def enable_partner(partner: Partner) -> bool:
    """New referrals may go to it again. False when it was not disabled."""
    if partner.disabled_at is None:
        return False
    partner.disabled_at = None
    return True


def partner_named(db: Session, name: str) -> Partner | None:
    return db.scalars(select(Partner).where(Partner.name == name)).first()


def propose(db: Session, report: Report, partner: Partner, *, by: str,
            now: dt.datetime) -> Referral:
    """Records the referral: asking a named reporter; shared as the account alone when
    the report is anonymous (the caller then delivers it, or offers the consent flow)."""
    anonymous = report.anonymous or report.contact_id is None
    referral = Referral(report_code=report.code, partner_id=partner.id,
                        status=ReferralStatus.SHARED if anonymous else ReferralStatus.ASKING,
                        share=Share.ACCOUNT if anonymous else None, proposed_by=by[:120],
                        proposed_at=now, decided_at=now if anonymous else None)
    db.add(referral)
    db.flush()
    audit.record(db, by, "referral.propose", "report", report.code,
                 {"referral": referral.id, "partner": partner.id, "anonymous": anonymous})
    return referral


def decide(db: Session, referral: Referral, share: str | None, now: dt.datetime) -> bool:
    """The reporter's answer: a Share, or None for no. False if it is no longer asked."""
    if referral.status != ReferralStatus.ASKING:
        return False
    referral.status = ReferralStatus.SHARED if share else ReferralStatus.DECLINED
    referral.share = share
    referral.decided_at = now
    audit.record(db, "reporter", "referral.consent", "report", referral.report_code,
                 {"referral": referral.id, "share": share or "no"})
    return True


def unreachable(db: Session, referral: Referral) -> None:
    referral.status = ReferralStatus.UNREACHABLE
    audit.record(db, "system", "referral.unreachable", "report", referral.report_code,
                 {"referral": referral.id})


def shared(db: Session, referral: Referral) -> dict:
    """What the partner receives: the account, and the reporter's name and number only
    when they agreed to it."""
    report = db.get(Report, referral.report_code)
    item = {"referral": referral.id, "code": report.code, "category": report.category,
            "province": report.province, "district": report.district,
            "occurred": report.occurred_on.isoformat() if report.occurred_on else report.occurred,
            "received_on": report.received_on.isoformat(), "urgent": report.urgent,
            "description": report.description}
    contact = db.get(Contact, report.contact_id) if report.contact_id else None
    if referral.share == Share.CONTACT and contact is not None and not report.anonymous:
        identity = preferred_identity(db, contact)
        item |= {"name": contact.name, "language": contact.language,
                 "address": identity.address if identity else None,
                 "channel": identity.channel if identity else None}
    return item


def _reader(partner: Partner, settings: Settings) -> Translator:
    language = partner.languages[0] if partner.languages else settings.default_language
    return Translator(language, settings.default_language)


def text_for_partner(db: Session, referral: Referral, partner: Partner,
                     settings: Settings) -> str:
    t, item = _reader(partner, settings), shared(db, referral)
    place = places.load(settings.places).get(item["province"])
    lines = [t("referral.partner", org=settings.org_name, code=item["code"],
               category=t(f"report.category.{item['category']}"),
               place=place.name(t.language) if place else "-", district=item["district"] or "-",
               received=item["received_on"]), item["description"]]
    if "name" in item:
        lines.append(t("referral.partner_contact", name=item["name"] or "-",
                       address=item["address"] or "-"))
    else:
        lines.append(t("referral.partner_no_contact"))
    return "\n".join(lines)


def _partner_identity(db: Session, partner: Partner, now: dt.datetime, settings: Settings):
    identity = identify(db, partner.channel, partner.address, now, settings.default_language)
    if identity.contact.status != ContactStatus.ACTIVE:
        identity.contact.status = ContactStatus.STAFF  # in no audience, export or broadcast
    return identity


def deliver(db: Session, subject: str, *, settings: Settings, now: dt.datetime) -> int:
    """Sends a shared referral to a Telegram or SMS partner (a pack partner's waits for
    `pack`). Returns how many messages were queued. Also the inbox's "referral" notice."""
    referral = db.get(Referral, int(subject))
    if referral is None or referral.status != ReferralStatus.SHARED:
        return 0
    partner = db.get(Partner, referral.partner_id)
    if partner.channel == PartnerChannel.PACK or partner.disabled_at is not None:
        return 0
    identity = _partner_identity(db, partner, now, settings)
    text = text_for_partner(db, referral, partner, settings)
    enqueue(db, identity, text, now=now, language=_reader(partner, settings).language,
            priority=Priority.ALERT)
    audit.record(db, "system", "referral.sent", "report", referral.report_code,
                 {"referral": referral.id, "partner": partner.id, "share": referral.share})
    return 1


def revoke(db: Session, referral: Referral, *, by: str, now: dt.datetime,
           settings: Settings) -> bool:
    """Withdraws it: nothing more is shared, and a partner that received it is asked to
    delete it. False if it was revoked already."""
    if referral.status == ReferralStatus.REVOKED:
        return False
    was_shared = referral.status == ReferralStatus.SHARED
    referral.status = ReferralStatus.REVOKED
    referral.revoked_at = now
    partner = db.get(Partner, referral.partner_id)
    if was_shared and partner.channel != PartnerChannel.PACK:
        t = _reader(partner, settings)
        enqueue(db, _partner_identity(db, partner, now, settings),
                t("referral.partner_revoked", org=settings.org_name, code=referral.report_code),
                now=now, language=t.language, priority=Priority.ALERT)
    audit.record(db, by, "referral.revoke", "report", referral.report_code,
                 {"referral": referral.id})
    return True


def pack(db: Session, partner: Partner) -> list[dict]:
    """Every referral shared with `partner` and not revoked, as it may be handed over."""
    rows = db.scalars(select(Referral).where(Referral.partner_id == partner.id,
                                             Referral.status == ReferralStatus.SHARED)
                      .order_by(Referral.id))
    return [shared(db, referral) for referral in rows]


def of_report(db: Session, code: str) -> list[Referral]:
    return list(db.scalars(select(Referral).where(Referral.report_code == code)
                           .order_by(Referral.id)))
