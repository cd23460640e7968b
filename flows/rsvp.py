"""Answering invitations: YES / NO / MAYBE in any language, 1 / 2 / 3 after an
invitation, or a button (a press arrives as its digit).

    invitation --(rsvp session: 1/2/3 or a word)--> one open invitation? --> confirmed
    YES / NO / MAYBE keyword ---------------------> several? "which meeting?" 1..n --> confirmed
                                                    none?    passed / cancelled / no invitation

The words defer to another flow's open question (see Keyword.defers_to_session);
the rsvp session itself understands them as well as digits.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.meetings import rsvp, texts
from bot.meetings.texts import ANSWERS
from bot.store import Invitation, Meeting
from bot.text import keywords
from bot.text.keywords import Keyword
from bot.text.render import Choice
from flows.engine import Context, Input, MenuItem, Reply, Turn

MAX_ERRORS = 2
WORDS = {"YES": "yes", "NO": "no", "MAYBE": "maybe"}
MSG_CLOSED = {"passed": "meetings.passed", "cancelled": "meetings.cancelled_already"}


def word_answer(given: Input) -> str | None:
    matched = keywords.match(given.normalized)
    return WORDS.get(matched[0].name) if matched and not matched[1] else None


def digit_answer(given: Input) -> str | None:
    number = given.number
    return ANSWERS[number - 1] if number is not None and 1 <= number <= len(ANSWERS) else None


def confirmation(ctx: Context, answer: str, meeting: Meeting) -> str:
    t = ctx.t
    text = t(f"meetings.confirmed.{answer}", title=texts.title(meeting, t, ctx.settings),
             when=texts.when(meeting, t, ctx.settings))
    hint = t("meetings.change_hint", yes=texts.keyword("YES", t), no=texts.keyword("NO", t),
             maybe=texts.keyword("MAYBE", t))
    return text + "\n" + hint


class Rsvp:
    """The session after an invitation (`rsvp`) and the three keywords (`rsvp.yes` ...)."""

    def __init__(self, name: str, answer: str | None = None):
        self.name, self.answer = name, answer

    def start(self, ctx: Context, trigger: str) -> Turn:
        if not ctx.contact.registered:
            return Turn(then="registration")  # someone new said "yes": welcome them
        pairs = rsvp.open_invitations(ctx.db, ctx.contact.id, ctx.now)
        return self._apply(ctx, self.answer, pairs, None)

    def resume(self, ctx: Context, state: dict, given: Input) -> Turn:
        among = state.get("invitations", [])
        if "answer" not in state:
            answer = word_answer(given) or digit_answer(given)
            if answer is None:
                return self._invalid(ctx, state)
            return self._apply(ctx, answer, self._pairs(ctx, among), among)
        if word_answer(given):  # they changed their answer before choosing
            state["answer"] = word_answer(given)
            return self._apply(ctx, state["answer"], self._pairs(ctx, among), among)
        if given.number is not None and 1 <= given.number <= len(among):
            chosen = [among[given.number - 1]]  # the list as it was shown
            return self._apply(ctx, state["answer"], self._pairs(ctx, chosen), chosen)
        return self._invalid(ctx, state)

    def _pairs(self, ctx: Context, among: list[int]):
        return rsvp.open_invitations(ctx.db, ctx.contact.id, ctx.now, among)

    def _apply(self, ctx: Context, answer: str, pairs, among) -> Turn:
        if not pairs:
            return Turn([Reply(self._closed(ctx, among))])
        if len(pairs) > 1:
            state = {"answer": answer, "invitations": [i.id for i, _ in pairs]}
            return Turn([self._which(ctx, state)], state)
        invitation, meeting = pairs[0]
        rsvp.record(invitation, answer, ctx.now)
        return Turn([Reply(confirmation(ctx, answer, meeting))])

    def _closed(self, ctx: Context, among) -> str:
        reason = rsvp.closed_reason(ctx.db, ctx.contact.id, ctx.now, among)
        if reason is None:
            return ctx.t("meetings.no_invitation", meetings=ctx.keyword("MEETINGS"))
        why, meeting = reason
        return ctx.t(MSG_CLOSED[why], title=texts.title(meeting, ctx.t, ctx.settings))

    def _which(self, ctx: Context, state: dict) -> Reply:
        meetings = dict(ctx.db.execute(select(Invitation.id, Meeting).join(Meeting).where(
            Invitation.id.in_(state["invitations"]))).all())
        choices = tuple(Choice(str(n), self._label(ctx, meetings[i]))
                        for n, i in enumerate(state["invitations"], 1) if i in meetings)
        answer = ctx.t(f"meetings.answer.{state['answer']}")
        return Reply(ctx.t("meetings.which", answer=answer), choices)

    @staticmethod
    def _label(ctx: Context, meeting: Meeting) -> str:
        t, settings = ctx.t, ctx.settings
        return t("meetings.choice", title=texts.title(meeting, t, settings),
                 when=texts.when(meeting, t, settings))

    def _invalid(self, ctx: Context, state: dict) -> Turn:
        errors = state.get("_errors", 0) + 1
        asked = self.reprompt(ctx, state)
        if errors >= MAX_ERRORS or not asked:
            return Turn(then="menu")  # they are not answering an invitation
        state = {**state, "_errors": errors}
        asked = asked[0]
        return Turn([Reply(ctx.t("meetings.not_an_answer") + "\n" + asked.text, asked.choices)],
                    state)

    def reprompt(self, ctx: Context, state: dict) -> list[Reply]:
        if "answer" in state:
            return [self._which(ctx, state)]
        pairs = self._pairs(ctx, state.get("invitations", []))
        if not pairs:
            return []
        title = texts.title(pairs[-1][1], ctx.t, ctx.settings)
        return [Reply(ctx.t("meetings.prompt", title=title), texts.answer_choices(ctx.t))]

    def expired(self, ctx: Context, state: dict) -> list[Reply]:
        return []  # the words still work; nobody needs telling


class MyMeetings:
    """The menu item and the MEETINGS keyword: upcoming meetings with my answer."""

    name = "meetings"

    def start(self, ctx: Context, trigger: str) -> Turn:
        if not ctx.contact.registered:
            return Turn(then="registration")
        rows = rsvp.upcoming(ctx.db, ctx.contact.id, ctx.now)
        if not rows:
            return Turn([Reply(ctx.t("meetings.list_empty", menu=ctx.keyword("MENU")))])
        lines = [ctx.t("meetings.list_title")]
        lines += [self._line(ctx, n, invitation, meeting)
                  for n, (invitation, meeting) in enumerate(rows, 1)]
        if any(m.starts_at > ctx.now for _, m in rows):
            lines.append(texts.answer_words(ctx.t))
        return Turn([Reply(texts.localize("\n".join(lines), ctx.t))])

    @staticmethod
    def _line(ctx: Context, n: int, invitation: Invitation, meeting: Meeting) -> str:
        return ctx.t("meetings.list_item", n=n, title=texts.title(meeting, ctx.t, ctx.settings),
                     when=texts.when(meeting, ctx.t, ctx.settings),
                     answer=ctx.t(f"meetings.response.{invitation.response}"))

    def resume(self, ctx: Context, state: dict, given: Input) -> Turn:
        return self.start(ctx, "")

    def reprompt(self, ctx: Context, state: dict) -> list[Reply]:
        return []

    def expired(self, ctx: Context, state: dict) -> list[Reply]:
        return []


FLOWS = (Rsvp(rsvp.SESSION_FLOW), *(Rsvp(f"rsvp.{a}", a) for a in ANSWERS), MyMeetings())
MENU_ITEMS = (MenuItem(30, "meetings.menu", "meetings"),)
KEYWORDS = (
    Keyword("YES", "rsvp.yes", defers_to_session=True, aliases={
        "en": ("yes", "/yes"), "fr": ("oui",), "ar": ("نعم", "ايوه", "na3am", "wah", "iyeh"),
        "fa": ("بلی", "بله", "آری", "bale", "bali"), "ps": ("هو", "هو کې", "هوکې", "ho"),
    }),
    Keyword("NO", "rsvp.no", defers_to_session=True, aliases={
        "en": ("no", "/no"), "fr": ("non",), "ar": ("لا", "كلا", "la", "lla"),
        "fa": ("نه", "نخیر", "خیر", "na", "nakhair"), "ps": ("نه", "نا", "na"),
    }),
    Keyword("MAYBE", "rsvp.maybe", defers_to_session=True, aliases={
        "en": ("maybe", "perhaps", "/maybe"),
        "fr": ("peut-etre", "peut-être", "peut être", "peutetre"),
        "ar": ("ربما", "يمكن"), "fa": ("شاید",), "ps": ("ښایي", "کېدای شي"),
    }),
    Keyword("MEETINGS", "meetings", defers_to_text=True, aliases={
        "en": ("meetings", "meeting", "/meetings"), "fr": ("réunions", "réunion"),
        "ar": ("اجتماعات", "الاجتماعات", "اجتماع"), "fa": ("جلسات", "جلسه"),
        "ps": ("غونډې", "غونډه"),
    }),
)
