"""The README's quick-start claims about the bundled example events, checked against the
shipped classifier (offline, no key): a model change that makes them false fails here."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from foreman.cli import main
from foreman.routing.classifier import Classifier

ROOT = Path(__file__).resolve().parents[1]
EVENTS = ROOT / "workflows-examples" / "events"
README = (ROOT / "README.md").read_text(encoding="utf-8")


def plan(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *argv: str
) -> dict[str, object]:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("GITHUB_OUTPUT", raising=False)
    assert main(["plan", *argv]) == 0
    out: dict[str, object] = json.loads(capsys.readouterr().out)
    return out


def only_task(result: dict[str, object]) -> dict[str, object]:
    tasks = result["tasks"]
    assert isinstance(tasks, list) and len(tasks) == 1
    task: dict[str, object] = tasks[0]
    return task


def test_the_threshold_the_readme_states_is_the_shipped_one() -> None:
    stated = re.search(r"above the (0\.\d+) it needs", README)
    assert stated, "README no longer states the shipped threshold"
    assert round(Classifier.load().threshold, 3) == float(stated.group(1))


def test_bug_report_goes_to_debug_without_a_config(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    task = only_task(plan(capsys, monkeypatch, "--event", str(EVENTS / "issue-bug.json"),
                          "--root", str(tmp_path)))  # fmt: skip
    assert (task["worker"], task["layer"]) == ("debug", "classifier")
    stated = re.search(r"calls it a `bug` at (0\.\d+)", README)
    assert stated and round(float(str(task["confidence"])), 2) == float(stated.group(1))


def test_question_falls_back_without_a_config_and_is_decided_with_the_example(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    event = str(EVENTS / "issue-question.json")
    task = only_task(plan(capsys, monkeypatch, "--event", event, "--root", str(tmp_path)))
    assert (task["worker"], task["layer"]) == ("triage", "fallback")
    assert "classifier unsure" in str(task["reason"])
    config = str(ROOT / "workflows-examples" / "foreman.yml")
    task = only_task(plan(capsys, monkeypatch, "--event", event, "--config", config))
    assert task["layer"] == "classifier"
    stated = re.search(r"`issue-question.json` scores (0\.\d+)", README)
    assert stated and round(float(str(task["confidence"])), 2) == float(stated.group(1))
