"""pytest plugin: a per-scenario scoreboard printed after any run that ran scenario tests.

A scenario passes when at least one of its tests ran and none failed. The
scoreboard closes with ``N passed, N failed`` over the IDs that ran (or, with
``--scoreboard-all``, over the whole catalogue, missing IDs counting as failed).
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

import pytest

from scenario_ids import SCENARIOS

ID_IN_NAME = re.compile(r"::test_([GLHCP]\d\d)_")
_results: dict[str, list[str]] = defaultdict(list)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--scoreboard-all",
        action="store_true",
        help="score the whole scenario catalogue (missing IDs fail)",
    )


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    match = ID_IN_NAME.search(report.nodeid)
    if not match:
        return
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        _results[match.group(1)].append(report.outcome)


def score(results: dict[str, list[str]], ids: list[str]) -> tuple[list[str], int, int]:
    lines: list[str] = []
    passed = failed = 0
    for sid in ids:
        outcomes = results.get(sid, [])
        if not outcomes:
            state = "missing"
        elif "failed" in outcomes:
            state = "fail"
        elif "passed" in outcomes:
            state = "pass"
        else:
            state = "skipped"
        ok = state == "pass"
        passed += ok
        failed += not ok
        lines.append(f"{sid} {state:<7} {len(outcomes):>2} test(s)  {SCENARIOS[sid]}")
    return lines, passed, failed


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    full = bool(config.getoption("--scoreboard-all"))
    ids = list(SCENARIOS) if full else [s for s in SCENARIOS if s in _results]
    if not ids:
        return
    lines, passed, failed = score(_results, ids)
    terminalreporter.section("scenario scoreboard")
    for line in lines:
        terminalreporter.write_line(line)
    terminalreporter.write_line(f"scenarios: {passed} passed, {failed} failed")
