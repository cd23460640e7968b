"""Feedback: topic -> message -> reference number.

    FEEDBACK / menu / /feedback
        |
      topic (numbered; MASHWARA_FEEDBACK_TOPICS) --> message --> "thank you, F-7K3Q"
                                                        ^            |
                                                        +-- late SMS parts join (30 s)

The text is kept encrypted in the feedback row and nowhere else: the inbound
messages that carried it are redacted from the log.
"""

from __future__ import annotations

from sqlalchemy import exists, select

from bot.store import Feedback as FeedbackRow
from bot.text import codes
from bot.text.keywords import Keyword
from flows.engine import Context, MenuItem, Reply, Turn
from flows.intake import count_one, refuse_start
from flows.steps import DONE, ChoiceQuestion, Option, StepFlow, TextQuestion


def topic_options(ctx: Context, _state: dict) -> list[Option]:
    return [Option(topic, ctx.t(f"feedback.topic.{topic}"))
            for topic in ctx.settings.feedback_topics]


def _reference_taken(ctx: Context):
    return lambda code: bool(ctx.db.scalar(select(exists().where(FeedbackRow.reference == code))))


class Feedback(StepFlow):
    name = "feedback"
    redact = True
    questions = (
        ChoiceQuestion("topic", "feedback.topic", topic_options),
        TextQuestion("text", "feedback.message", max_length=4000, joins=True),
    )

    def start(self, ctx: Context, trigger: str) -> Turn:
        refused = refuse_start(ctx, "feedback", ctx.settings.feedback_per_hour)
        return self._mark(refused) if refused else super().start(ctx, trigger)

    def finish(self, ctx: Context, state: dict) -> Turn:
        refused = count_one(ctx, "feedback", ctx.settings.feedback_per_hour)
        if refused:
            state.pop("_join", None)  # nothing was stored, so nothing to join
            return refused
        row = FeedbackRow(
            reference=codes.new_code("F", _reference_taken(ctx)), topic=state["topic"],
            text=state["text"], province=ctx.contact.province, language=ctx.contact.language,
            contact_id=ctx.contact.id, created_at=ctx.now,
        )
        ctx.db.add(row)
        ctx.db.flush()
        state["_row"] = row.id
        return Turn([Reply(ctx.t("feedback.thanks", reference=row.reference,
                                 menu=ctx.keyword("MENU")))])

    def joined(self, ctx: Context, state: dict, key: str) -> None:
        row = ctx.db.get(FeedbackRow, state.get("_row")) if state["step"] == DONE else None
        if row is not None:
            row.text = state[key]


FLOWS = (Feedback(),)
MENU_ITEMS = (MenuItem(10, "menu.feedback", "feedback"),)
KEYWORDS = (
    Keyword("FEEDBACK", "feedback", defers_to_text=True, aliases={
        "en": ("feedback", "/feedback", "comment"), "fr": ("avis", "commentaire"),
        "ar": ("رأي", "ملاحظة", "ملاحظات"), "fa": ("نظر", "پیشنهاد"),
        "ps": ("نظر", "وړاندیز"),
    }),
)
