"""Reference codes people read aloud and type on a keypad: R-7K3Q.

The alphabet leaves out 0/O and 1/I, which are confused on paper, over a phone line
and between keypad letters. Codes come from `secrets`, so holding one says nothing
about any other; 32**4 is about a million codes, and a fifth character is added if
random draws keep colliding.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

from bot.text.normalize import to_ascii_digits

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 4
_SEPARATORS = r"[\s\-_.·]*"


def new_code(prefix: str, taken: Callable[[str], bool]) -> str:
    for attempt in range(20):
        length = LENGTH if attempt < 10 else LENGTH + 1
        code = f"{prefix}-{''.join(secrets.choice(ALPHABET) for _ in range(length))}"
        if not taken(code):
            return code
    raise RuntimeError("could not find a free reference code")


def parse_code(prefix: str, text: str) -> str | None:
    """The canonical form of a typed code ("r 7k3q", "R7K3Q", "7K3Q"), or None."""
    typed = to_ascii_digits(text).strip().upper()
    body = f"([{ALPHABET}]{{{LENGTH},{LENGTH + 1}}})"
    found = (re.fullmatch(re.escape(prefix) + _SEPARATORS + body, typed)
             or re.fullmatch(body, typed))
    return f"{prefix}-{found.group(1)}" if found else None
