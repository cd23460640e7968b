"""Starting a referral from any face (CLI, dashboard, API): record it, then send it
(anonymous: the account alone) or ask the named reporter through Inbox.offer."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from bot.pipeline.inbox import Inbox
from bot.reports import referrals
from bot.store import Partner, Referral, ReferralStatus, Report


def refer(db: Session, inbox: Inbox, report: Report, partner: Partner, *, by: str,
          now: dt.datetime) -> Referral:
    """The referral, now shared (anonymous), asking (named) or unreachable."""
    referral = referrals.propose(db, report, partner, by=by, now=now)
    if referral.status == ReferralStatus.SHARED:
        referrals.deliver(db, str(referral.id), settings=inbox.settings, now=now)
    elif not inbox.offer(db, report.contact_id, "referral", str(referral.id), now):
        referrals.unreachable(db, referral)
    return referral
