"""Question-by-question flows: a flow is a list of questions and what to do at the end.

A wrong answer gets the question again, prefixed with what was wrong; three wrong
answers in a row end the flow with help, so nobody is stuck in a loop.

A long text sent from a basic phone may arrive as several SMS a few seconds apart.
After an answer to a `TextQuestion(joins=True)`, a message that comes within
JOIN_WINDOW of the last part and is not a valid answer to the question now open is
taken as the next part of that text: it is appended, and nothing is sent back (the
question that followed was already asked). When the joining question was the last
one, the flow lingers for JOIN_WINDOW after finishing so late parts still join, and
`joined()` lets the flow update what it saved.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.text import keywords, places
from bot.text.normalize import localize_digits, normalize
from bot.text.render import Choice
from flows.engine import Context, Input, Reply, Turn

MAX_ERRORS = 3
MORE = "#"
# Parts of one long text sent as separate SMS arrive seconds apart, but a network
# under load can hold one back for ten or twenty; a person reading the next question
# and typing a wrong answer rarely does it this fast, and a valid answer is never
# joined, whatever its timing.
JOIN_WINDOW = dt.timedelta(seconds=30)
DONE = -1


@dataclass(frozen=True)
class Invalid:
    msgid: str
    params: tuple[tuple[str, object], ...] = ()


@dataclass(frozen=True)
class Option:
    value: str
    label: str


class Question:
    key: str
    prompt: str

    def ask(self, ctx: Context, state: dict) -> Reply:
        raise NotImplementedError

    def answer(self, ctx: Context, state: dict, given: Input):
        raise NotImplementedError


@dataclass
class ChoiceQuestion(Question):
    """A numbered menu. `options(ctx, state)` gives the choices in order; long lists
    are shown a page at a time, with `#` for the next page, and a typed name of an
    option is accepted as well as its number."""

    key: str
    prompt: str
    options: Callable[[Context, dict], Sequence[Option]]
    page_size: int = 0
    params: Callable[[Context, dict], dict] | None = None

    def ask(self, ctx: Context, state: dict) -> Reply:
        options = self.options(ctx, state)
        page = state.get("_page", 0)
        start, stop = 0, len(options)
        if self.page_size and len(options) > self.page_size:
            pages = -(-len(options) // self.page_size)
            start = (page % pages) * self.page_size  # past the last page, back to the first
            stop = min(start + self.page_size, len(options))
        choices = [Choice(str(i + 1), options[i].label) for i in range(start, stop)]
        if stop - start < len(options):
            choices.append(Choice(MORE, ctx.t("common.more")))
        params = self.params(ctx, state) if self.params else {}
        return Reply(ctx.t(self.prompt_id(ctx), **params), tuple(choices))

    def prompt_id(self, ctx: Context) -> str:
        return self.prompt

    def answer(self, ctx: Context, state: dict, given: Input):
        options = self.options(ctx, state)
        if given.normalized == MORE and self.page_size:
            state["_page"] = state.get("_page", 0) + 1
            return None
        number = given.number
        if number is not None and 1 <= number <= len(options):
            return options[number - 1].value
        if given.normalized and number is None:
            named = _named(options, given.normalized)
            if len(named) == 1:
                return named[0].value
        return Invalid("error.choose_number", (("max", len(options)),))


def _named(options: Sequence[Option], typed: str) -> list[Option]:
    """The options `typed` names: the whole label; else its first word ("هو" for
    «هو، موافق یم») or a word that means the same answer ("ho", "yes" for it); else
    the start of a label, three letters or more."""
    named = [o for o in options if normalize(o.label) == typed]
    if not named:
        named = [o for o in options if _same_word(_first_word(o.label), typed)]
    if not named and len(typed) >= 3:
        named = [o for o in options if normalize(o.label).startswith(typed)]
    return named


def _first_word(label: str) -> str:
    return re.split(r"[\s,،;؛:.]+", normalize(label))[0]


def _same_word(word: str, typed: str) -> bool:
    if word == typed:
        return True
    ours, theirs = keywords.match(word), keywords.match(typed)
    return (ours is not None and theirs is not None and ours[0].defers_to_session
            and ours[0].name == theirs[0].name)


class WhereQuestion(ChoiceQuestion):
    """One of the deployment's places, asked by the name its places file gives their
    level: `report.province`, or `report.province.region` for Moroccan regions."""

    def prompt_id(self, ctx: Context) -> str:
        level = places.load(ctx.settings.places).level
        return self.prompt if level == "province" else f"{self.prompt}.{level}"


@dataclass
class TextQuestion(Question):
    key: str
    prompt: str
    max_length: int = 200
    skippable: bool = False
    joins: bool = False  # a next message seconds later may be more of this text

    def ask(self, ctx: Context, state: dict) -> Reply:
        choices = (Choice("1", ctx.t("common.skip")),) if self.skippable else ()
        return Reply(ctx.t(self.prompt), choices)

    def answer(self, ctx: Context, state: dict, given: Input):
        if self.skippable and given.number == 1:
            return ""
        if not any(c.isalnum() for c in given.text):
            return Invalid("error.need_words")
        if len(given.text) > self.max_length:
            return Invalid("error.too_long", (("max", self.max_length),))
        return given.text


class StepFlow:
    """Asks `questions` in order; subclasses decide what the answers mean."""

    name: str
    questions: Sequence[Question]
    expired_message = "session.expired"
    # Every input to this flow is kept out of the message log (the flow saves what
    # it needs, encrypted, or nothing at all).
    redact = False

    def start(self, ctx: Context, trigger: str) -> Turn:
        state = {"step": 0}
        return self._mark(Turn([self.questions[0].ask(ctx, state)], state))

    def resume(self, ctx: Context, state: dict, given: Input) -> Turn:
        return self._mark(self._resume(ctx, state, given))

    def _mark(self, turn: Turn) -> Turn:
        turn.redact_input = turn.redact_input or self.redact
        return turn

    def _resume(self, ctx: Context, state: dict, given: Input) -> Turn:
        if state["step"] == DONE:
            return self._lingering(ctx, state, given)
        question = self.questions[state["step"]]
        result = question.answer(ctx, state, given)
        if result is None:  # asked for the next page
            return Turn([question.ask(ctx, state)], state)
        if isinstance(result, Invalid):
            if self._join(ctx, state, given):
                return Turn([], state)
            return self._invalid(ctx, state, question, result)
        state.pop("_page", None)
        state.pop("_errors", None)
        state.pop("_join", None)
        state[question.key] = result
        if getattr(question, "joins", False):
            state["_join"] = {"key": question.key, "at": ctx.now.isoformat()}
        early = self.answered(ctx, state, question.key)
        if early is not None:
            return early
        step = self.next_step(state, state["step"])
        if step is None:
            return self._linger(state, self.finish(ctx, state))
        state["step"] = step
        return Turn([self.questions[step].ask(ctx, state)], state)

    def _join(self, ctx: Context, state: dict, given: Input) -> bool:
        """Appends `given` to the text answered just before, if it is a late part of it."""
        join = state.get("_join")
        if not join or not given.text:
            return False
        if ctx.now - dt.datetime.fromisoformat(join["at"]) > JOIN_WINDOW:
            return False
        question = next(q for q in self.questions if q.key == join["key"])
        joined = f"{state[join['key']]} {given.text}"
        if len(joined) > getattr(question, "max_length", 0):
            return False
        state[join["key"]] = joined
        join["at"] = ctx.now.isoformat()
        self.joined(ctx, state, join["key"])
        return True

    def _linger(self, state: dict, turn: Turn) -> Turn:
        if "_join" not in state or turn.state is not None or turn.then is not None:
            return turn
        state["step"] = DONE
        turn.state, turn.expires_in = state, JOIN_WINDOW
        return turn

    def _lingering(self, ctx: Context, state: dict, given: Input) -> Turn:
        if self._join(ctx, state, given):
            return Turn([], state, expires_in=JOIN_WINDOW)
        return Turn(then="menu")

    def joined(self, ctx: Context, state: dict, key: str) -> None:
        """A late part was appended to `state[key]`; update what was saved, if anything."""

    def _invalid(self, ctx: Context, state: dict, question: Question, invalid: Invalid) -> Turn:
        state["_errors"] = state.get("_errors", 0) + 1
        if state["_errors"] >= MAX_ERRORS:
            return self.give_up(ctx, state)
        asked = question.ask(ctx, state)
        # One digit script in a message: the options are numbered ۱ ۲ ۳, so is "1 to {max}".
        told = localize_digits(ctx.t(invalid.msgid, **dict(invalid.params)), ctx.t.language)
        text = told + "\n" + asked.text
        return Turn([Reply(text, asked.choices)], state)

    def give_up(self, ctx: Context, state: dict) -> Turn:
        return Turn([Reply(ctx.t("error.too_many", menu=ctx.keyword("MENU"),
                                  help=ctx.keyword("HELP")))])

    def waits_for_text(self, state: dict) -> bool:
        """The open question takes free text (a name, a description)."""
        step = state.get("step", DONE)
        return step != DONE and isinstance(self.questions[step], TextQuestion)

    def answered(self, ctx: Context, state: dict, key: str) -> Turn | None:
        """Called after each answer; a Turn returned here ends or redirects the flow."""
        return None

    def next_step(self, state: dict, step: int) -> int | None:
        return step + 1 if step + 1 < len(self.questions) else None

    def finish(self, ctx: Context, state: dict) -> Turn:
        raise NotImplementedError

    def reprompt(self, ctx: Context, state: dict) -> list[Reply]:
        if state["step"] == DONE:
            return []
        return [self.questions[state["step"]].ask(ctx, state)]

    def expired(self, ctx: Context, state: dict) -> list[Reply]:
        if state["step"] == DONE:
            return []  # a finished flow waiting for late parts: nothing was left open
        return [Reply(ctx.t(self.expired_message, menu=ctx.keyword("MENU"),
                            join=ctx.keyword("START")))]


class Simple:
    """A flow that answers once and keeps no state."""

    name: str

    def resume(self, ctx: Context, state: dict, given) -> Turn:
        return self.start(ctx, "")

    def reprompt(self, ctx: Context, state: dict) -> list[Reply]:
        return []

    def expired(self, ctx: Context, state: dict) -> list[Reply]:
        return []
