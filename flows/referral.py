"""Consent to a referral: may the report go to a partner, and with what?

    (a coordinator proposes; Inbox.offer starts this, or it waits for the
     conversation the person is in)
        |
      share: 1 the report only / 2 with my name and number / 3 no
        |
      only what was agreed reaches the partner (a "referral" notice)

Nothing is shared before the answer, nor if the session expires unanswered, nor if
the referral was revoked in the meantime.
"""

from __future__ import annotations

from bot.reports import referrals
from bot.store import Partner, Referral, ReferralStatus
from flows.engine import Context, Notice, Reply, Turn
from flows.steps import ChoiceQuestion, Option, StepFlow

SHARES = ("account", "contact", "no")


def share_options(ctx: Context, _state: dict) -> list[Option]:
    return [Option(share, ctx.t(f"referral.share.{share}")) for share in SHARES]


def ask_params(ctx: Context, state: dict) -> dict:
    return {"org": ctx.settings.org_name, "code": state["code"], "partner": state["partner"]}


class ReferralConsent(StepFlow):
    name = "referral"
    questions = (ChoiceQuestion("share", "referral.ask", share_options, params=ask_params),)

    def start(self, ctx: Context, trigger: str) -> Turn:
        referral = ctx.db.get(Referral, int(trigger)) if trigger.isdigit() else None
        if referral is None or referral.status != ReferralStatus.ASKING:
            return Turn()
        partner = ctx.db.get(Partner, referral.partner_id)
        state = {"step": 0, "referral": referral.id, "code": referral.report_code,
                 "partner": partner.name}
        return self._mark(Turn([self.questions[0].ask(ctx, state)], state))

    def finish(self, ctx: Context, state: dict) -> Turn:
        referral = ctx.db.get(Referral, state["referral"])
        share = None if state["share"] == "no" else state["share"]
        if referral is None or not referrals.decide(ctx.db, referral, share, ctx.now):
            return Turn([Reply(ctx.t("referral.withdrawn"))])
        if share is None:
            return Turn([Reply(ctx.t("referral.declined"))])
        reply = ctx.t(f"referral.shared.{share}", partner=state["partner"])
        return Turn([Reply(reply)], notices=[Notice("referral", str(referral.id))])


FLOWS = (ReferralConsent(),)
