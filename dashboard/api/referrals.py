"""/api/v1/partners, /api/v1/reports/referrals and /api/v1/referrals/{id}/revoke: refer a
report to a partner (a named reporter is asked first), and withdraw it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from bot.core.clock import now
from bot.pipeline.referrals import refer
from bot.reports import referrals
from bot.store import Partner, PartnerChannel, Referral, ReferralStatus, Report
from dashboard.api.registry import ApiError, Call, endpoint, get_or_404, page_of
from dashboard.api.schema import spec


def services():
    return current_app.extensions["mashwara"]


@dataclass
class PartnerOut:
    id: int
    name: str
    channel: str = spec(enum=PartnerChannel.ALL)
    languages: list[str] = spec()
    provinces: list[str] = spec()


@dataclass
class ReferralOut:
    id: int
    report_code: str
    partner_id: int
    status: str = spec(enum=ReferralStatus.ALL)
    share: str | None = spec(description="what the reporter agreed to: account or contact")
    proposed_at: dt.datetime = spec()
    decided_at: dt.datetime | None = spec()
    revoked_at: dt.datetime | None = spec()


@dataclass
class ReferIn:
    partner_id: int = spec(minimum=1)


@dataclass
class CodeQuery:
    code: str = spec("", max_length=12, description="the report's code")


def referral_out(r: Referral) -> ReferralOut:
    return ReferralOut(r.id, r.report_code, r.partner_id, r.status, r.share, r.proposed_at,
                       r.decided_at, r.revoked_at)


@endpoint("GET", "/v1/partners", permission="reports.edit", tag="referrals",
          summary="Partner organisations (never their address)", response=page_of(PartnerOut))
def list_partners(call: Call):
    with services().database.read() as db:
        rows = db.scalars(select(Partner).where(Partner.disabled_at.is_(None))
                          .order_by(Partner.name))
        return page_of(PartnerOut)([PartnerOut(p.id, p.name, p.channel, list(p.languages),
                                               list(p.provinces)) for p in rows], None)


@endpoint("POST", "/v1/reports/referrals", permission="reports.edit", tag="referrals",
          summary="Refer a report: a named reporter is asked what may be shared; an "
                  "anonymous report goes as the account alone",
          query=CodeQuery, body=ReferIn, response=ReferralOut, status=201, errors=(404,))
def refer_report(call: Call):
    code = call.query.code.upper()
    with services().database.write() as db:
        report = db.get(Report, code) if code else None
        partner = db.get(Partner, call.body.partner_id) if call.body.partner_id < 2**31 else None
        if report is None or partner is None or partner.disabled_at is not None:
            raise ApiError(404, "not_found", "give a report's code and a partner's id")
        referral = refer(db, services().inbox, report, partner, by=f"token:{call.token.id}",
                         now=now())
        return referral_out(referral)


@endpoint("POST", "/v1/referrals/<int:referral_id>/revoke", permission="reports.edit",
          tag="referrals", summary="Withdraw a referral; a partner that received it is told",
          response=ReferralOut, errors=(404,))
def revoke(call: Call, referral_id: int):
    with services().database.write() as db:
        referral = get_or_404(db, Referral, referral_id, "referral")
        referrals.revoke(db, referral, by=f"token:{call.token.id}", now=now(),
                         settings=services().settings)
        return referral_out(referral)
