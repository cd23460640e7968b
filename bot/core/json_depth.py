"""A nesting limit for JSON read from requests, checked before the parser runs.

Python's parser recurses once per level: 10,000 nested `[` raise RecursionError, which
no handler expects and which answers 500. Our bodies (Telegram updates, API objects)
are a handful of levels deep, so anything past MAX_DEPTH is refused as malformed.
"""

from __future__ import annotations

import re
from typing import Any

from flask.json.provider import DefaultJSONProvider

MAX_DEPTH = 64
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")


class TooDeep(ValueError):
    pass


def too_deep(data: bytes | str, limit: int = MAX_DEPTH) -> bool:
    """Whether `data` nests arrays and objects more than `limit` levels deep; brackets
    inside strings do not count. Linear, and does not recurse."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False
    level = 0
    for match in _BRACKET.finditer(_STRING.sub(b'""', raw)):
        level += 1 if match.group() in (b"[", b"{") else -1
        if level > limit:
            return True
    return False


class DepthLimitedJSON(DefaultJSONProvider):
    """Flask's JSON, refusing bodies nested deeper than MAX_DEPTH: a ValueError, so that
    `get_json(silent=True)` gives None and `get_json()` a 400, as for any bad JSON."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        if too_deep(s):
            raise TooDeep(f"JSON nested deeper than {MAX_DEPTH} levels")
        return super().loads(s, **kwargs)
