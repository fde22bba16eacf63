"""The work and gate jobs as processes: peak RSS, and the gate's GitHub REST calls.

The gate scenarios are the ones tests/test_gate.py checks (built with
tests/support/gate.py): a debug fix that becomes a draft PR, a lint fix that
is merged, and a workflow edit that makes the gate ask a human. The gate runs
as ``python -m foreman gate`` against FakeGitHub with PyGithub's write pacing
off (it changes the time, not the calls).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.bench_proc import BenchError, Proc, clean_env, foreman
from foreman.workers.bundle import read_bundle
from tests.fakes.github.server import FakeGitHub
from tests.support.gate import PASSING, REPO, Gate, decisions, item, rest_calls, result, task
from tests.support.sample_repos import LINT_FILES, make_repo
from tests.test_gate import FIXED, LINT, MERGE_LINT
from tests.test_workers_lint_fix import TASK as LINT_TASK

GATE_SCENARIOS = ("opened PR", "opened PR, no labels", "merged PR", "ask a human")


@dataclass(frozen=True)
class GateRun:
    scenario: str
    decision: str
    pr_calls: int  # PR, branch and git-data calls
    item_calls: int  # calls on /issues/<n>: re-read, status comment, labels
    routes: dict[str, int]
    proc: Proc

    @property
    def total(self) -> int:
        return self.pr_calls + self.item_calls


def _prepare(gate: Gate, scenario: str) -> tuple[int, str]:
    """Seed the fake and the checkout, write one bundle; return (issue number, task id)."""
    if scenario.startswith("opened PR"):  # as test_gate's C01: a debug fix, labelled "bug"
        gate.checkout()
        n = gate.fake.add_issue(REPO, "add() subtracts")
        t = task("debug", item(n))
        labels = [] if "no labels" in scenario else ["bug"]
        res = result(t, tests=PASSING, fixes_issue=True, labels=labels)
        changes = {"src/app.py": FIXED}
    elif scenario == "merged PR":
        gate.checkout(config=MERGE_LINT)
        n = gate.fake.add_issue(REPO, "style")
        t = task("lint-fix", item(n))
        res, changes = result(t, tests=PASSING), {"src/util.py": LINT}
    elif scenario == "ask a human":
        gate.checkout(config=MERGE_LINT)
        n = gate.fake.add_issue(REPO, "bump ci")
        t = task("lint-fix", item(n))
        res = result(t, tests=PASSING)
        changes = {".github/workflows/ci.yml": "name: ci\non: [push]\njobs: {}\n"}
    else:
        raise ValueError(scenario)
    gate.add(t, res, gate.patch(changes))
    return n, t.id


def run_gate(scenario: str, scratch: Path) -> GateRun:
    """One gate process for ``scenario``; its REST calls as FakeGitHub logged them."""
    scratch.mkdir(parents=True)
    with FakeGitHub() as fake, pytest.MonkeyPatch.context() as mp:
        fake.add_repo(REPO)
        gate = Gate(fake, scratch, mp)
        number, task_id = _prepare(gate, scenario)
        gate.plan_path.write_text(gate.plan().model_dump_json(), encoding="utf-8")
        env = clean_env(
            GITHUB_TOKEN=fake.write_token,
            GITHUB_API_URL=fake.url,
            GITHUB_REPOSITORY=REPO,
            FOREMAN_GITHUB_THROTTLE="0",
            GITHUB_STEP_SUMMARY=str(scratch / "summary.md"),
        )
        fake.reset_log()
        proc = foreman(
            "gate", "--plan", str(gate.plan_path), "--bundles", str(gate.bundles),
            "--root", str(gate.root), env=env,
        ).check()  # fmt: skip
        pr_calls, item_calls = rest_calls(fake, number)
        decision = decisions(gate.summary()).get(task_id, "?")
        return GateRun(scenario, decision, pr_calls, item_calls, fake.counts(), proc)


@dataclass(frozen=True)
class WorkRun:
    verdict: str
    files_changed: list[str]
    proc: Proc


def run_lint_fix(scratch: Path) -> WorkRun:
    """``foreman work`` with the lint-fix worker on a small repo with ruff violations."""
    repo = make_repo(scratch / "repo", dict(LINT_FILES))
    out = scratch / "out"
    proc = foreman(
        "work", "--task", json.dumps(LINT_TASK), "--workspace", str(repo), "--out", str(out),
        env=clean_env(),
    ).check()  # fmt: skip
    res, _ = read_bundle(out)
    if res.verdict != "proposed":
        raise BenchError(f"lint-fix answered {res.verdict!r}, not 'proposed': {res.reason}")
    return WorkRun(res.verdict, list(res.files_changed), proc)
