"""A consultation's results, counted in SQL, with small counts suppressed.

Every count shown anywhere (dashboard, API, exports) passes through `cell`: a count
from 1 to below the threshold (MASHWARA_SUPPRESS_BELOW, default 5) is replaced by
"fewer than N", so that a breakdown by province or role cannot single a person out.
A number question's median and range are shown only when its answers reach the
threshold, as the smallest or largest answer could be one person's.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.store import (
    Consultation,
    ConsultationAnswer,
    ConsultationRecipient,
    ConsultationResponse,
)

DIMENSIONS = ("province", "role", "language", "channel")


@dataclass(frozen=True)
class Suppressed:
    below: int

    def __str__(self) -> str:
        return f"fewer than {self.below}"


def cell(count: int, below: int) -> int | Suppressed:
    return Suppressed(below) if 0 < count < below else count


def _median(counts: list[tuple[int, int]]) -> float:
    """The median from (value, how many) pairs sorted by value."""
    total = sum(n for _, n in counts)
    middle = [(total - 1) // 2, total // 2]
    found, seen = [], 0
    for value, n in counts:
        found += [value for position in middle if seen <= position < seen + n]
        seen += n
    return sum(found) / 2


def _counts(db: Session, consultation_id: int) -> dict[str, dict]:
    """Per question, answers counted by (option, number) in one pass: an option's
    count, a number's, or (None, None) for the free texts."""
    query = (select(ConsultationAnswer.question, ConsultationAnswer.option,
                    ConsultationAnswer.number, func.count())
             .where(ConsultationAnswer.consultation_id == consultation_id)
             .group_by(ConsultationAnswer.question, ConsultationAnswer.option,
                       ConsultationAnswer.number))
    found: dict[str, dict] = {}
    for question, option, number, n in db.execute(query):
        found.setdefault(question, {})[(option, number)] = n
    return found


def _numbers(counted: dict, below: int) -> dict:
    rows = sorted((number, n) for (_, number), n in counted.items() if number is not None)
    answered = sum(n for _, n in rows)
    if answered < below:
        return {"answered": cell(answered, below)}
    return {"answered": answered, "median": _median(rows), "min": rows[0][0],
            "max": rows[-1][0]}


def _people(db: Session, consultation_id: int) -> list:
    """Responses per (province, role, language, channel): one grouped pass, whose groups
    are at most the places times roles, languages and channels however many answered."""
    dims = [getattr(ConsultationResponse, dimension) for dimension in DIMENSIONS]
    return db.execute(select(*dims, func.count()).where(
        ConsultationResponse.consultation_id == consultation_id).group_by(*dims)).all()


def _chosen(db: Session, consultation_id: int):
    """Options chosen per (province, role, language, channel) in one grouped pass; an
    answer carries its response's four (copied when written), so it joins nothing."""
    dims = [getattr(ConsultationAnswer, dimension) for dimension in DIMENSIONS]
    return db.execute(
        select(*dims, ConsultationAnswer.question, ConsultationAnswer.option, func.count())
        .where(ConsultationAnswer.consultation_id == consultation_id,
               ConsultationAnswer.option.is_not(None))
        .group_by(*dims, ConsultationAnswer.question, ConsultationAnswer.option))


def breakdowns(people, chosen, below: int) -> dict[str, dict]:
    """Per dimension: responses per group, and per question and option per group, added
    up in Python from the finest groups (`_people`, `_chosen`)."""
    responses = {dimension: Counter() for dimension in DIMENSIONS}
    options = {dimension: {} for dimension in DIMENSIONS}
    for *groups, n in people:
        for dimension, group in zip(DIMENSIONS, groups, strict=True):
            responses[dimension][group or "unknown"] += n
    for *groups, question, option, n in chosen:
        for dimension, group in zip(DIMENSIONS, groups, strict=True):
            counts = options[dimension].setdefault(question, {}).setdefault(option, Counter())
            counts[group or "unknown"] += n
    return {dimension: {
        "responses": {g: cell(n, below) for g, n in sorted(responses[dimension].items())},
        "options": {q: {o: {g: cell(n, below) for g, n in sorted(groups.items())}
                        for o, groups in by_option.items()}
                    for q, by_option in options[dimension].items()}}
        for dimension in DIMENSIONS}


