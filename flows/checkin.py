"""`HERE 4821`: a person at the meeting records their attendance with its code."""

from __future__ import annotations

from bot.meetings import attendance, texts
from bot.text.keywords import Keyword
from bot.text.normalize import to_ascii_digits
from flows.engine import Context, Reply, Turn
from flows.steps import Simple


class CheckIn(Simple):
    name = "checkin"

    def start(self, ctx: Context, trigger: str) -> Turn:
        if not ctx.contact.registered:
            return Turn(then="registration")
        here = ctx.keyword("HERE")
        code = to_ascii_digits(trigger).replace(" ", "")
        if not code:
            example = texts.localize(f"{here} 4821", ctx.t)
            return Turn([Reply(ctx.t("meetings.checkin_how", example=example))])
        meeting = attendance.meeting_for_code(ctx.db, code, ctx.contact.id, ctx.now)
        if meeting is None:
            code = texts.localize(code, ctx.t)
            return Turn([Reply(ctx.t("meetings.checkin_unknown", code=code))])
        attendance.mark(ctx.db, meeting, ctx.contact.id, ctx.now)
        title = texts.title(meeting, ctx.t, ctx.settings)
        return Turn([Reply(ctx.t("meetings.checkin_done", title=title))])


FLOWS = (CheckIn(),)
KEYWORDS = (
    Keyword("HERE", "checkin", takes_argument=True, defers_to_text=True, aliases={
        "en": ("here", "/here", "present"), "fr": ("présent", "présente", "ici"),
        "ar": ("حاضر", "حاضرة"), "fa": ("حاضر", "حضور"), "ps": ("حاضر", "دلته"),
    }),
)
