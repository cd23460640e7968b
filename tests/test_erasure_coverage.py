"""Erasure is complete by construction: every table that points at a person is covered
by an eraser that the composition root installs."""

import pytest

from bot import features
from bot.contacts import erasure
from bot.store import Base


def tables_about_a_person() -> set[str]:
    found = {"contacts"}
    for table in Base.metadata.tables.values():
        for column in table.columns:
            if any(key.column.table.name == "contacts" for key in column.foreign_keys):
                found.add(table.name)
    return found


def uncovered(erasers) -> set[str]:
    covered = set(erasure.OWN_TABLES).union(*(eraser.tables for eraser in erasers))
    return tables_about_a_person() - covered


def test_every_table_about_a_person_has_an_eraser():
    features.install()
    assert uncovered(erasure.ERASERS) == set()


# Erasers of the features' own tables (not those that only clear the spine's messages,
# which test_erasure_proof checks row by row).
OWNING = [e for e in features.parts("ERASERS") if set(e.tables) - set(erasure.OWN_TABLES)]


@pytest.mark.parametrize("left_out", OWNING, ids=lambda e: e.run.__name__)
def test_leaving_out_a_features_eraser_is_caught(left_out):
    assert uncovered([e for e in features.parts("ERASERS") if e is not left_out])