TEXTS_SHOWN = 200  # free-text answers read on the page; the export has them all


def _texts_query(consultation_id: int, question: str):
    return select(ConsultationAnswer.text).where(
        ConsultationAnswer.consultation_id == consultation_id,
        ConsultationAnswer.question == question, ConsultationAnswer.text.is_not(None))


def texts(db, consultation_id: int, question: str, limit: int | None = None) -> list[str]:
    return list(db.scalars(_texts_query(consultation_id, question).limit(limit)))


def results(db: Session, consultation: Consultation, *, below: int,
            with_breakdowns: bool = True, texts_shown: int | None = TEXTS_SHOWN) -> dict:
    """`texts_shown`: how many free-text answers to read (None: all, for exports)."""
    cid = consultation.id
    sent = db.scalar(select(func.count()).where(ConsultationRecipient.consultation_id == cid))
    people = _people(db, cid) if with_breakdowns else None
    responses = (sum(row[-1] for row in people) if people is not None else db.scalar(
        select(func.count()).where(ConsultationResponse.consultation_id == cid)))
    counts = _counts(db, cid)
    questions = []
    for question in consultation.definition["questions"]:
        entry = {"key": question["key"], "kind": question["kind"], "text": question["text"]}
        counted = counts.get(question["key"], {})
        if question["kind"] in ("choice", "yesno"):
            keys = ([o["key"] for o in question["options"]] if question["kind"] == "choice"
                    else ["yes", "no"])
            entry["options"] = {key: cell(counted.get((key, None), 0), below) for key in keys}
        elif question["kind"] == "number":
            entry |= _numbers(counted, below)
        else:
            answered = counted.get((None, None), 0)
            entry["answered"] = cell(answered, below)
            entry["answers"] = (texts(db, cid, question["key"], texts_shown)
                                if answered >= below else [])
        questions.append(entry)
    rate = round(100 * responses / sent, 1) if sent and responses >= below else None
    result = {"name": consultation.name, "status": consultation.status,
              "anonymous": consultation.anonymous, "sent": cell(sent, below),
              "responses": cell(responses, below), "response_rate": rate,
              "suppress_below": below, "questions": questions}
    if with_breakdowns:
        result["breakdowns"] = breakdowns(people, _chosen(db, cid), below)
    return result


def plain(value):
    """`results` with every suppressed cell as its text, for JSON, CSV and XLSX."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return str(value) if isinstance(value, Suppressed) else value


def rows(result: dict) -> list[tuple]:
    """The results flat, for a spreadsheet: (section, question, option, group, value)."""
    out = [("summary", "", "", "sent", result["sent"]),
           ("summary", "", "", "responses", result["responses"]),
           ("summary", "", "", "response_rate", result["response_rate"])]
    for q in result["questions"]:
        for option, n in q.get("options", {}).items():
            out.append(("count", q["key"], option, "all", n))
        for stat in ("answered", "median", "min", "max"):
            if stat in q and q["kind"] != "choice":
                out.append(("number" if q["kind"] == "number" else "text", q["key"], "", stat,
                            q[stat]))
        out += [("answer", q["key"], "", "text", text) for text in q.get("answers", ())]
    for dimension, parts in result.get("breakdowns", {}).items():
        for group, n in parts["responses"].items():
            out.append((f"by {dimension}", "", "", group, n))
        for question, options in parts["options"].items():
            for option, groups in options.items():
                out += [(f"by {dimension}", question, option, g, n) for g, n in groups.items()]
    return [tuple(plain(v) for v in row) for row in out]


COLUMNS = ("section", "question", "option", "group", "value")
