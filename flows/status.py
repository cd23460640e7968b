"""STATUS R-7K3Q: the status of a report, for anyone holding its code.

The answer never says whose report it is, and an unknown code and a malformed one
get the same words, so trying codes tells nothing about other people's reports.
The question is redacted from the log (it links this person to a code) and the
answer does not repeat the code. A code is four characters from 32, about a million
codes: STATUS_PER_HOUR keeps anyone from trying them by the thousand.
"""

from __future__ import annotations

from bot.reports.service import find_report
from bot.store import quota
from bot.text.codes import parse_code
from bot.text.keywords import Keyword
from flows.engine import Context, Reply, Turn
from flows.steps import Simple

STATUS_PER_HOUR = 20


class ReportStatusFlow(Simple):
    name = "status"

    def start(self, ctx: Context, trigger: str) -> Turn:
        if not trigger:
            text = ctx.t("status.how", status=ctx.keyword("STATUS"))
        elif not quota.take(ctx.db, ctx.contact.id, "status", STATUS_PER_HOUR, ctx.now):
            text = ctx.t("status.wait")
        else:
            report = find_report(ctx.db, parse_code("R", trigger))
            if report is None:
                text = ctx.t("status.unknown", status=ctx.keyword("STATUS"))
            else:
                text = ctx.t("status.is", status=ctx.t(f"report.status.{report.status}"))
        return Turn([Reply(text)], redact_input=True)



# Something code-like: one short run of Latin letters and digits (a typo in a code
# still gets the "no such code" answer); words are a sentence, not a code.
CODE_LIKE = r"[a-z0-9][a-z0-9 \-_.]{2,9}"


FLOWS = (ReportStatusFlow(),)
KEYWORDS = (
    Keyword("STATUS", "status", takes_argument=True, defers_to_text=True,
            argument_pattern=CODE_LIKE, aliases={
        "en": ("status", "/status"), "fr": ("statut", "suivi"), "ar": ("حالة", "الحالة"),
        "fa": ("وضعیت", "پیگیری"), "ps": ("حالت", "تعقیب"),
    }),
)
