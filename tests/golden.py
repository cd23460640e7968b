"""Golden transcripts: a scripted conversation and every reply, kept in a text file.

A test plays the inputs through the real pipeline and compares the whole transcript
with `tests/golden/<name>.<lang>.txt`. When wording changes on purpose, rewrite
them with `pytest --update-goldens` and review the diff.
"""

from __future__ import annotations

from pathlib import Path

from tests.builders import chat

GOLDEN = Path(__file__).parent / "golden"


def transcript(services, inputs: list[str], lang: str | None = None,
               address: str | None = None) -> str:
    person = chat(services, lang=lang, address=address)
    lines = []
    for text in inputs:
        lines.append(f">>> {text}")
        for reply in person.say(text):
            lines.extend(f"<<< {line}" if i == 0 else f"    {line}"
                         for i, line in enumerate(reply.split("\n")))
    return "\n".join(lines) + "\n"


def check_golden(request, name: str, actual: str) -> None:
    path = GOLDEN / f"{name}.txt"
    if request.config.getoption("--update-goldens"):
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"no golden transcript {path.name}; run pytest --update-goldens"
    assert actual == path.read_text(encoding="utf-8"), (
        f"{path.name} changed; if on purpose, run pytest --update-goldens and review the diff"
    )
