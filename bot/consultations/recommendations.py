"""Recommendations from a meeting or a consultation, and their follow-up: a status with
a dated history and notes; a change can be announced to the people who took part, in
their language."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.consultations.spec import SpecError
from bot.core.config import Settings
from bot.core.exports import Filters, export
from bot.outbound.notify import notify, translator
from bot.store import (
    ConsultationRecipient,
    Contact,
    Invitation,
    Priority,
    Recommendation,
    RecommendationChange,
    RecommendationStatus,
)
from locales import LANGUAGES


def add(db: Session, *, texts: dict[str, str], addressed_to: str, by: str | None,
        now: dt.datetime, meeting_id: int | None = None,
        consultation_id: int | None = None) -> Recommendation:
    if (meeting_id is None) == (consultation_id is None):
        raise SpecError("source", "a recommendation comes from one meeting or consultation")
    texts = {lang: text.strip() for lang, text in texts.items() if text and text.strip()}
    if not texts or set(texts) - set(LANGUAGES):
        raise SpecError("texts", f"a text in at least one of {', '.join(LANGUAGES)}")
    if not addressed_to.strip():
        raise SpecError("addressed_to", "say to whom: an authority, an organisation")
    row = Recommendation(meeting_id=meeting_id, consultation_id=consultation_id, texts=texts,
                         addressed_to=addressed_to.strip()[:200], created_by=by, created_at=now)
    db.add(row)
    db.flush()
    db.add(RecommendationChange(recommendation_id=row.id, old_status=None,
                                status=RecommendationStatus.PROPOSED, by=by, at=now))
    return row


def participants(db: Session, row: Recommendation) -> list[int]:
    """Who took part: those who answered the consultation, or who said yes to the
    meeting or attended it."""
    if row.consultation_id is not None:
        query = select(ConsultationRecipient.contact_id).where(
            ConsultationRecipient.consultation_id == row.consultation_id,
            ConsultationRecipient.answered.is_(True))
    else:
        query = select(Invitation.contact_id).where(
            Invitation.meeting_id == row.meeting_id,
            or_(Invitation.attended.is_(True), Invitation.response == "yes"))
    return list(db.scalars(query))


def text_for(row: Recommendation, language: str, default: str) -> str:
    for lang in (language, default, "en"):
        if lang in row.texts:
            return row.texts[lang]
    return next(iter(row.texts.values()))


def change(db: Session, row: Recommendation, status: str, *, note: str | None, by: str | None,
           now: dt.datetime, announce: bool, settings: Settings) -> RecommendationChange:
    if status not in RecommendationStatus.ALL:
        raise SpecError("status", f"one of {', '.join(RecommendationStatus.ALL)}")
    step = RecommendationChange(recommendation_id=row.id, old_status=row.status, status=status,
                                note=(note or "").strip() or None, by=by, at=now)
    row.status = status
    db.add(step)
    if announce and step.old_status != status:
        step.announced = _announce(db, row, settings, now)
    return step


def _announce(db: Session, row: Recommendation, settings: Settings, now: dt.datetime) -> int:
    told = 0
    for contact in db.scalars(select(Contact).where(Contact.id.in_(participants(db, row)))):
        if contact.stopped_at is not None:
            continue
        t = translator(contact, settings)
        text = t("recommendations.changed", status=t(f"recommendations.status.{row.status}"),
                 text=text_for(row, t.language, settings.default_language),
                 to=row.addressed_to)
        if notify(db, contact, text, now=now, settings=settings,
                  priority=Priority.BULK) is not None:
            told += 1
    return told


def history(db: Session, recommendation_id: int) -> list[RecommendationChange]:
    return list(db.scalars(select(RecommendationChange).where(
        RecommendationChange.recommendation_id == recommendation_id)
        .order_by(RecommendationChange.at, RecommendationChange.id)))


def listing(db: Session) -> list[tuple[Recommendation, list[RecommendationChange]]]:
    rows = db.scalars(select(Recommendation).order_by(Recommendation.id)).all()
    return [(row, history(db, row.id)) for row in rows]


def source_of(row: Recommendation) -> str:
    return (f"consultation {row.consultation_id}" if row.consultation_id is not None
            else f"meeting {row.meeting_id}")


def export_rows(db: Session, filters: Filters):
    for row, steps in listing(db):
        if filters.status and row.status != filters.status:
            continue
        history_text = "; ".join(
            f"{s.at:%Y-%m-%d} {s.status}" + (f" ({s.note})" if s.note else "") for s in steps)
        yield (row.id, source_of(row), row.addressed_to, row.status,
               " / ".join(f"[{lang}] {text}" for lang, text in row.texts.items()),
               row.created_at, history_text)


EXPORTS = (
    export(export_rows, "recommendations",
           ("id", "source", "addressed_to", "status", "texts", "created_at", "history"),
           "recommendations from meetings and consultations, with their dated history"),
)
