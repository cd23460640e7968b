"""A fresh clone runs its tests alone: nothing under tests/ reads files from outside
the repository (the providers' specs live in tests/specs)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.fakes import prism

TESTS = Path(__file__).resolve().parent
OUTSIDE = re.compile(r"""\.\./shared|parents?\b[^\n]*["']shared["']""")


def test_no_test_reads_the_folder_beside_the_repository():
    readers = [str(path.relative_to(TESTS)) for path in TESTS.rglob("*.py")
               if path.name != Path(__file__).name and OUTSIDE.search(path.read_text())]
    assert readers == []


def test_the_specs_the_contract_tests_run_are_in_the_repository():
    assert prism.SPECS.is_relative_to(prism.ROOT)
    for spec in ("twilio_api_v2010.json", "telegram_botapi_8.2.mock.json"):
        assert (prism.SPECS / spec).stat().st_size > 100_000
        assert f"`{spec}`" in (prism.SPECS / "README.md").read_text()
