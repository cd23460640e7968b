"""STATUS R-7K3Q: the status of a report, for anyone holding its code; and
STATUS R-7K3Q <text>: the answer to a coordinator's question on it.

The answer never says whose report it is, and an unknown code and a malformed one
get the same words, so trying codes tells nothing about other people's reports.
The message is redacted from the log (it links this person to a code, and an answer
is report text), and the reply does not repeat the code. A question waiting on an
anonymous report is shown here, in a reply wiped from the log once sent: its words
would tie the person to the report. A code is four characters from 32, about a
million codes: STATUS_PER_HOUR keeps anyone from trying them by the thousand.
"""

from __future__ import annotations

from bot.reports import questions
from bot.reports.service import find_report
from bot.store import quota
from bot.text.codes import parse_code
from bot.text.keywords import Keyword
from flows.engine import Context, Reply, Turn
from flows.report import today
from flows.steps import Simple

STATUS_PER_HOUR = 20


def code_and_answer(ctx: Context, trigger: str) -> tuple[str | None, str]:
    """The code and the answer after it, from the message as typed ("R-7K3Q yes",
    "r 7k3q yes"); the keyword's argument is normalised, the answer is kept as written."""
    typed = ctx.given.text.split() if ctx.given is not None else ["", *trigger.split()]
    words = typed[1:]
    for length in (1, 2):
        code = parse_code("R", " ".join(words[:length]))
        if code is not None:
            return code, " ".join(words[length:])
    return None, ""


class ReportStatusFlow(Simple):
    name = "status"

    def start(self, ctx: Context, trigger: str) -> Turn:
        if not trigger:
            return Turn([Reply(ctx.t("status.how", status=ctx.keyword("STATUS")))],
                        redact_input=True)
        if not quota.take(ctx.db, ctx.contact.id, "status", STATUS_PER_HOUR, ctx.now):
            return Turn([Reply(ctx.t("status.wait"))], redact_input=True)
        code, text = code_and_answer(ctx, trigger)
        report = find_report(ctx.db, code)
        if report is None:
            reply = Reply(ctx.t("status.unknown", status=ctx.keyword("STATUS")))
        elif text:
            reply = self.answer(ctx, report, text)
        else:
            reply = self.status(ctx, report)
        return Turn([reply], redact_input=True)

    @staticmethod
    def status(ctx: Context, report) -> Reply:
        text = ctx.t("status.is", status=ctx.t(f"report.status.{report.status}"))
        question = questions.waiting(ctx.db, report.code)
        if question is None:
            return Reply(text)
        asked = ctx.t("followup.waiting", question=question.question,
                      status=ctx.keyword("STATUS"))
        return Reply(text + "\n" + asked, scrub=True)

    @staticmethod
    def answer(ctx: Context, report, text: str) -> Reply:
        if questions.answer(ctx.db, report.code, text, today(ctx)) is None:
            return Reply(ctx.t("followup.no_question"))
        return Reply(ctx.t("followup.answered"))


# Something code-like: one short run of Latin letters and digits (a typo in a code
# still gets the "no such code" answer); words are a sentence, not a code. An answer
# follows a code written with its R: "R-7K3Q the village is Qala-e-Naw".
CODE_LIKE = r"[a-z0-9][a-z0-9 \-_.]{2,9}"
CODE_AND_ANSWER = r"r[\s\-_.·]*[2-9a-hj-np-z]{4,5}\s(?s:.+)"


FLOWS = (ReportStatusFlow(),)
KEYWORDS = (
    Keyword("STATUS", "status", takes_argument=True, defers_to_text=True,
            argument_pattern=f"{CODE_LIKE}|{CODE_AND_ANSWER}", aliases={
                "en": ("status", "/status"), "fr": ("statut", "suivi"),
                "ar": ("حالة", "الحالة"), "fa": ("وضعیت", "پیگیری"), "ps": ("حالت", "تعقیب"),
            }),
)
