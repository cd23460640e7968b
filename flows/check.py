"""`mashwara flows check`: the housekeeping CI enforces on flows and translations."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

from babel import Locale

import locales
from bot.text import places
from bot.text.keywords import KEYWORDS
from flows import cost
from flows.engine import FLOWS, MENU
from flows.steps import StepFlow

PLURAL_SAMPLES = [*range(0, 1001), 1_000_000, 2_000_000]


def _plural_problems(language: str, header: str) -> list[str]:
    try:
        nplurals = int(header.split("nplurals=")[1].split(";")[0])
        expression = header.split("plural=", 1)[1].rstrip(";")
        choose = gettext.c2py(expression)
    except (IndexError, ValueError):
        return [f"{language}: cannot read Plural-Forms {header!r}"]
    rule = Locale.parse(language).plural_form
    expected = len(rule.tags | {"other"})
    if nplurals != expected:
        return [f"{language}: Plural-Forms has {nplurals} forms; CLDR has {expected}"]
    wrong = [n for n in PLURAL_SAMPLES if choose(n) != locales.plural_index(language, n)]
    return [f"{language}: Plural-Forms disagrees with CLDR for n={wrong[:5]}"] if wrong else []


def translation_problems() -> list[str]:
    found = []
    english = locales.catalog("en").messages
    for language in locales.LANGUAGES:
        catalog = locales.catalog(language)
        found += _plural_problems(language, catalog.plural_forms)
        for msgid, source in english.items():
            text = catalog.messages.get(msgid)
            if text is None:
                found.append(f"{language}: {msgid} is missing")
                continue
            for want, got in zip(_forms(source), _forms(text), strict=False):
                if locales.placeholders(want) != locales.placeholders(got):
                    found.append(f"{language}: {msgid} placeholders differ from English")
        found += [f"{language}: {m} is not an English message" for m in catalog.messages
                  if m not in english]
    return found


def _forms(text: str | tuple[str, ...]) -> tuple[str, ...]:
    return text if isinstance(text, tuple) else (text,)


def keyword_problems() -> list[str]:
    found = []
    for keyword in KEYWORDS.values():
        if keyword.flow not in FLOWS:
            found.append(f"keyword {keyword.name} starts unknown flow {keyword.flow}")
        missing = [lang for lang in locales.LANGUAGES if not keyword.aliases.get(lang)]
        if missing:
            found.append(f"keyword {keyword.name} has no alias in {', '.join(missing)}")
    return found


def menu_problems() -> list[str]:
    english = locales.catalog("en").messages
    found = [f"menu item {item.label} starts unknown flow {item.flow}"
             for item in MENU if item.flow not in FLOWS]
    found += [f"menu item label {item.label} has no English text"
              for item in MENU if item.label not in english]
    return found


def place_problems() -> list[str]:
    found = []
    for name in places.bundled():
        for place in places.load(name).places:
            missing = [lang for lang in locales.LANGUAGES if not place.names.get(lang)]
            if missing:
                found.append(f"places {name}: {place.code} has no name in {', '.join(missing)}")
    return found


DIAGRAMS = Path(__file__).parent
_TRANSITION = re.compile(r"^\s*(\S+)\s*-->\s*([^:\s]+)")


def diagram_states(path: Path) -> set[str]:
    """The states a Mermaid stateDiagram names in its transitions ([*] aside)."""
    states = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        found = _TRANSITION.match(line)
        if found:
            states.update(found.groups())
    return states - {"[*]"}


def diagram_problems() -> list[str]:
    """Each question-by-question conversation has a diagram beside its code
    (flows/NAME.mmd) whose states are exactly its questions, so it cannot go stale."""
    found = []
    for flow in FLOWS.values():
        if not isinstance(flow, StepFlow):
            continue
        path = DIAGRAMS / f"{flow.name}.mmd"
        if not path.exists():
            found.append(f"flow {flow.name} has no diagram {path.name}")
            continue
        want, drawn = {q.key for q in flow.questions}, diagram_states(path)
        if want != drawn:
            found.append(f"{path.name}: drawn {sorted(drawn - want)} not in the flow; "
                         f"flow has {sorted(want - drawn)} not drawn")
    return found


def problems() -> list[str]:
    found = (translation_problems() + keyword_problems() + menu_problems() + place_problems()
             + diagram_problems())
    if found:
        return found  # costs and words are measured on complete catalogues
    return cost.budget_problems() + cost.glossary_problems()
