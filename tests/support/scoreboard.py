"""pytest plugin: a per-scenario scoreboard printed after any run that ran scenario tests.

A scenario passes when at least one of its tests ran and none failed. The
scoreboard closes with ``N passed, N failed`` over the IDs that ran (or, with
``--scoreboard-all``, over the whole catalogue, missing IDs counting as failed).
``--scoreboard-json PATH`` also writes it as JSON (``scripts/scenarios.py`` reads it).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from tests.support.scenario_ids import OPEN, SCENARIOS, SERIES

ID_IN_NAME = re.compile(rf"::test_([{SERIES}]\d\d)_")
_results: dict[str, list[str]] = defaultdict(list)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--scoreboard-all",
        action="store_true",
        help="score the whole scenario catalogue (missing IDs fail)",
    )
    parser.addoption(
        "--scoreboard-json",
        metavar="PATH",
        help="also write the scoreboard (per ID: state, tests, outcomes) to PATH as JSON",
    )


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    match = ID_IN_NAME.search(report.nodeid)
    if not match:
        return
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        _results[match.group(1)].append(report.outcome)


def state_of(outcomes: list[str], sid: str = "") -> str:
    if not outcomes:
        return f"open #{OPEN[sid]}" if sid in OPEN else "missing"
    if "failed" in outcomes:
        return "fail"
    return "pass" if "passed" in outcomes else "skipped"


def score(results: dict[str, list[str]], ids: list[str]) -> tuple[list[str], int, int]:
    lines: list[str] = []
    passed = failed = 0
    for sid in ids:
        outcomes = results.get(sid, [])
        state = state_of(outcomes, sid)
        ok = state == "pass"
        passed += ok
        failed += not ok and not state.startswith("open")
        lines.append(f"{sid} {state:<7} {len(outcomes):>2} test(s)  {SCENARIOS[sid]}")
    return lines, passed, failed


def write_json(path: str, ids: list[str]) -> None:
    entries = {
        sid: {"state": state_of(_results.get(sid, []), sid), "outcomes": _results.get(sid, [])}
        for sid in ids
    }
    passed = sum(e["state"] == "pass" for e in entries.values())
    still_open = sum(str(e["state"]).startswith("open") for e in entries.values())
    failed = len(entries) - passed - still_open
    data = {"ids": entries, "passed": passed, "failed": failed, "open": still_open}
    Path(path).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    full = bool(config.getoption("--scoreboard-all"))
    ids = list(SCENARIOS) if full else [s for s in SCENARIOS if s in _results]
    json_path = config.getoption("--scoreboard-json")
    if json_path:
        write_json(str(json_path), ids)
    if not ids:
        return
    lines, passed, failed = score(_results, ids)
    terminalreporter.section("scenario scoreboard")
    for line in lines:
        terminalreporter.write_line(line)
    terminalreporter.write_line(f"scenarios: {passed} passed, {failed} failed")
