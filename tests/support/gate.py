"""Helpers for the gate tests: a local checkout that matches FakeGitHub, patches, bundles, plans.

The checkout (``--root``) and the fake's default branch hold the same files,
so their git trees have the same SHA and the gate builds commits from the
local files, as it does on a real runner.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from foreman.cli import main
from foreman.config import Config, parse_config, worker_spec
from foreman.contracts import ItemRef, Note, Plan, Result, Task, Usage
from foreman.contracts import TestRun as Run  # not "Test*": pytest would try to collect it
from tests.fakes.github import FakeGitHub

REPO = "octo/demo"
BASE_FILES = {
    "src/app.py": "def add(a, b):\n    return a - b\n\n\ndef sub(a, b):\n    return a - b\n",
    "src/util.py": "import os\nimport sys\n\nVALUE = 1\n",
    "docs/guide.md": "# Guide\n\nSome text.\n",
    ".github/workflows/ci.yml": "name: ci\non: push\njobs: {}\n",
}
GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
    "HOME": "/nonexistent",
}


def git(root: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_ENV)
    out = subprocess.run(
        ["git", "-c", "core.hooksPath=/dev/null", *args],
        cwd=root, env=env, capture_output=True, check=True, timeout=60,
    )  # fmt: skip
    return out.stdout.decode("utf-8", "surrogateescape")


def item(number: int, title: str = "add() subtracts", **kw: Any) -> ItemRef:
    kw.setdefault("kind", "issue")
    kw.setdefault("event_name", "issues")
    return ItemRef(repo=REPO, number=number, title=title, action="opened", author="alice", **kw)


def task(worker: str, ref: ItemRef, config: Config | None = None, **kw: Any) -> Task:
    spec = worker_spec(config or Config(), worker)
    kind = "pr" if ref.kind == "pull_request" else "issue"
    kw.setdefault("id", f"{kind}-{ref.number}-{worker}")
    kw.setdefault("allowed_paths", list(spec.allowed_paths) if spec.writes_code else [])
    return Task(worker=worker, brief=f"{worker} brief", item=ref, writes_code=spec.writes_code,
                review=spec.review and spec.writes_code, **kw)  # fmt: skip


PASSING = [Run(command="pytest -q", before="fail", after="pass")]


def result(t: Task, **kw: Any) -> Result:
    kw.setdefault("verdict", "proposed")
    kw.setdefault("title", f"{t.worker}: fix for #{t.item.number}")
    kw.setdefault("body", "Changed the code so the test passes.")
    kw.setdefault("usage", Usage(turns=3, input_tokens=1200, output_tokens=300))
    return Result(task_id=t.id, worker=t.worker, **kw)


@dataclass
class Gate:
    """One gate scenario: fake, checkout, plan and bundles, run through ``main``."""

    fake: FakeGitHub
    tmp: Path
    monkeypatch: pytest.MonkeyPatch
    root: Path = field(init=False)
    bundles: Path = field(init=False)
    plan_path: Path = field(init=False)
    tasks: list[Task] = field(default_factory=list)
    items: list[ItemRef] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    waits: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.root = self.tmp / "checkout"
        self.bundles = self.tmp / "bundles"
        self.plan_path = self.tmp / "plan.json"
        self.bundles.mkdir()
        env = {
            "GITHUB_TOKEN": self.fake.write_token,
            "GITHUB_API_URL": self.fake.url,
            "GITHUB_REPOSITORY": REPO,
            "FOREMAN_GITHUB_THROTTLE": "0",
            "GITHUB_STEP_SUMMARY": str(self.tmp / "summary.md"),
        }
        for key, value in env.items():
            self.monkeypatch.setenv(key, value)
        self.monkeypatch.setattr("foreman.gate.run.default_sleep", self.waits.append)

    # -- repository ------------------------------------------------------------------------
    def checkout(self, files: Mapping[str, str] | None = None, config: str | None = None) -> Path:
        """Seed the fake's default branch and make ``--root`` an identical git checkout."""
        seed: dict[str, str | bytes | None] = dict(BASE_FILES if files is None else files)
        if config is not None:
            seed[".github/foreman.yml"] = config
        self.fake.seed_files(REPO, seed)
        self.root.mkdir(exist_ok=True)
        git(self.root, "init", "-q", "-b", "main")
        for path, content in self.fake.tree(REPO).items():
            target = self.root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        git(self.root, "add", "-A")
        git(self.root, "commit", "-q", "-m", "checkout")
        local = git(self.root, "rev-parse", "HEAD^{tree}").strip()
        fake_tree = self.fake.repo(REPO).git.commits[self.fake.refs(REPO)["refs/heads/main"]].tree
        assert local == fake_tree, "checkout and fake must hold the same tree"
        return self.root

    def config(self) -> Config:
        path = self.root / ".github" / "foreman.yml"
        return parse_config(path.read_text(), "foreman.yml") if path.exists() else Config()

    def patch(self, changes: Mapping[str, str | None]) -> str:
        """A ``git diff`` (as a worker's snapshot writes it) of ``changes`` to the checkout."""
        for path, content in changes.items():
            target = self.root / path
            if content is None:
                target.unlink()
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(content)
        git(self.root, "add", "-A")
        diff = git(
            self.root, "diff", "--cached", "--binary", "--full-index", "--no-renames", "HEAD"
        )
        git(self.root, "reset", "-q", "--hard", "HEAD")
        git(self.root, "clean", "-qfd")
        return diff

    # -- plan and bundles ----------------------------------------------------------------------
    def add(self, t: Task, res: Result | None = None, patch: str = "", *, folder: str | None = None
            ) -> Task:  # fmt: skip
        """Plan ``t`` and (unless ``res`` is None and patch empty) write its bundle."""
        self.tasks.append(t)
        if t.item not in self.items:
            self.items.append(t.item)
        if res is not None:
            d = self.bundles / (folder or f"foreman-bundle-{t.id}")
            d.mkdir(parents=True)
            (d / "result.json").write_text(res.model_dump_json())
            (d / "patch.diff").write_bytes(patch.encode("utf-8", "surrogateescape"))
        return t

    def plan(self, **kw: Any) -> Plan:
        return Plan(repo=REPO, event_name="issues", action="opened", items=self.items,
                    tasks=self.tasks, notes=self.notes, **kw)  # fmt: skip

    def run(self, *extra: str, plan: Plan | None = None) -> int:
        self.plan_path.write_text((plan or self.plan()).model_dump_json())
        return main(["gate", "--plan", str(self.plan_path), "--bundles", str(self.bundles),
                     "--root", str(self.root), *extra])  # fmt: skip

    def summary(self) -> str:
        path = self.tmp / "summary.md"
        return path.read_text() if path.exists() else ""

    def bodies(self, number: int) -> list[str]:
        return [c.body for c in self.fake.comments(REPO, number)]

    def pulls(self) -> list[Any]:
        return self.fake.pulls(REPO)


def decisions(summary: str) -> dict[str, str]:
    """task id -> decision text, read back from the summary table."""
    out = {}
    for line in summary.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[0].startswith("`"):
            out[cells[0].strip("`")] = cells[2]
    return out


def rest_calls(fake: FakeGitHub, number: int) -> tuple[int, int]:
    """REST calls logged so far: ``(for the PR/branch, for the item itself)``.

    Item calls are the ones on ``/issues/<number>``: the re-read, the status
    comment and the item's labels.
    """
    mine = [r for r in fake.requests if f"/issues/{number}" in r.path]
    return len(fake.requests) - len(mine), len(mine)


def report_calls(label: str, fake: FakeGitHub, number: int) -> tuple[int, int]:
    pr, own = rest_calls(fake, number)
    print(f"\n[gate REST calls] {label}: {pr + own} = {pr} for the PR/branch + {own} for the item; "
          f"{dict(fake.counts())}")  # fmt: skip
    return pr, own
