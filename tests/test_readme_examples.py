"""The README's quick-start claims about the bundled example events, checked against the
shipped classifier (offline, no key): a model change that makes them false fails here."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from foreman.routing.classifier import Classifier
from tests.test_plan_github import run_plan

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def only_task(result: dict[str, Any]) -> dict[str, Any]:
    tasks = result["tasks"]
    assert isinstance(tasks, list) and len(tasks) == 1
    task: dict[str, Any] = tasks[0]
    return task


def test_the_threshold_the_readme_states_is_the_shipped_one() -> None:
    stated = re.search(r"above the (0\.\d+) it needs", README)
    assert stated, "README no longer states the shipped threshold"
    assert round(Classifier.load().threshold, 3) == float(stated.group(1))


def test_bug_report_goes_to_debug_without_a_config(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    task = only_task(run_plan(tmp_path, capsys, "issue-bug.json"))
    assert (task["worker"], task["layer"]) == ("debug", "classifier")
    assert task["reason"] == "classified as bug (0.98)"
    assert isinstance(task["evidence"], list) and task["evidence"][0] == "a stack trace"
    stated_evidence = re.search(r"the task's `evidence` names what it saw: `([^`]+)`", README)
    assert stated_evidence and stated_evidence.group(1) == ", ".join(task["evidence"])
    stated = re.search(r"calls it a `bug` at (0\.\d+)", README)
    assert stated and round(float(str(task["confidence"])), 2) == float(stated.group(1))


def test_question_gets_its_worker_without_a_config_and_its_class_with_the_example(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    task = only_task(run_plan(tmp_path, capsys, "issue-question.json"))
    assert (task["worker"], task["layer"]) == ("triage", "classifier")
    assert str(task["reason"]).startswith("classified for triage (0.99), its class unsure")
    assert "together they score\n0.99, above the 0.818" in README
    (tmp_path / ".github").mkdir()
    shutil.copy(ROOT / "workflows-examples" / "foreman.yml", tmp_path / ".github" / "foreman.yml")
    task = only_task(run_plan(tmp_path, capsys, "issue-question.json"))
    assert task["layer"] == "classifier"
    assert str(task["reason"]).startswith("classified as question")
    stated = re.search(r"`issue-question.json` scores (0\.\d+)", README)
    assert stated and round(float(str(task["confidence"])), 2) == float(stated.group(1))


def test_the_quick_start_workflow_is_minimal_yml_verbatim() -> None:
    """The README says its step-1 workflow is workflows-examples/minimal.yml: keep it so."""
    step = README.split("1. Add `.github/workflows/foreman.yml`", 1)[1]
    block = re.search(r"```yaml\n(.*?)\n   ```", step, re.S)
    assert block, "README's step 1 has no yaml block"
    shown = "\n".join(line.removeprefix("   ") for line in block.group(1).splitlines())
    minimal = (ROOT / "workflows-examples" / "minimal.yml").read_text(encoding="utf-8")
    assert shown + "\n" == minimal
