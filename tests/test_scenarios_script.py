"""``scripts/scenarios.py``: one line per catalogue ID, missing and skipped IDs fail."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from tests.support.scenario_ids import SCENARIOS

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "scenarios.py"


def load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("scenarios_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_scoreboard_lines_and_exit_status(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    script = load()
    seen: list[list[str]] = []

    def fake_pytest(ids: list[str], act: bool, extra: list[str], report: Path) -> tuple[int, str]:
        seen.append([*ids, str(act), *extra])
        states = {"G01": ["passed", "passed"], "G02": ["passed", "failed"], "G03": ["skipped"]}
        entries = {sid: {"state": {"passed": "pass", "skipped": "skipped"}.get(o[-1], "fail"),
                         "outcomes": o} for sid, o in states.items()}  # fmt: skip
        report.write_text(json.dumps({"ids": entries}))
        return 1, "FAILED tests/test_x.py::test_G02_x - boom\n"

    monkeypatch.setattr(script, "run_pytest", fake_pytest)
    assert script.main(["--", "-x"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert seen == [[*SCENARIOS, "False", "-x"]]
    lines = {line[:3]: line for line in out if line[:3] in SCENARIOS}
    assert list(lines) == list(SCENARIOS)  # every ID, in catalogue order
    assert lines["G01"].startswith("G01 pass     2 test(s)")
    assert lines["G02"].startswith("G02 fail     2 test(s)")
    assert lines["G03"].startswith("G03 fail     1 test(s)") and "(all skipped)" in lines["G03"]
    assert lines["H01"].startswith("H01 missing  0 test(s)")
    assert f"1 passed, {len(SCENARIOS) - 1} failed" in out
    assert "FAILED tests/test_x.py::test_G02_x - boom" in out


def test_no_scoreboard_is_an_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    script = load()
    monkeypatch.setattr(script, "run_pytest", lambda *a: (4, "ERROR: usage"))
    assert script.main([]) == 2
    assert "without a scoreboard" in capsys.readouterr().out
