"""/api/v1/consultations: create (checked by bot.consultations.spec exactly as a file
is), list, show, send, close, and the results with small counts suppressed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app

from bot.audit import trail as audit
from bot.consultations import hooks, results, service, summary
from bot.consultations import spec as consultation_spec
from bot.consultations.spec import KINDS
from bot.core.clock import now
from bot.store import Consultation, ConsultationStatus
from dashboard.api.broadcasts import Audience, Text
from dashboard.api.community import token_actor
from dashboard.api.registry import ApiError, Call, Reply, endpoint, get_or_404
from dashboard.api.schema import spec
from locales import Translator


def services():
    return current_app.extensions["mashwara"]


@dataclass
class OptionShape:
    key: str = spec(min_length=1, max_length=32)
    texts: list[Text] = spec()


@dataclass
class QuestionShape:
    key: str = spec(min_length=1, max_length=32)
    kind: str = spec(enum=KINDS)
    texts: list[Text] = spec()
    options: list[OptionShape] = spec([])
    min: int | None = spec(None, minimum=1, maximum=consultation_spec.NUMBER_LIMIT)
    max: int | None = spec(None, minimum=1, maximum=consultation_spec.NUMBER_LIMIT)
    optional: bool = spec(False)
    ask_if_question: str = spec("", max_length=32, description="ask only when this earlier"
                                " question's answer is one of ask_if_in")
    ask_if_in: list[str] = spec([])


@dataclass
class ConsultationIn:
    name: str = spec(min_length=1, max_length=64)
    titles: list[Text] = spec()
    questions: list[QuestionShape] = spec()
    timezone: str = spec(min_length=1, max_length=64, description="IANA name")
    closes: str = spec(max_length=19, description="local time 2026-12-08T18:00")
    opens: str = spec("", max_length=19, description="local time 2026-12-01T09:00; empty: now")
    remind: str = spec("", max_length=19, description="local time; empty: no reminder")
    anonymous: bool = spec(False)
    audience: Audience | None = spec(None)
    exclude: Audience | None = spec(None)


@dataclass
class ConsultationOut:
    id: int
    name: str
    status: str = spec(enum=ConsultationStatus.ALL)
    anonymous: bool = spec()
    timezone: str = spec()
    opens_at: dt.datetime = spec()
    closes_at: dt.datetime = spec()
    remind_at: dt.datetime | None = spec()
    titles: list[Text] = spec()
    questions: list[QuestionShape] = spec()
    sent: int = spec()
    answered: int = spec()


@dataclass
class ConsultationList:
    items: list[ConsultationOut]


@dataclass
class CostOut:
    language: str
    channel: str
    recipients: int
    characters: int
    encoding: str
    segments: int
    cost: int


@dataclass
class SentOut:
    consultation: ConsultationOut
    costs: list[CostOut]
    reached: int


@dataclass
class Written:
    """A text as it was written or filled in, in one language (no length limit)."""

    language: str
    text: str


@dataclass
class SummaryIn:
    texts: list[Text] = spec(description="per language, figures in braces: {responses},"
                             " {sent}, {rate}, {QUESTION_OPTION}, {QUESTION_OPTION_pct},"
                             " {QUESTION_median}")
    to: str = spec("participants", enum=summary.AUDIENCES,
                   description="those who answered, or everyone it was sent to")
    dry_run: bool = spec(False, description="fill in the figures; send nothing")


@dataclass
class SummaryOut:
    texts: list[Written] = spec(description="each language's text, figures filled in")
    reached: int = spec()


def _texts(texts: dict) -> list[Text]:
    return [Text(lang, text) for lang, text in texts.items()]


def _question_out(q: dict) -> QuestionShape:
    ask_if = q.get("ask_if") or {}
    return QuestionShape(q["key"], q["kind"], _texts(q["text"]),
                         [OptionShape(o["key"], _texts(o["text"])) for o in q.get("options", ())],
                         q.get("min"), q.get("max"), q.get("optional", False),
                         ask_if.get("question", ""), list(ask_if.get("in", ())))


def consultation_out(row: Consultation, sent: int, answered: int) -> ConsultationOut:
    return ConsultationOut(row.id, row.name, row.status, row.anonymous, row.timezone,
                           row.opens_at, row.closes_at, row.remind_at,
                           _texts(row.definition["title"]),
                           [_question_out(q) for q in row.definition["questions"]],
                           sent, answered)


def _raw(body: ConsultationIn) -> dict:
    """The API's typed body as the mapping a file gives, for the one checker."""
    def texts(items: list[Text]) -> dict:
        return {t.language: t.text for t in items}

    def question(q: QuestionShape) -> dict:
        raw = {"key": q.key, "kind": q.kind, "text": texts(q.texts), "optional": q.optional}
        if q.options:
            raw["options"] = [{"key": o.key, "text": texts(o.texts)} for o in q.options]
        raw |= {k: v for k, v in (("min", q.min), ("max", q.max)) if v is not None}
        if q.ask_if_question:
            raw["ask_if"] = {"question": q.ask_if_question, "in": q.ask_if_in}
        return raw

    audience = vars(body.audience) if body.audience else {}
    exclude = vars(body.exclude) if body.exclude else {}
    raw = {"name": body.name, "title": texts(body.titles),
           "questions": [question(q) for q in body.questions], "timezone": body.timezone,
           "closes": body.closes, "anonymous": body.anonymous,
           "audience": {**audience, "exclude": exclude}}
    raw |= {k: v for k, v in (("opens", body.opens), ("remind", body.remind)) if v}
    return raw



