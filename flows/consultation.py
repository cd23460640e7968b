"""Answering a consultation: its questions, from its data, one at a time.

    offered by a coordinator's send (waits while another conversation is open)
        |
      intro + question 1 --> question 2 (if its ask_if holds) --> ... --> thanks
        ^  a wrong answer: what was wrong, and the question again with its choices

HELP re-asks, CANCEL leaves, STOP stops; an answer after closing is told it is
closed. Inputs are redacted from the message log (answers are kept where they
belong); for an anonymous consultation the questions after the first, which could
tell an answer by being asked, are wiped once sent.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from bot.consultations import questions, service
from bot.core.config import Settings
from bot.store import Consultation
from bot.text.normalize import localize_digits
from flows.engine import Context, Input, Opening, Reply, Turn
from locales import LANGUAGES, Translator


def _params(invalid: questions.Invalid, language: str) -> dict:
    return {k: localize_digits(str(v), language) if isinstance(v, int) else v
            for k, v in invalid.params}


def _first(consultation: Consultation) -> dict:
    return {"c": consultation.id, "q": 0, "a": {}}


class ConsultationFlow:
    name = service.FLOW
    redact = True

    def _consultation(self, ctx: Context, state: dict) -> Consultation | None:
        return ctx.db.get(Consultation, state["c"])

    def _turn(self, ctx: Context, consultation: Consultation, replies: list[Reply],
              state: dict | None) -> Turn:
        keep = consultation.closes_at + service.LATE_GRACE - ctx.now
        return Turn(replies, state, redact_input=True,
                    expires_in=keep if state is not None else None)

    def _reply(self, consultation: Consultation, text: str, choices=()) -> Reply:
        return Reply(text, tuple(choices), scrub=consultation.anonymous)

    def start(self, ctx: Context, trigger: str) -> Turn:
        consultation_id, _, how = trigger.partition(":")
        consultation = ctx.db.get(Consultation, int(consultation_id))
        if consultation is None:
            return Turn()
        title = questions.text_of(consultation.definition["title"], ctx.t)
        if not service.is_open(consultation, ctx.now):
            return Turn([Reply(ctx.t("consultations.closed", title=title))])
        if service.has_answered(ctx.db, consultation.id, ctx.contact.id):
            return Turn([Reply(ctx.t("consultations.already", title=title))])
        text, choices = service.opening(consultation, ctx.t, reminder=how == "remind")
        return self._turn(ctx, consultation, [Reply(text, choices)], _first(consultation))

    def opening(self, db: Session, trigger: str, settings: Settings,
                now: dt.datetime) -> Opening:
        """The start above for a whole audience at once: the sender has already
        checked that it is open and who has not been sent it."""
        consultation_id, _, how = trigger.partition(":")
        consultation = db.get(Consultation, int(consultation_id))
        replies = {}
        for language in LANGUAGES:
            t = Translator(language, settings.default_language)
            replies[language] = Reply(*service.opening(consultation, t,
                                                       reminder=how == "remind"))
        return Opening(_first(consultation), consultation.closes_at + service.LATE_GRACE,
                       replies)

    def resume(self, ctx: Context, state: dict, given: Input) -> Turn:
        consultation = self._consultation(ctx, state)
        if consultation is None:
            return Turn(redact_input=True)
        if not service.is_open(consultation, ctx.now):
            title = questions.text_of(consultation.definition["title"], ctx.t)
            return Turn([Reply(ctx.t("consultations.closed", title=title))], redact_input=True)
        question = consultation.definition["questions"][state["q"]]
        answer = questions.read(question, given.text, ctx.t)
        if isinstance(answer, questions.Invalid):
            text, choices = questions.ask(question, ctx.t)
            wrong = ctx.t(answer.msgid, **_params(answer, ctx.t.language))
            reply = self._reply(consultation, wrong + "\n" + text, choices)
            return self._turn(ctx, consultation, [reply], state)
        state["a"][question["key"]] = answer
        following = questions.next_index(consultation.definition, state["q"], state["a"])
        if following is None:
            return self._finish(ctx, consultation, state)
        state["q"] = following
        text, choices = questions.ask(consultation.definition["questions"][following], ctx.t)
        return self._turn(ctx, consultation, [self._reply(consultation, text, choices)], state)

    def _finish(self, ctx: Context, consultation: Consultation, state: dict) -> Turn:
        service.record(ctx.db, consultation, ctx.contact, channel=ctx.identity.channel,
                       answers=state["a"], now=ctx.now)
        thanks = ctx.t("consultations.thanks", menu=ctx.keyword("MENU"))
        return self._turn(ctx, consultation, [self._reply(consultation, thanks)], None)

    def reprompt(self, ctx: Context, state: dict) -> list[Reply]:
        consultation = self._consultation(ctx, state)
        if consultation is None:
            return []
        text, choices = questions.ask(consultation.definition["questions"][state["q"]], ctx.t)
        return [self._reply(consultation, text, choices)]

    def expired(self, ctx: Context, state: dict) -> list[Reply]:
        return []  # a week past closing: nobody is waiting for an answer any more


FLOWS = (ConsultationFlow(),)
