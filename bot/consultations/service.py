"""Consultations' life: stored from a checked draft, sent to its audience (each person
offered the answering conversation, which waits if they are in another one), closed,
and answers recorded, with no link to the person when it is anonymous."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from sqlalchemy import Select, exists, false, func, insert, literal, select, update
from sqlalchemy.orm import Session

from bot.broadcasts import audience as audiences
from bot.consultations import questions
from bot.consultations.spec import Draft, SpecError
from bot.core.db import Database
from bot.store import (
    Consultation,
    ConsultationAnswer,
    ConsultationRecipient,
    ConsultationResponse,
    ConsultationStatus,
    Contact,
    ConversationSession,
    Group,
)
from bot.store.base import UTCDateTime
from bot.text import segments
from bot.text.render import as_text
from locales import Translator

FLOW = "consultation"
CHUNK = 5000  # contacts offered per transaction, as broadcasts fan out
# A late answer, within this long after closing, is told politely that it is closed.
LATE_GRACE = dt.timedelta(days=7)

# (db, people: contact_id, identity_id, channel, language; trigger; their contact ids'
# range) -> the ids of those offered it: Inbox.offer_all
OfferAll = Callable[[Session, Select, str, tuple[int, int]], Select]


def _group_ids(db: Session, audience: dict) -> dict:
    """Groups may be named in a file; stored by id, as broadcasts store them."""
    def ids(values: list) -> list[int]:
        found = []
        for value in values:
            group = db.scalars(select(Group).where(Group.name == str(value))).first()
            if group is None and str(value).isdigit():
                group = db.get(Group, int(value))
            if group is None:
                raise SpecError("audience.groups", f"no group {value!r}")
            found.append(group.id)
        return found

    result = dict(audience)
    if "groups" in result:
        result["groups"] = ids(result["groups"])
    if "groups" in result.get("exclude", {}):
        result["exclude"] = {**result["exclude"], "groups": ids(result["exclude"]["groups"])}
    return result


def create(db: Session, draft: Draft, *, by: str | None, now: dt.datetime) -> Consultation:
    draft.audience = _group_ids(db, draft.audience)
    if db.scalar(select(Consultation.id).where(Consultation.name == draft.name)) is not None:
        raise SpecError("name", f"a consultation named {draft.name!r} exists already")
    row = Consultation(name=draft.name, definition=draft.definition, audience=draft.audience,
                       opens_at=draft.opens_at, closes_at=draft.closes_at,
                       timezone=draft.timezone, remind_at=draft.remind_at,
                       anonymous=draft.anonymous, status=ConsultationStatus.DRAFT,
                       created_by=by, created_at=now)
    db.add(row)
    db.flush()
    return row


def find(db: Session, name: str) -> Consultation | None:
    return db.scalars(select(Consultation).where(Consultation.name == name)).first()


def listing(db: Session) -> list[tuple[Consultation, int, int]]:
    """Every consultation, newest first, with how many it was sent to and answered."""
    sent = (select(func.count()).where(ConsultationRecipient.consultation_id == Consultation.id)
            .scalar_subquery())
    answered = (select(func.count())
                .where(ConsultationResponse.consultation_id == Consultation.id)
                .scalar_subquery())
    return [tuple(row) for row in db.execute(
        select(Consultation, sent, answered).order_by(Consultation.id.desc()))]


def is_open(consultation: Consultation, now: dt.datetime) -> bool:
    return consultation.status == ConsultationStatus.OPEN and now < consultation.closes_at


def languages(consultation: Consultation) -> list[str]:
    return list(consultation.definition["title"])


def opening(consultation: Consultation, t: Translator, *, reminder: bool = False):
    """The first message: title, how many questions, the first question."""
    definition = consultation.definition
    title = questions.text_of(definition["title"], t)
    intro = t("consultations.reminder" if reminder else "consultations.intro", title=title)
    text, choices = questions.ask(definition["questions"][0], t)
    return intro + "\n" + text, choices


def costs(db: Session, consultation: Consultation, *, default_language: str,
          channels: Iterable[str]) -> list[dict]:
    """Per language sent and channel: recipients, and SMS segments of the first message
    (the rest depends on the answers). Shown before sending."""
    texts = languages(consultation)
    sizes = audiences.sizes(db, consultation.audience, texts=texts,
                            default_language=default_language, channels=tuple(channels))
    rows: dict[tuple[str, str], dict] = {}
    for (channel, language, _spoken), people in sizes.items():
        text, choices = opening(consultation, Translator(language, default_language))
        count = segments.count(as_text(text, choices, language))
        row = rows.setdefault((language, channel), {
            "language": language, "channel": channel, "recipients": 0,
            "characters": count.characters, "encoding": count.encoding,
            "segments": count.segments if channel == "sms" else 0})
        row["recipients"] += people
    for row in rows.values():
        row["cost"] = row["recipients"] * row["segments"]
    return sorted(rows.values(), key=lambda r: (r["language"], r["channel"]))


def _people(consultation: Consultation, within: tuple[int, int], *, default_language: str,
            channels: Iterable[str]):
    """The audience among contacts `within` (lo, hi): its subquery, and the rows an
    offer takes (contact_id, identity_id, channel, language: the reader's)."""
    chosen = audiences.recipients(consultation.audience, texts=languages(consultation),
                                  default_language=default_language, channels=tuple(channels),
                                  contact_ids=within).subquery("chosen")
    return chosen, select(chosen.c.contact_id, chosen.c.identity_id, chosen.c.channel,
                          chosen.c.spoken.label("language"))


def _recipient(consultation_id: int, contact_id, *conditions):
    return exists().where(ConsultationRecipient.consultation_id == consultation_id,
                          ConsultationRecipient.contact_id == contact_id, *conditions)


def _chunks(last: int):
    return ((lo, lo + CHUNK - 1) for lo in range(1, last + 1, CHUNK))


def send(database: Database, consultation_id: int, *, offer_all: OfferAll,
         default_language: str, channels: Iterable[str], now: dt.datetime) -> int:
    """Opens the consultation and offers it to everyone in its audience not offered it
    yet, in SQL, a chunk of contacts per transaction (a chunk written twice is a no-op:
    its people are recipients already); returns how many were reached now."""
    with database.write() as db:
        consultation = db.get(Consultation, consultation_id)
        if consultation.status == ConsultationStatus.CLOSED or consultation.closes_at <= now:
            close(db, consultation, now)
            return 0
        consultation.status = ConsultationStatus.OPEN
        consultation.sent_at = consultation.sent_at or now
        last = db.scalar(select(func.coalesce(func.max(Contact.id), 0)))
        before = _sent(db, consultation_id)
    for within in _chunks(last):
        chosen, people = _people(consultation, within, default_language=default_language,
                                 channels=channels)
        people = people.where(~_recipient(consultation_id, chosen.c.contact_id))
        with database.write() as db:
            offered = offer_all(db, people, str(consultation_id), within).subquery("offered")
            db.execute(insert(ConsultationRecipient).from_select(
                ("consultation_id", "contact_id", "sent_at", "answered"),
                select(literal(consultation_id), offered.c.contact_id,
                       literal(now, UTCDateTime()), false())))
    with database.read() as db:
        reached = _sent(db, consultation_id) - before
    database.wrote("messages", reached)  # the first question, to most of them
    return reached


def remind(database: Database, consultation_id: int, *, offer_all: OfferAll,
           default_language: str, channels: Iterable[str], now: dt.datetime) -> int:
    """Offers it again, in SQL, to those sent it who have not answered, are still in
    its audience and are not answering it now; in one transaction, claimed first, so
    that two workers never remind twice. Returns how many were reminded."""
    with database.write() as db:
        won = db.execute(update(Consultation).where(
            Consultation.id == consultation_id, Consultation.reminded_at.is_(None))
            .values(reminded_at=now)).rowcount
        if not won:
            return 0
        consultation = db.get(Consultation, consultation_id)
        last = db.scalar(select(func.coalesce(func.max(ConsultationRecipient.contact_id), 0))
                         .where(ConsultationRecipient.consultation_id == consultation_id))
        reminded = 0
        for within in _chunks(last):
            chosen, people = _people(consultation, within, default_language=default_language,
                                     channels=channels)
            people = people.where(
                _recipient(consultation_id, chosen.c.contact_id,
                           ConsultationRecipient.answered.is_(False)),
                ~exists().where(ConversationSession.contact_id == chosen.c.contact_id,
                                ConversationSession.flow == FLOW))
            offered = offer_all(db, people, f"{consultation_id}:remind", within)
            reminded += db.scalar(select(func.count()).select_from(offered.subquery()))
    database.wrote("messages", reminded)
    return reminded


def _sent(db: Session, consultation_id: int) -> int:
    # Counted, not summed from rowcount: psycopg reports -1 for INSERT ... SELECT.
    return db.scalar(select(func.count()).where(
        ConsultationRecipient.consultation_id == consultation_id))


def close(db: Session, consultation: Consultation, now: dt.datetime) -> None:
    consultation.status = ConsultationStatus.CLOSED
    consultation.closed_at = consultation.closed_at or now


def has_answered(db: Session, consultation_id: int, contact_id: int) -> bool:
    return bool(db.scalar(select(ConsultationRecipient.answered).where(
        ConsultationRecipient.consultation_id == consultation_id,
        ConsultationRecipient.contact_id == contact_id)))


def record(db: Session, consultation: Consultation, contact: Contact, *, channel: str,
           answers: dict, now: dt.datetime) -> None:
    """Keeps one person's answers. Anonymous: no contact and only the day, and the
    recipient row says 'answered' with no time, so nothing ties the two together."""
    response = ConsultationResponse(
        consultation_id=consultation.id,
        contact_id=None if consultation.anonymous else contact.id,
        province=contact.province, role=contact.role, language=contact.language,
        channel=channel, answered_on=now.date())
    db.add(response)
    db.flush()
    kinds = {q["key"]: q["kind"] for q in consultation.definition["questions"]}
    for key, value in answers.items():
        kind = kinds[key]
        if value == "":
            continue  # an optional text skipped: not an answer
        db.add(ConsultationAnswer(
            response_id=response.id, question=key, consultation_id=consultation.id,
            option=value if kind in ("choice", "yesno") else None,
            number=value if kind == "number" else None,
            text=(value or None) if kind == "text" else None,
            province=response.province, role=response.role, language=response.language,
            channel=response.channel))
    db.execute(update(ConsultationRecipient).where(
        ConsultationRecipient.consultation_id == consultation.id,
        ConsultationRecipient.contact_id == contact.id).values(answered=True))


def due(db: Session, now: dt.datetime) -> dict[str, list[int]]:
    """What the worker has to do: consultations to send, to remind, to close."""
    def ids(*conditions):
        return list(db.scalars(select(Consultation.id).where(*conditions)))

    return {
        "send": ids(Consultation.status == ConsultationStatus.SCHEDULED,
                    Consultation.opens_at <= now),
        "close": ids(Consultation.status == ConsultationStatus.OPEN,
                     Consultation.closes_at <= now),
        "remind": ids(Consultation.status == ConsultationStatus.OPEN,
                      Consultation.remind_at <= now, Consultation.reminded_at.is_(None),
                      Consultation.closes_at > now),
    }