def _counts(db, row: Consultation) -> tuple[int, int]:
    return next((s, a) for r, s, a in service.listing(db) if r.id == row.id)


@endpoint("GET", "/v1/consultations", permission="broadcasts.view", tag="consultations",
          summary="Consultations, newest first, with how many were sent and answered",
          response=ConsultationList)
def list_consultations(call: Call):
    with services().database.read() as db:
        return ConsultationList([consultation_out(row, sent, answered)
                                 for row, sent, answered in service.listing(db)])


@endpoint("GET", "/v1/consultations/<int:consultation_id>", permission="broadcasts.view",
          tag="consultations", summary="One consultation: its questions and counts",
          response=ConsultationOut, errors=(404,))
def get_consultation(call: Call, consultation_id: int):
    with services().database.read() as db:
        row = get_or_404(db, Consultation, consultation_id, "consultation")
        return consultation_out(row, *_counts(db, row))


@endpoint("POST", "/v1/consultations", permission="broadcasts.send", tag="consultations",
          summary="Create a consultation (a draft: send it with .../send)",
          body=ConsultationIn, response=ConsultationOut, status=201, errors=(422,))
def create_consultation(call: Call):
    settings = services().settings
    try:
        draft = consultation_spec.parse(_raw(call.body),
                                        default_language=settings.default_language)
        with services().database.write() as db:
            row = service.create(db, draft, by=token_actor(call), now=now())
            audit.record(db, token_actor(call), "consultation.create", "consultation", row.id,
                         {"name": row.name})
            return consultation_out(row, 0, 0)
    except consultation_spec.SpecError as error:
        raise ApiError(422, "invalid", str(error)) from None


@endpoint("POST", "/v1/consultations/<int:consultation_id>/send",
          permission="broadcasts.send", tag="consultations",
          summary="Send it to its audience now (or when it opens)",
          response=SentOut, errors=(404, 409))
def send_consultation(call: Call, consultation_id: int):
    settings = services().settings
    with services().database.write() as db:
        row = get_or_404(db, Consultation, consultation_id, "consultation")
        if row.status == ConsultationStatus.CLOSED:
            raise ApiError(409, "closed", "the consultation is closed")
        costs = service.costs(db, row, default_language=settings.default_language,
                              channels=hooks.channels(services()))
        later = row.opens_at > now()
        if later:
            row.status = ConsultationStatus.SCHEDULED
        audit.record(db, token_actor(call), "consultation.send", "consultation", row.id,
                     {"recipients": sum(c["recipients"] for c in costs)})
    reached = 0 if later else hooks.send(services(), consultation_id)
    with services().database.read() as db:
        row = db.get(Consultation, consultation_id)
        return SentOut(consultation_out(row, *_counts(db, row)),
                       [CostOut(**c) for c in costs], reached)


@endpoint("POST", "/v1/consultations/<int:consultation_id>/close",
          permission="broadcasts.send", tag="consultations",
          summary="Stop taking answers", response=ConsultationOut,
          errors=(404,))
def close_consultation(call: Call, consultation_id: int):
    with services().database.write() as db:
        row = get_or_404(db, Consultation, consultation_id, "consultation")
        service.close(db, row, now())
        audit.record(db, token_actor(call), "consultation.close", "consultation", row.id)
        return consultation_out(row, *_counts(db, row))


@endpoint("GET", "/v1/consultations/<int:consultation_id>/results",
          permission="broadcasts.view", tag="consultations",
          summary="Results; counts under MASHWARA_SUPPRESS_BELOW read"
          ' "fewer than N"', errors=(404,))
def consultation_results(call: Call, consultation_id: int):
    with services().database.read() as db:
        found = results.results(db, get_or_404(db, Consultation, consultation_id, "consultation"),
                                below=services().settings.suppress_below)
    return Reply(200, results.plain(found))


@endpoint("POST", "/v1/consultations/<int:consultation_id>/say",
          permission="broadcasts.send", tag="consultations",
          summary='"You said, we did": a summary per language, with figures from the results'
          " in each reader's digits", body=SummaryIn, response=SummaryOut,
          errors=(404, 422))
def say(call: Call, consultation_id: int):
    settings = services().settings
    with services().database.write() as db:
        row = get_or_404(db, Consultation, consultation_id, "consultation")
        found = summary.figures(results.results(db, row, below=settings.suppress_below,
                                                with_breakdowns=False))
        try:
            checked = summary.check({t.language: t.text for t in call.body.texts}, found)
        except consultation_spec.SpecError as error:
            raise ApiError(422, "invalid", str(error)) from None
        shown = [Written(lang, summary.render(checked, found,
                                              Translator(lang, settings.default_language)))
                 for lang in checked]
        if call.body.dry_run:
            return SummaryOut(shown, 0)
        reached = summary.send(db, row, checked, found, to=call.body.to, settings=settings,
                               now=now())
        audit.record(db, token_actor(call), "consultation.summary", "consultation", row.id,
                     {"to": call.body.to, "reached": reached, "languages": sorted(checked)})
        return SummaryOut(shown, reached)
