"""Question-by-question flows: a flow is a list of questions and what to do at the end.

A wrong answer gets the question again, prefixed with what was wrong; three wrong
answers in a row end the flow with help, so nobody is stuck in a loop.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.channels.base import Choice

from .engine import Context, Input, Reply, Turn
from .normalize import normalize

MAX_ERRORS = 3
MORE = "#"


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
        return Reply(ctx.t(self.prompt, **params), tuple(choices))

    def answer(self, ctx: Context, state: dict, given: Input):
        options = self.options(ctx, state)
        if given.normalized == MORE and self.page_size:
            state["_page"] = state.get("_page", 0) + 1
            return None
        number = given.number
        if number is not None and 1 <= number <= len(options):
            return options[number - 1].value
        if given.normalized and number is None:
            named = [o for o in options if normalize(o.label) == given.normalized]
            if not named and len(given.normalized) >= 3:
                named = [o for o in options if normalize(o.label).startswith(given.normalized)]
            if len(named) == 1:
                return named[0].value
        return Invalid("error.choose_number", (("max", len(options)),))


@dataclass
class TextQuestion(Question):
    key: str
    prompt: str
    max_length: int = 200
    skippable: bool = False

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

    def start(self, ctx: Context, trigger: str) -> Turn:
        state = {"step": 0}
        return Turn([self.questions[0].ask(ctx, state)], state)

    def resume(self, ctx: Context, state: dict, given: Input) -> Turn:
        question = self.questions[state["step"]]
        result = question.answer(ctx, state, given)
        if result is None:  # asked for the next page
            return Turn([question.ask(ctx, state)], state)
        if isinstance(result, Invalid):
            return self._invalid(ctx, state, question, result)
        state.pop("_page", None)
        state.pop("_errors", None)
        state[question.key] = result
        early = self.answered(ctx, state, question.key)
        if early is not None:
            return early
        step = self.next_step(state, state["step"])
        if step is None:
            return self.finish(ctx, state)
        state["step"] = step
        return Turn([self.questions[step].ask(ctx, state)], state)

    def _invalid(self, ctx: Context, state: dict, question: Question, invalid: Invalid) -> Turn:
        state["_errors"] = state.get("_errors", 0) + 1
        if state["_errors"] >= MAX_ERRORS:
            return self.give_up(ctx, state)
        asked = question.ask(ctx, state)
        text = ctx.t(invalid.msgid, **dict(invalid.params)) + "\n" + asked.text
        return Turn([Reply(text, asked.choices)], state)

    def give_up(self, ctx: Context, state: dict) -> Turn:
        return Turn([Reply(ctx.t("error.too_many", menu=ctx.keyword("MENU"),
                                  help=ctx.keyword("HELP")))])

    def answered(self, ctx: Context, state: dict, key: str) -> Turn | None:
        """Called after each answer; a Turn returned here ends or redirects the flow."""
        return None

    def next_step(self, state: dict, step: int) -> int | None:
        return step + 1 if step + 1 < len(self.questions) else None

    def finish(self, ctx: Context, state: dict) -> Turn:
        raise NotImplementedError

    def reprompt(self, ctx: Context, state: dict) -> list[Reply]:
        return [self.questions[state["step"]].ask(ctx, state)]

    def expired(self, ctx: Context, state: dict) -> list[Reply]:
        return [Reply(ctx.t(self.expired_message, menu=ctx.keyword("MENU"),
                            join=ctx.keyword("START")))]
