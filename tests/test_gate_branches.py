"""Branch and PR bookkeeping: re-runs, closed PRs, foreign commits, moved or plain checkouts."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakes.github import FakeGitHub
from tests.support.gate import PASSING, REPO, Gate, decisions, item, result, task

FIXED = "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n"
BRANCH = "foreman/issue-{}-debug"


@pytest.fixture
def gate(fake_github: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Gate:
    g = Gate(fake_github, tmp_path, monkeypatch)
    g.checkout()
    return g


def bundle(gate: Gate, n: int, patch: str | None = None, **kw: object) -> str:
    t = task("debug", item(n))
    kw.setdefault("tests", PASSING)
    folder = gate.bundles / f"foreman-bundle-{t.id}"
    if folder.exists():
        shutil.rmtree(folder)
        gate.tasks.clear()
    gate.add(t, result(t, **kw), patch if patch is not None else gate.patch({"src/app.py": FIXED}))
    return t.id


def test_a_pr_closed_without_merging_is_not_reopened(gate: Gate) -> None:
    n = gate.fake.add_issue(REPO, "x")
    tid = bundle(gate, n)
    assert gate.run() == 0
    [pr] = gate.pulls()
    pr.state = "closed"  # a maintainer declined it
    gate.fake.reset_log()
    assert gate.run() == 0
    assert len(gate.pulls()) == 1 and gate.pulls()[0].state == "closed"
    assert {w.route for w in gate.fake.writes} <= {"issues/update-comment"}
    assert decisions(gate.summary()) == {tid: "skipped"}
    assert "closed without merging" in gate.bodies(n)[0]


def test_same_tree_from_a_differently_written_patch_gets_no_new_commit(gate: Gate) -> None:
    n = gate.fake.add_issue(REPO, "x")
    bundle(gate, n)
    assert gate.run() == 0
    head = gate.fake.refs(REPO)["refs/heads/" + BRANCH.format(n)]
    plain = ("--- a/src/app.py\n+++ b/src/app.py\n@@ -1,2 +1,2 @@\n def add(a, b):\n"
             "-    return a - b\n+    return a + b\n")  # fmt: skip
    bundle(gate, n, plain)
    gate.fake.reset_log()
    assert gate.run() == 0
    assert gate.fake.count("git/create-commit") == 0 and gate.fake.count("git/update-ref") == 0
    assert gate.fake.refs(REPO)["refs/heads/" + BRANCH.format(n)] == head


def test_a_new_bundle_for_the_same_task_updates_the_branch_and_the_pr(gate: Gate) -> None:
    n = gate.fake.add_issue(REPO, "x")
    bundle(gate, n)
    assert gate.run() == 0
    better = FIXED.replace("return a + b", "return b + a")
    bundle(gate, n, gate.patch({"src/app.py": better}), title="a better fix")
    assert gate.run() == 0
    [pr] = gate.pulls()
    assert pr.title == "a better fix"
    assert gate.fake.tree(REPO, pr.pull.head_ref)["src/app.py"] == better.encode()
    head = gate.fake.refs(REPO)["refs/heads/" + pr.pull.head_ref]
    commit = gate.fake.repo(REPO).git.commits[head]
    assert commit.parents == (gate.fake.refs(REPO)["refs/heads/main"],)  # rebuilt on the base


def test_a_branch_with_someone_elses_commit_is_never_overwritten(gate: Gate) -> None:
    n = gate.fake.add_issue(REPO, "x")
    bundle(gate, n)
    assert gate.run() == 0
    gate.fake.seed_files(REPO, {"src/app.py": "human edit\n"}, branch=BRANCH.format(n))
    human = gate.fake.refs(REPO)["refs/heads/" + BRANCH.format(n)]
    bundle(gate, n, gate.patch({"src/app.py": FIXED + "# v2\n"}))
    assert gate.run() == 0
    assert gate.fake.refs(REPO)["refs/heads/" + BRANCH.format(n)] == human
    assert "did not make" in gate.bodies(n)[0]


def test_default_branch_moved_since_the_checkout(gate: Gate) -> None:
    n = gate.fake.add_issue(REPO, "x")
    bundle(gate, n)
    gate.fake.seed_files(REPO, {"docs/guide.md": "# Guide v2\n"})  # someone merged meanwhile
    assert gate.run() == 0
    [pr] = gate.pulls()
    tree = gate.fake.tree(REPO, pr.pull.head_ref)
    assert tree["src/app.py"] == FIXED.encode() and tree["docs/guide.md"] == b"# Guide v2\n"


def test_patch_that_no_longer_applies_to_the_moved_default_branch_asks_a_human(gate: Gate) -> None:
    n = gate.fake.add_issue(REPO, "x")
    tid = bundle(gate, n)
    gate.fake.seed_files(REPO, {"src/app.py": "rewritten\n"})
    assert gate.run() == 0
    assert gate.pulls() == []
    assert decisions(gate.summary()) == {tid: "needs a maintainer"}
    assert "no longer applies" in gate.bodies(n)[0]


def test_a_checkout_that_is_not_a_git_repository_still_works(gate: Gate) -> None:
    n = gate.fake.add_issue(REPO, "x")
    bundle(gate, n)
    shutil.rmtree(gate.root / ".git")
    assert gate.run() == 0
    [pr] = gate.pulls()
    assert gate.fake.tree(REPO, pr.pull.head_ref)["src/app.py"] == FIXED.encode()


def test_non_utf8_content_goes_through_a_blob(gate: Gate) -> None:
    gate.fake.seed_files(REPO, {"src/latin.txt": b"caf\xe9\n"})
    gate.root = gate.tmp / "checkout2"
    gate.checkout(files={})
    n = gate.fake.add_issue(REPO, "x")
    t = task("debug", item(n), allowed_paths=["**"])
    (gate.root / "src" / "latin.txt").write_bytes(b"caf\xe9 cr\xe8me\n")
    from tests.support.gate import git

    git(gate.root, "add", "-A")
    patch = git(gate.root, "diff", "--cached", "--full-index", "HEAD")
    git(gate.root, "reset", "-q", "--hard", "HEAD")
    gate.add(t, result(t, tests=PASSING), patch)
    assert gate.run() == 0
    [pr] = gate.pulls()
    assert gate.fake.tree(REPO, pr.pull.head_ref)["src/latin.txt"] == b"caf\xe9 cr\xe8me\n"
    assert gate.fake.count("git/create-blob") == 1


def test_the_gate_command_and_a_dry_run_do_not_import_pygithub(tmp_path: Path) -> None:
    probe = (
        "import sys\nfrom foreman.cli import main\nimport foreman.commands.gate\n"
        "import foreman.gate.run, foreman.gate.report\n"
        "print(','.join(m for m in sys.modules if m.split('.')[0] == 'github'))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, timeout=60)  # fmt: skip
    assert out.stdout.strip() == ""
