"""A consultation's questions as people see and answer them, in their language.

What is shown and what is accepted come from the same data: the question's text in
the reader's language (else the deployment's, else any), numbered options (buttons
on Telegram), and answers typed as a number in any digit script or as an option's
words in any of the five languages, normalised as keywords are.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.text import keywords
from bot.text.normalize import localize_digits, normalize, to_ascii_digits
from bot.text.render import Choice
from locales import LANGUAGES, Translator, catalog

MAX_TEXT = 1000
YES_NO_WORDS = {"yes": "YES", "no": "NO"}


@dataclass(frozen=True)
class Invalid:
    msgid: str
    params: tuple[tuple[str, object], ...] = ()


def text_of(texts: dict[str, str], t: Translator) -> str:
    for language in t.chain:
        if language in texts:
            return texts[language]
    return next(iter(texts.values()))


def options(question: dict, t: Translator) -> list[tuple[str, str]]:
    """(key, label) in order: the coordinator's options, or yes and no."""
    if question["kind"] == "choice":
        return [(o["key"], text_of(o["text"], t)) for o in question["options"]]
    if question["kind"] == "yesno":
        return [("yes", t("consultations.yes")), ("no", t("consultations.no"))]
    return []


def ask(question: dict, t: Translator) -> tuple[str, tuple[Choice, ...]]:
    """The question's text and its choices, for the reader of `t`."""
    text = text_of(question["text"], t)
    if question["kind"] == "number":
        text += "\n" + t("consultations.number_hint",
                         min=localize_digits(str(question["min"]), t.language),
                         max=localize_digits(str(question["max"]), t.language))
    choices = tuple(Choice(str(i), label)
                    for i, (_, label) in enumerate(options(question, t), start=1))
    if question["kind"] == "text" and question.get("optional"):
        choices = (Choice("1", t("consultations.skip")),)
    return text, choices


def _words(question: dict, key: str) -> set[str]:
    """Every way of writing option `key`: its key and its text in each language."""
    if question["kind"] == "yesno":
        keyword = keywords.KEYWORDS.get(YES_NO_WORDS[key])
        aliases = [a for group in keyword.aliases.values() for a in group] if keyword else []
        return {normalize(w) for w in [key, *aliases, *_translations(f"consultations.{key}")]}
    option = next(o for o in question["options"] if o["key"] == key)
    return {normalize(w) for w in [key, *option["text"].values()]}


def _translations(msgid: str) -> list[str]:
    return [str(catalog(lang).messages.get(msgid, "")) for lang in LANGUAGES]


def _choose(question: dict, given: str, number: int | None, t: Translator):
    keys = [key for key, _ in options(question, t)]
    if number is not None:
        return keys[number - 1] if 1 <= number <= len(keys) else None
    named = [key for key in keys if given in _words(question, key)]
    if not named and len(given) >= 3:
        named = [key for key in keys
                 if any(w.startswith(given) for w in _words(question, key))]
    return named[0] if len(named) == 1 else None


def read(question: dict, text: str, t: Translator):
    """The answer in `text` (an option's key, an int, a text), or Invalid."""
    given = normalize(text)
    digits = to_ascii_digits(given)
    number = int(digits) if digits.isdigit() and len(digits) < 6 else None
    kind = question["kind"]
    if kind in ("choice", "yesno"):
        chosen = _choose(question, given, number, t)
        if chosen is None:
            choices = len(options(question, t))
            return Invalid("consultations.number_hint", (("min", 1), ("max", choices)))
        return chosen
    if kind == "number":
        if number is None or not question["min"] <= number <= question["max"]:
            return Invalid("consultations.try_again")  # the question carries the range
        return number
    if question.get("optional") and number == 1:
        return ""
    if not any(c.isalnum() for c in text):
        return Invalid("consultations.need_words")
    if len(text) > MAX_TEXT:
        return Invalid("consultations.too_long", (("max", MAX_TEXT),))
    return text.strip()


def asked(question: dict, answers: dict) -> bool:
    """Whether `question` is put to someone who gave `answers` so far."""
    condition = question.get("ask_if")
    return condition is None or answers.get(condition["question"]) in condition["in"]


def next_index(definition: dict, after: int, answers: dict) -> int | None:
    questions = definition["questions"]
    for index in range(after + 1, len(questions)):
        if asked(questions[index], answers):
            return index
    return None
