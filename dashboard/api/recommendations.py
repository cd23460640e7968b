"""/api/v1/recommendations: what a meeting or a consultation recommended, with its
dated history; create, list, show, and a status change that may be announced to those
who took part, in their language (bot.consultations.recommendations, as the CLI and the
dashboard do)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app

from bot.audit import trail as audit
from bot.consultations import recommendations as service
from bot.consultations.spec import SpecError
from bot.core.clock import now
from bot.store import Consultation, Meeting, Recommendation, RecommendationStatus
from dashboard.api.broadcasts import Text
from dashboard.api.community import token_actor
from dashboard.api.consultations import Written
from dashboard.api.registry import ApiError, Call, endpoint, get_or_404
from dashboard.api.schema import MAX_INT, spec


def services():
    return current_app.extensions["mashwara"]


@dataclass
class RecommendationIn:
    texts: list[Text] = spec(description="the text in one language or more")
    addressed_to: str = spec(min_length=1, max_length=200,
                             description="an authority, an organisation")
    meeting_id: int | None = spec(None, minimum=1, maximum=MAX_INT,
                                  description="the meeting it came from, or")
    consultation_id: int | None = spec(None, minimum=1, maximum=MAX_INT,
                                       description="the consultation it came from")


@dataclass
class StepOut:
    status: str = spec(enum=RecommendationStatus.ALL)
    old_status: str | None = spec(enum=RecommendationStatus.ALL)
    note: str | None = spec()
    by: str | None = spec()
    at: dt.datetime = spec()
    announced: int = spec(description="people told of it")


@dataclass
class RecommendationOut:
    id: int
    meeting_id: int | None = spec()
    consultation_id: int | None = spec()
    texts: list[Written] = spec()
    addressed_to: str = spec()
    status: str = spec(enum=RecommendationStatus.ALL)
    created_at: dt.datetime = spec()
    history: list[StepOut] = spec()


@dataclass
class RecommendationList:
    items: list[RecommendationOut]


@dataclass
class StatusIn:
    status: str = spec(enum=RecommendationStatus.ALL)
    note: str = spec("", max_length=1000, description="why, or what was done")
    announce: bool = spec(False, description="tell those who took part, in their language")


def recommendation_out(row: Recommendation, steps) -> RecommendationOut:
    return RecommendationOut(
        row.id, row.meeting_id, row.consultation_id,
        [Written(lang, text) for lang, text in row.texts.items()], row.addressed_to,
        row.status, row.created_at,
        [StepOut(s.status, s.old_status, s.note, s.by, s.at, s.announced or 0) for s in steps])


@endpoint("GET", "/v1/recommendations", permission="broadcasts.view", tag="recommendations",
          summary="Every recommendation with its source and dated history",
          response=RecommendationList)
def list_recommendations(call: Call):
    with services().database.read() as db:
        return RecommendationList([recommendation_out(row, steps)
                                   for row, steps in service.listing(db)])


@endpoint("GET", "/v1/recommendations/<int:recommendation_id>", permission="broadcasts.view",
          tag="recommendations", summary="One recommendation and its history",
          response=RecommendationOut, errors=(404,))
def get_recommendation(call: Call, recommendation_id: int):
    with services().database.read() as db:
        row = get_or_404(db, Recommendation, recommendation_id, "recommendation")
        return recommendation_out(row, service.history(db, row.id))


@endpoint("POST", "/v1/recommendations", permission="broadcasts.send", tag="recommendations",
          summary="Record a recommendation from one meeting or one consultation (proposed)",
          body=RecommendationIn, response=RecommendationOut, status=201, errors=(422,))
def create_recommendation(call: Call):
    body = call.body
    with services().database.write() as db:
        for model, ident, what in ((Meeting, body.meeting_id, "meeting"),
                                   (Consultation, body.consultation_id, "consultation")):
            if ident is not None and db.get(model, ident) is None:
                raise ApiError(422, "invalid", f"{what}_id: no such {what}")
        try:
            row = service.add(db, texts={t.language: t.text for t in body.texts},
                              addressed_to=body.addressed_to, by=token_actor(call), now=now(),
                              meeting_id=body.meeting_id, consultation_id=body.consultation_id)
        except SpecError as error:
            raise ApiError(422, "invalid", str(error)) from None
        audit.record(db, token_actor(call), "recommendation.add", "recommendation", row.id)
        return recommendation_out(row, service.history(db, row.id))


@endpoint("POST", "/v1/recommendations/<int:recommendation_id>/status",
          permission="broadcasts.send", tag="recommendations",
          summary="Move it on; recorded, dated, and announced if asked",
          body=StatusIn, response=RecommendationOut, errors=(404,))
def set_recommendation_status(call: Call, recommendation_id: int):
    body = call.body
    with services().database.write() as db:
        row = get_or_404(db, Recommendation, recommendation_id, "recommendation")
        step = service.change(db, row, body.status, note=body.note, by=token_actor(call),
                              now=now(), announce=body.announce, settings=services().settings)
        db.flush()
        audit.record(db, token_actor(call), "recommendation.status", "recommendation", row.id,
                     {"status": row.status, "announced": step.announced})
        return recommendation_out(row, service.history(db, row.id))
