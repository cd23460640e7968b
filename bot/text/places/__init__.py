"""The list of provinces (or governorates, or regions) a deployment asks about.

`MASHWARA_PLACES` names a bundled list (`afghanistan`, ...) or a JSON file of the
same shape: {"country", "level", "timezone", "places": [{"code", "names": {lang: name}}]}.
`level` names what the places are (province, governorate or region), so the questions
say it: the bot asks a Moroccan for a region and an Afghan for a province.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

HERE = Path(__file__).parent


@dataclass(frozen=True)
class Place:
    code: str
    names: dict[str, str]

    def name(self, language: str | None) -> str:
        return self.names.get(language or "en") or self.names["en"]


@dataclass(frozen=True)
class Geography:
    country: str
    timezone: str
    places: tuple[Place, ...]
    level: str = "province"

    def get(self, code: str | None) -> Place | None:
        return next((p for p in self.places if p.code == code), None)


def bundled() -> list[str]:
    return sorted(p.stem for p in HERE.glob("*.json"))


@cache
def load(name: str) -> Geography:
    path = HERE / f"{name}.json" if name in bundled() else Path(name)
    if not path.exists():
        raise ValueError(f"MASHWARA_PLACES: no list named {name!r}; bundled: {bundled()}")
    data = json.loads(path.read_text(encoding="utf-8"))
    places = tuple(Place(p["code"], p["names"]) for p in data["places"])
    return Geography(data["country"], data["timezone"], places, data.get("level", "province"))
