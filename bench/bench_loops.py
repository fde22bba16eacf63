"""The loops' GitHub cost: REST calls of a ``workflow_run`` plan with N failed jobs, and of a
review round (plan + gate), as FakeGitHub logs them; one ``python -m foreman`` per process.

A job log's download (the 302's signed URL) is counted apart: it is not a REST call.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.bench_proc import clean_env, foreman, write_config
from bench.bench_table import Section, count
from foreman.contracts import Plan
from tests.fakes.github import FakeGitHub, JobSeed
from tests.support.gate import REPO, Gate, decisions, result
from tests.support.loops import PYTEST_LOG, failed_run, foreman_pull, review_event

CONFIG = "routing:\n  classifier: {enabled: false}\n"
FAILED_JOBS = (1, 3, 10)
LOG_REPEAT = 200  # each failed job's log: the pytest log 200 times (~190 KB)


def _plan(fake: FakeGitHub, scratch: Path, event: dict[str, object], name: str) -> dict:  # type: ignore[type-arg]
    root = write_config(scratch / "root", CONFIG)
    path = scratch / f"{name}.json"
    path.write_text(json.dumps(event), encoding="utf-8")
    out = scratch / "plan.json"
    env = clean_env(
        GITHUB_TOKEN=fake.read_token, GITHUB_API_URL=fake.url, FOREMAN_GITHUB_THROTTLE="0",
        GITHUB_WORKFLOW_REF=f"{REPO}/.github/workflows/foreman.yml@refs/heads/main",
    )  # fmt: skip
    foreman("plan", "--event", str(path), "--event-name", name, "--root", str(root),
            "--output", str(out), env=env).check()  # fmt: skip
    plan: dict = json.loads(out.read_text(encoding="utf-8"))  # type: ignore[type-arg]
    return plan


def run_plan_calls(failed: int, scratch: Path) -> tuple[int, int, int, int]:
    """(REST calls, the plan's own count, log downloads, brief characters) for ``failed`` jobs."""
    scratch.mkdir(parents=True)
    with FakeGitHub() as fake:
        fake.add_repo(REPO)
        sha = fake.refs(REPO)["refs/heads/main"]
        jobs = [JobSeed("lint", "success", [("ruff", "success")], "ok\n")]
        jobs += [JobSeed(f"tests {i}", "failure", [("pytest", "failure")], PYTEST_LOG * LOG_REPEAT)
                 for i in range(failed)]  # fmt: skip
        event = failed_run(fake, head_sha=sha, jobs=jobs)
        fake.reset_log()
        plan = _plan(fake, scratch, event, "workflow_run")
        rest = sum(1 for e in fake.requests if e.route != "fake/job-log-blob")
        downloads = fake.count("fake/job-log-blob")
        return rest, int(plan["rest_calls"]), downloads, len(plan["tasks"][0]["brief"])


def run_review_round(scratch: Path) -> tuple[int, int, str]:
    """(plan REST calls, gate REST calls, the gate's decision) of one review round."""
    scratch.mkdir(parents=True)
    with FakeGitHub() as fake, pytest.MonkeyPatch.context() as mp:
        fake.add_repo(REPO)
        fake.add_collaborator(REPO, "maint", "write")
        (scratch / "gate").mkdir()
        gate = Gate(fake, scratch / "gate", mp)
        gate.checkout(config=CONFIG)
        number = foreman_pull(fake)
        review_id, _ = fake.add_review(
            REPO, number, user="maint", body="Three things.",
            comments=[("src/util.py", 4, "VALUE should be 2"), ("src/app.py", 1, "why?"),
                      ("src/app.py", 2, "keep this")],
        )  # fmt: skip
        event = review_event(fake, number, review_id, by="maint", state="changes_requested")
        fake.reset_log()
        plan_calls = 0
        plan = Plan.model_validate(_plan(fake, scratch, event, "pull_request_review"))
        plan_calls = len(fake.requests)
        for t in plan.tasks:
            gate.add(
                t, result(t), gate.patch({"src/util.py": "import os\nimport sys\n\nVALUE = 2\n"})
            )
        gate.plan_path.write_text(plan.model_dump_json(), encoding="utf-8")
        env = clean_env(
            GITHUB_TOKEN=fake.write_token, GITHUB_API_URL=fake.url, GITHUB_REPOSITORY=REPO,
            FOREMAN_GITHUB_THROTTLE="0", GITHUB_STEP_SUMMARY=str(scratch / "summary.md"),
        )  # fmt: skip
        fake.reset_log()
        foreman("gate", "--plan", str(gate.plan_path), "--bundles", str(gate.bundles),
                "--root", str(gate.root), env=env).check()  # fmt: skip
        summary = (scratch / "summary.md").read_text(encoding="utf-8")
        decided = next(iter(decisions(summary).values()), "?")
        return plan_calls, len(fake.requests), decided


def section(ctx: object) -> Section:
    s = Section("The loops: REST calls of a failed CI run's plan and of a review round")
    scratch = Path(getattr(ctx, "scratch", Path("/tmp"))) / "loops"
    for n in FAILED_JOBS:
        rest, reported, downloads, brief = run_plan_calls(n, scratch / f"ci-{n}")
        read = min(n, 3)  # loops.ci.max_jobs
        row = count(f"plan: workflow_run, {n} failed job(s)", rest, 1 + read,
                    f"{rest} (+{downloads} log downloads; brief {brief} chars)")  # fmt: skip
        row.goal = f"≤ 1 + {read} read"
        s.rows.append(row)
        if reported != rest:
            s.notes.append(f"workflow_run {n}: the plan reports {reported}, FakeGitHub saw {rest}")
    plan_calls, gate_calls, decided = run_review_round(scratch / "review")
    s.rows.append(count("plan: review round (3 line comments)", plan_calls, 5, str(plan_calls)))
    s.rows.append(count("gate: review round push + 3 replies", gate_calls, None,
                        f"{gate_calls} ({decided})"))  # fmt: skip
    s.notes += [
        "workflow_run: the run's jobs (1 call) and each failed job's log, the first"
        " loops.ci.max_jobs (3) only; the download behind each 302 goes to the storage URL"
        " without the token and is not an API call. Each log ~190 KB, cut to the brief budget.",
        "review round: the reviewer's permission, the PR's commits, the review's comments, the"
        " PR's files, the original issue (plan); the gate re-reads the item and the PR, pushes"
        " one commit through the Git Data API, answers each thread and updates its comment.",
    ]
    return s
