"""Every scenario ID has tests named after it; our ID list matches the shared catalogue."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.scenario_ids import OPEN, SCENARIOS, SERIES
from tests.support.sharedref import shared_path

TESTS = Path(__file__).resolve().parent


def _ids_with_tests() -> set[str]:
    found: set[str] = set()
    for path in TESTS.rglob("test_*.py"):
        found.update(re.findall(rf"def test_([{SERIES}]\d\d)_", path.read_text(encoding="utf-8")))
    return found


def test_every_scenario_has_a_test() -> None:
    missing = sorted(set(SCENARIOS) - _ids_with_tests() - set(OPEN))
    assert not missing, f"scenario IDs without a test_<ID>_... test: {missing}"


def test_open_scenarios_are_catalogued_and_still_without_a_test() -> None:
    """An ID leaves OPEN in the change that gives it a test, so the list stays true."""
    assert set(OPEN) <= set(SCENARIOS)
    done = sorted(set(OPEN) & _ids_with_tests())
    assert not done, f"these IDs have tests now; remove them from OPEN: {done}"


def test_no_test_names_an_unknown_scenario() -> None:
    assert not _ids_with_tests() - set(SCENARIOS)


@pytest.mark.shared
def test_catalogue_matches_shared_scenarios() -> None:
    text = shared_path("SCENARIOS.md").read_text(encoding="utf-8")
    shared = set(re.findall(rf"^- ([{SERIES}]\d\d) ", text, flags=re.M))
    assert shared == set(SCENARIOS)
