"""Budgets and API faults: every one ends in a bundle with the right verdict, never a hang."""

from __future__ import annotations

from pathlib import Path

import anthropic  # noqa: F401  (imported up front: its import time is not the worker's budget)
import pytest

from foreman.config import worker_spec
from foreman.contracts import Task
from foreman.workers.bundle import write_bundle
from foreman.workers.context import WORKER_MAX_RETRIES
from foreman.workers.run import run_task
from tests.fakes import anthropic_steps as steps
from tests.fakes.fake_anthropic import FakeAnthropic
from tests.support.sample_repos import bundle, calc_repo, config_of, run_work, use_fake

BRIEF = "add(2, 3) returns -1. Reproduce with `python run_tests.py`."
CONFIG = "version: 1\ntest:\n  command: python run_tests.py\n"
EDIT = ("edit_file", {"path": "calc.py", "old_text": "a - b", "new_text": "a + b"})


@pytest.fixture(autouse=True)
def _fake_env(monkeypatch: pytest.MonkeyPatch, fake_anthropic: FakeAnthropic) -> None:
    use_fake(monkeypatch, fake_anthropic)


def test_max_turns_ends_in_needs_human(tmp_path: Path, fake_anthropic: FakeAnthropic) -> None:
    repo = calc_repo(tmp_path / "repo", CONFIG + "workers:\n  docs:\n    max_turns: 2\n")
    fake_anthropic.script(
        steps.tool_use(("read_file", {"path": "README.md"})),
        steps.tool_use(("write_file", {"path": "docs/late.md", "content": "too late\n"})),
        steps.text("never reached"),
    )
    assert run_work({"id": "m1", "worker": "docs", "brief": "docs"}, repo, tmp_path / "out") == 0
    result, patch = bundle(tmp_path / "out")
    assert result.verdict == "needs_human" and result.reason.startswith("max turns exceeded")
    assert result.usage.turns == 2 and fake_anthropic.count == 2
    assert not (repo / "docs/late.md").exists()  # the over-limit turn's tools did not run
    assert patch == "" or "late.md" not in patch


def test_token_budget_ends_in_needs_human(tmp_path: Path, fake_anthropic: FakeAnthropic) -> None:
    repo = calc_repo(tmp_path / "repo", CONFIG + "workers:\n  debug:\n    max_tokens: 1000\n")
    big = steps.FakeUsage(input_tokens=900, output_tokens=200)
    fake_anthropic.script(steps.tool_use(EDIT, usage=big), steps.text("done"))
    assert run_work({"id": "k1", "worker": "debug", "brief": BRIEF}, repo, tmp_path / "out") == 0
    result, patch = bundle(tmp_path / "out")
    assert result.verdict == "needs_human" and result.reason.startswith("token budget exceeded")
    assert (result.usage.input_tokens, result.usage.output_tokens) == (900, 200)
    assert fake_anthropic.count == 1 and "a + b" not in patch


def _run_with(tmp_path: Path, **limits: int) -> tuple[object, str]:
    repo = calc_repo(tmp_path / "repo", CONFIG)
    config = config_of(CONFIG)
    spec = worker_spec(config, "debug").model_copy(update=limits)
    task = Task(id="w1", worker="debug", brief=BRIEF)
    result, patch = run_task(task, workspace=repo, config=config, spec=spec)
    write_bundle(tmp_path / "out", result, patch)
    return bundle(tmp_path / "out")


def test_L05_slow_response_past_the_wall_budget_is_stopped(
    tmp_path: Path, fake_anthropic: FakeAnthropic
) -> None:
    fake_anthropic.script(steps.Delay(30, steps.text("far too late")))
    result, patch = _run_with(tmp_path, max_seconds=1)
    assert result.verdict == "needs_human" and result.reason.startswith("wall time exceeded")
    assert "far too late" not in result.model_dump_json() and patch == ""
    assert fake_anthropic.count <= 1  # the retry that would cross the deadline never started


