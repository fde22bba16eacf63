"""Events and seeds for the loops' tests: failed runs, foreman PRs, reviews (FakeGitHub)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from foreman.cli import main
from tests.fakes.github import FakeGitHub, JobSeed

REPO = "octo/demo"
PYTEST_LOG = """\
2026-01-01T00:00:01.0000000Z ##[group]Run pytest -q
2026-01-01T00:00:01.1000000Z pytest -q
2026-01-01T00:00:02.0000000Z ##[endgroup]
2026-01-01T00:00:03.0000000Z ..F.                                                    [100%]
2026-01-01T00:00:03.1000000Z ======================= FAILURES =======================
2026-01-01T00:00:03.2000000Z ____________________ test_add ____________________
2026-01-01T00:00:03.3000000Z     def test_add():
2026-01-01T00:00:03.4000000Z >       assert add(2, 3) == 5
2026-01-01T00:00:03.5000000Z E       assert -1 == 5
2026-01-01T00:00:03.6000000Z tests/test_calc.py:4: AssertionError
2026-01-01T00:00:03.7000000Z ============== short test summary info ==============
2026-01-01T00:00:03.8000000Z FAILED tests/test_calc.py::test_add - assert -1 == 5
2026-01-01T00:00:03.9000000Z ============== 1 failed, 3 passed in 0.05s ==============
2026-01-01T00:00:04.0000000Z ##[error]Process completed with exit code 1.
"""


def user(login: str) -> dict[str, Any]:
    return {"login": login, "type": "Bot" if login.endswith("[bot]") else "User"}


def repository(fake: FakeGitHub) -> dict[str, Any]:
    return {
        "full_name": REPO,
        "default_branch": "main",
        "url": f"{fake.url}/repos/{REPO}",
    }


def failed_run(
    fake: FakeGitHub,
    *,
    head_sha: str,
    branch: str = "main",
    jobs: list[JobSeed] | None = None,
    pulls: list[int] = (),  # type: ignore[assignment]
    name: str = "ci",
    path: str = ".github/workflows/ci.yml",
    event: str = "push",
) -> dict[str, Any]:
    """Seed a failed run in the fake and return its ``workflow_run.completed`` payload."""
    if jobs is None:
        jobs = [
            JobSeed("lint", "success", [("ruff", "success")], "All checks passed!\n"),
            JobSeed("tests (3.11)", "failure", [("Set up", "success"), ("pytest", "failure")],
                    PYTEST_LOG),
            JobSeed("tests (3.12)", "failure", [("Set up", "success"), ("pytest", "failure")],
                    PYTEST_LOG),
        ]  # fmt: skip
    run_id = fake.add_workflow_run(
        REPO, name=name, path=path, head_sha=head_sha, head_branch=branch, event=event,
        jobs=jobs, pull_requests=pulls,
    )  # fmt: skip
    pr_entries = []
    for number in pulls:
        pull = fake.issue(REPO, number).pull
        assert pull is not None
        pr_entries.append({
            "number": number, "url": f"{fake.url}/repos/{REPO}/pulls/{number}",
            "head": {"ref": pull.head_ref, "sha": fake.pull_head_sha(REPO, number),
                     "repo": {"url": f"{fake.url}/repos/{REPO}", "name": "demo"}},
            "base": {"ref": pull.base_ref, "sha": pull.base_sha,
                     "repo": {"url": f"{fake.url}/repos/{REPO}", "name": "demo"}},
        })  # fmt: skip
    return {
        "action": "completed",
        "workflow_run": {
            "id": run_id, "name": name, "path": path, "head_sha": head_sha,
            "head_branch": branch, "conclusion": "failure", "status": "completed",
            "event": event, "run_attempt": 1, "pull_requests": pr_entries,
            "head_repository": {"full_name": REPO},
        },
        "repository": repository(fake),
        "sender": user("alice"),
    }  # fmt: skip


def pull_payload(fake: FakeGitHub, number: int) -> dict[str, Any]:
    issue = fake.issue(REPO, number)
    pull = issue.pull
    assert pull is not None
    return {
        "number": number, "title": issue.title, "body": issue.body, "state": issue.state,
        "user": user(issue.user), "labels": [], "draft": False,
        "head": {"ref": pull.head_ref, "sha": fake.pull_head_sha(REPO, number),
                 "repo": {"full_name": REPO}},
        "base": {"ref": pull.base_ref, "sha": pull.base_sha, "repo": {"full_name": REPO}},
    }  # fmt: skip


def review_event(
    fake: FakeGitHub, number: int, review_id: int, *, by: str, state: str, body: str = ""
) -> dict[str, Any]:
    return {
        "action": "submitted",
        "review": {"id": review_id, "state": state, "body": body, "user": user(by),
                   "author_association": "COLLABORATOR"},
        "pull_request": pull_payload(fake, number),
        "repository": repository(fake),
        "sender": user(by),
    }  # fmt: skip


def review_comment_event(
    fake: FakeGitHub, number: int, comment_id: int, *, by: str, body: str, path: str, line: int
) -> dict[str, Any]:
    return {
        "action": "created",
        "comment": {"id": comment_id, "body": body, "user": user(by), "path": path,
                    "line": line, "author_association": "COLLABORATOR"},
        "pull_request": pull_payload(fake, number),
        "repository": repository(fake),
        "sender": user(by),
    }  # fmt: skip


def foreman_pull(fake: FakeGitHub, *, worker: str = "debug", rounds: int = 0) -> int:
    """A foreman PR as the gate makes it from a new issue: branch, a first commit with the
    trailers, the PR; ``rounds`` more commits as earlier rounds pushed them."""
    issue = fake.add_issue(REPO, "add() subtracts", "add(2, 3) returns -1", user="alice")
    task_id = f"issue-{issue}-{worker}"
    branch = "foreman/" + task_id
    fake.create_branch(REPO, branch)
    fake.seed_files(
        REPO, {"src/app.py": "def add(a, b):\n    return a + b\n"}, branch=branch,
        message=f"Fix add\n\nForeman-Task: {task_id}\nForeman-Patch: aaaa{task_id}\n",
        author=fake.bot_login,
    )  # fmt: skip
    for n in range(rounds):
        fake.seed_files(
            REPO, {f"src/round{n}.py": f"R = {n}\n"}, branch=branch,
            message=f"Round {n + 1}\n\nForeman-Task: pr-x-r{n}\nForeman-Patch: bbbb{n}\n",
            author=fake.bot_login,
        )  # fmt: skip
    return fake.add_pull(
        REPO, "Fix: add() subtracts", f"Fixes #{issue}.\n\nThe worker changed add().", head=branch,
        user=fake.bot_login,
    )  # fmt: skip


def plan_env(monkeypatch: pytest.MonkeyPatch, fake: FakeGitHub, root: Path, config: str) -> None:
    (root / ".github").mkdir(parents=True, exist_ok=True)
    (root / ".github" / "foreman.yml").write_text(config)
    monkeypatch.setenv("GITHUB_TOKEN", fake.read_token)
    monkeypatch.setenv("GITHUB_API_URL", fake.url)
    monkeypatch.setenv("FOREMAN_GITHUB_THROTTLE", "0")
    monkeypatch.setenv(
        "GITHUB_WORKFLOW_REF", f"{REPO}/.github/workflows/foreman.yml@refs/heads/main"
    )


def run_plan(root: Path, capsys: pytest.CaptureFixture[str], event: dict[str, Any], name: str
             ) -> Any:  # fmt: skip
    path = root / f"event-{name}.json"
    path.write_text(json.dumps(event))
    out = root / "plan.json"
    code = main(["plan", "--event", str(path), "--event-name", name, "--root", str(root),
                 "--output", str(out)])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0, captured.out + captured.err
    return json.loads(out.read_text())
