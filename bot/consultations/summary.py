"""'You said, we did': a summary sent back to the people consulted, per language, with
figures from the results written in each reader's digits.

A text names figures in braces: {responses}, {sent}, {rate} (per cent), and for each
option {QUESTION_OPTION} (how many chose it) and {QUESTION_OPTION_pct} (their share,
per cent), and {QUESTION_median} for a number question. A figure suppressed in the
results reads "fewer than 5" in the reader's language here too.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.consultations.results import Suppressed
from bot.consultations.spec import SpecError
from bot.core.config import Settings
from bot.outbound.notify import language_of, notify
from bot.store import Consultation, ConsultationRecipient, Contact, Priority
from bot.text.normalize import localize_digits
from locales import LANGUAGES, Translator

AUDIENCES = ("participants", "audience")


def figures(result: dict) -> dict[str, object]:
    found: dict[str, object] = {"responses": result["responses"], "sent": result["sent"],
                                "rate": result["response_rate"]}
    total = result["responses"] if isinstance(result["responses"], int) else 0
    for question in result["questions"]:
        for option, n in question.get("options", {}).items():
            key = f"{question['key']}_{option}"
            found[key] = n
            found[f"{key}_pct"] = (round(100 * n / total) if isinstance(n, int) and total
                                   else n if isinstance(n, Suppressed) else 0)
        if "median" in question:
            found[f"{question['key']}_median"] = question["median"]
    return found


def check(texts: dict[str, str], found: dict) -> dict[str, str]:
    """The texts, or SpecError naming the language and the unknown figure."""
    if not texts or not any(text.strip() for text in texts.values()):
        raise SpecError("texts", "write the summary in at least one language")
    for language, text in texts.items():
        if language not in LANGUAGES:
            raise SpecError(f"texts.{language}", "not a language")
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(text) if name}
        except ValueError:
            raise SpecError(f"texts.{language}", "a { without its }") from None
        unknown = sorted(names - set(found))
        if unknown:
            raise SpecError(f"texts.{language}", f"no figure {{{unknown[0]}}}; use one of "
                            + ", ".join(sorted(found)))
    return {lang: text.strip() for lang, text in texts.items() if text.strip()}


def _shown(value, t: Translator) -> str:
    if isinstance(value, Suppressed):
        return t("consultations.fewer", n=localize_digits(str(value.below), t.language))
    if value is None:
        return "-"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return localize_digits(str(value), t.language)


def render(texts: dict[str, str], found: dict, t: Translator) -> str:
    template = next((texts[lang] for lang in t.chain if lang in texts), None)
    template = template or next(iter(texts.values()))
    return template.format_map({k: _shown(v, t) for k, v in found.items()})


def send(db: Session, consultation: Consultation, texts: dict[str, str], found: dict, *,
         to: str, settings: Settings, now: dt.datetime) -> int:
    """Queues the summary (bulk priority) for those who answered, or everyone it was
    sent to; returns how many it reached. Stopped people are left out by notify."""
    query = select(ConsultationRecipient.contact_id).where(
        ConsultationRecipient.consultation_id == consultation.id)
    if to == "participants":
        query = query.where(ConsultationRecipient.answered.is_(True))
    reached = 0
    for contact in _contacts(db, db.scalars(query).all()):
        if contact.stopped_at is not None:
            continue
        t = Translator(language_of(contact, settings), settings.default_language)
        if notify(db, contact, render(texts, found, t), now=now, settings=settings,
                  priority=Priority.BULK) is not None:
            reached += 1
    return reached


def _contacts(db: Session, ids: Iterable[int]):
    ids = list(ids)
    for start in range(0, len(ids), 500):
        yield from db.scalars(select(Contact).where(Contact.id.in_(ids[start:start + 500])))