def test_L01_overloaded_on_every_attempt_gives_up_with_no_partial_patch(
    tmp_path: Path, fake_anthropic: FakeAnthropic
) -> None:
    repo = calc_repo(tmp_path / "repo", CONFIG)
    fake_anthropic.script(steps.tool_use(EDIT), *[steps.overloaded()] * 5)
    assert run_work({"id": "o1", "worker": "debug", "brief": BRIEF}, repo, tmp_path / "out") == 0
    result, patch = bundle(tmp_path / "out")
    assert result.verdict == "failed"
    assert "after 3 attempts" in result.reason and "overloaded" in result.reason
    assert fake_anthropic.count == 1 + (WORKER_MAX_RETRIES + 1)
    assert patch == "" and result.files_changed == []  # the first turn's edit is not proposed
    assert (repo / "calc.py").read_text().count("a + b") == 1  # it did happen on disk


def test_L04_stream_error_after_200_fails_and_drops_the_partial_text(
    tmp_path: Path, fake_anthropic: FakeAnthropic
) -> None:
    repo = calc_repo(tmp_path / "repo", CONFIG)
    fake_anthropic.script(steps.StreamError(deltas=("PARTIAL-", "ANSWER-TEXT")))
    assert run_work({"id": "s1", "worker": "debug", "brief": BRIEF}, repo, tmp_path / "out") == 0
    result, patch = bundle(tmp_path / "out")
    assert result.verdict == "failed" and "stream failed mid-answer" in result.reason
    text = result.model_dump_json() + patch
    assert "PARTIAL" not in text and "ANSWER-TEXT" not in text
    assert fake_anthropic.count == 1


def test_L07_total_attempts_stay_within_turns_times_attempts(
    tmp_path: Path, fake_anthropic: FakeAnthropic
) -> None:
    max_turns, attempts = 3, WORKER_MAX_RETRIES + 1
    read = steps.tool_use(("read_file", {"path": "calc.py"}))
    fake_anthropic.on_empty = steps.overloaded()
    fake_anthropic.script(*([steps.overloaded()] * (attempts - 1) + [read]) * max_turns)
    result, _ = _run_with(tmp_path, max_turns=max_turns)
    assert result.verdict == "needs_human" and "max turns" in result.reason
    assert fake_anthropic.count == max_turns * attempts
    assert fake_anthropic.exhausted_hits == 0
    statuses = fake_anthropic.statuses()
    assert statuses.count(200) == max_turns and statuses.count(529) == max_turns * (attempts - 1)


def test_spend_limit_is_not_retried(tmp_path: Path, fake_anthropic: FakeAnthropic) -> None:
    repo = calc_repo(tmp_path / "repo", CONFIG)
    fake_anthropic.script(steps.spend_limit(), steps.spend_limit(), steps.spend_limit())
    assert run_work({"id": "b1", "worker": "debug", "brief": BRIEF}, repo, tmp_path / "out") == 0
    result, _ = bundle(tmp_path / "out")
    assert result.verdict == "failed" and "spend" in result.reason
    assert fake_anthropic.count == 1


@pytest.mark.parametrize(
    ("stop_reason", "verdict", "reason"),
    [("max_tokens", "needs_human", "token budget exceeded"), ("refusal", "failed", "refused")],
)
def test_cut_off_or_refused_answers_are_not_proposals(
    tmp_path: Path, fake_anthropic: FakeAnthropic, stop_reason: str, verdict: str, reason: str
) -> None:
    repo = calc_repo(tmp_path / "repo", CONFIG)
    fake_anthropic.script(steps.tool_use(EDIT), steps.text("I will now", stop_reason=stop_reason))
    assert run_work({"id": "c1", "worker": "debug", "brief": BRIEF}, repo, tmp_path / "out") == 0
    result, _ = bundle(tmp_path / "out")
    assert result.verdict == verdict and reason in result.reason
