"""The gate end to end through ``main(["gate", ...])``, FakeGitHub and the real PyGithub."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from foreman.contracts import Note
from tests.fakes.github import FakeGitHub
from tests.support.gate import PASSING, REPO, Gate, decisions, item, report_calls, result, task

FIXED = "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n"
LINT = "VALUE = 1\n"  # what ruff check --fix and ruff format make of src/util.py
MERGE_LINT = """\
gate:
  merge: {enabled: true, workers: [lint-fix], max_changed_lines: 10, checks: worker-tests}
  ask: ["@maintainer"]
"""


@pytest.fixture
def gate(fake_github: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Gate:
    return Gate(fake_github, tmp_path, monkeypatch)


def _debug(gate: Gate, number: int, **kw: object) -> None:
    t = task("debug", item(number))
    kw.setdefault("tests", PASSING)
    gate.add(t, result(t, **kw), gate.patch({"src/app.py": FIXED}))


def test_debug_bundle_becomes_a_draft_pr_with_the_exact_content(gate: Gate) -> None:
    gate.checkout()
    n = gate.fake.add_issue(REPO, "add() subtracts")
    _debug(gate, n, fixes_issue=True)
    assert gate.run() == 0
    [pr] = gate.pulls()
    assert pr.pull.draft and pr.pull.head_ref == f"foreman/issue-{n}-debug"
    assert pr.pull.base_ref == "main" and pr.user == gate.fake.bot_login
    assert pr.body.startswith(f"Fixes #{n}")
    tree = gate.fake.tree(REPO, pr.pull.head_ref)
    assert tree["src/app.py"] == FIXED.encode()
    base = gate.fake.tree(REPO)
    assert {k: v for k, v in tree.items() if k != "src/app.py"} == {
        k: v for k, v in base.items() if k != "src/app.py"
    }
    head = gate.fake.refs(REPO)[f"refs/heads/{pr.pull.head_ref}"]
    commit = gate.fake.repo(REPO).git.commits[head]
    assert commit.parents == (gate.fake.refs(REPO)["refs/heads/main"],)
    [comment] = gate.bodies(n)
    assert f"#{pr.number}" in comment and "pull request" in comment
    assert gate.fake.issue(REPO, n).labels == ["foreman:handled"]


def test_lint_fix_within_policy_is_merged_with_the_sha_guard(
    gate: Gate, capsys: pytest.CaptureFixture[str]
) -> None:
    gate.checkout(config=MERGE_LINT)
    n = gate.fake.add_issue(REPO, "style")
    t = task("lint-fix", item(n))
    gate.add(t, result(t, tests=PASSING), gate.patch({"src/util.py": LINT}))
    assert gate.run() == 0
    with capsys.disabled():
        pr_calls, _ = report_calls("one merged PR", gate.fake, n)
    assert pr_calls <= 10
    [pr] = gate.pulls()
    assert pr.pull.merged and not pr.pull.draft
    [put] = gate.fake.calls("pulls/merge")
    assert put.body["sha"] == pr.pull.head_sha  # merged at exactly the head the gate checked
    assert gate.fake.tree(REPO)["src/util.py"] == LINT.encode()
    assert decisions(gate.summary()) == {t.id: "merged"}


@pytest.mark.parametrize(
    ("path", "content"),
    [
        (".github/workflows/ci.yml", "name: ci\non: [push]\njobs: {}\n"),
        ("CODEOWNERS", "* @mallory\n"),
        (".github/foreman.yml", "gate:\n  merge: {enabled: true, workers: [infra, lint-fix]}\n"),
    ],
)
def test_H06_protected_paths_are_not_merged_and_a_human_is_asked(
    gate: Gate, path: str, content: str, capsys: pytest.CaptureFixture[str]
) -> None:
    gate.checkout(config=MERGE_LINT)
    n = gate.fake.add_issue(REPO, "bump ci")
    t = task("lint-fix", item(n))
    gate.add(t, result(t, tests=PASSING), gate.patch({path: content}))
    assert gate.run() == 0
    with capsys.disabled():
        report_calls(f"ask-human ({path})", gate.fake, n)
    assert gate.pulls() == []
    assert {w.route for w in gate.fake.writes} == {"issues/create-comment", "issues/add-labels"}
    [comment] = gate.bodies(n)
    assert "needs a maintainer" in comment and "@maintainer" in comment
    assert "gate.allow\\_protected" in comment


def test_H06_allowed_worker_gets_a_draft_pr_that_is_never_merged(gate: Gate) -> None:
    config = (
        MERGE_LINT.replace("gate:\n", "gate:\n  allow_protected: [infra]\n")
        .replace("workers: [lint-fix]", "workers: [lint-fix, infra]")
        .replace("worker-tests", "green")  # an agent worker (infra) merges on green CI only (S08)
    )
    gate.checkout(config=config)
    n = gate.fake.add_issue(REPO, "bump ci")
    t = task("infra", item(n))
    patch = gate.patch({".github/workflows/ci.yml": "name: ci\non: [push]\njobs: {}\n"})
    gate.add(t, result(t, tests=PASSING, review={"verdict": "approve"}), patch)
    assert gate.run() == 0
    [pr] = gate.pulls()
    assert pr.pull.draft and not pr.pull.merged
    assert gate.fake.count("pulls/merge") == 0
    assert "protected paths" in gate.bodies(n)[0]


SECRET = "ghp_" + "Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe9Dc8"
AWS = "AKIA" + "ZZZZYYYYXXXXWWWW"


def test_P05_a_secret_in_the_patch_blocks_it_and_is_never_echoed(
    gate: Gate, capsys: pytest.CaptureFixture[str]
) -> None:
    gate.checkout(config=MERGE_LINT)
    n = gate.fake.add_issue(REPO, "config")
    t = task("debug", item(n))
    patch = gate.patch({"src/util.py": f"TOKEN = '{SECRET}'\nKEY = '{AWS}'\n"})
    gate.add(t, result(t, tests=PASSING, title="add config"), patch)
    assert gate.run() == 0
    out = capsys.readouterr()
    assert gate.pulls() == [] and gate.fake.count("git/create-tree") == 0
    [comment] = gate.bodies(n)
    assert "blocked" in comment and "src/util.py:1" in comment and "GitHub token" in comment
    assert "AWS access key id at src/util.py:2" in gate.summary()
    wire = "".join(str(r.body) + str(r.response) for r in gate.fake.requests)
    for text in (comment, gate.summary(), out.out, out.err, wire):
        assert SECRET not in text and AWS not in text


def test_C01_ten_runs_leave_one_pr_one_comment_one_label_set(
    gate: Gate, capsys: pytest.CaptureFixture[str]
) -> None:
    gate.checkout()
    n = gate.fake.add_issue(REPO, "add() subtracts")
    _debug(gate, n, labels=["bug"])
    assert gate.run() == 0
    with capsys.disabled():
        pr_calls, _ = report_calls("run 1, one draft PR", gate.fake, n)
    assert pr_calls <= 10
    head = gate.fake.refs(REPO)[f"refs/heads/foreman/issue-{n}-debug"]
    comment = gate.bodies(n)
    gate.fake.reset_log()
    for _ in range(9):
        assert gate.run() == 0
    assert gate.fake.writes == []  # nothing changed, nothing written
    with capsys.disabled():
        print(f"[gate REST calls] 9 re-runs: 0 writes, {len(gate.fake.requests) // 9} reads each")
    assert len(gate.pulls()) == 1 and gate.bodies(n) == comment
    assert gate.fake.refs(REPO)[f"refs/heads/foreman/issue-{n}-debug"] == head
    assert sorted(gate.fake.issue(REPO, n).labels) == ["foreman:handled"]
    assert gate.pulls()[0].labels == ["bug"]


def test_dry_run_writes_nothing_and_shows_every_would_be_write(gate: Gate) -> None:
    gate.checkout()
    n = gate.fake.add_issue(REPO, "add() subtracts")
    _debug(gate, n, labels=["bug"])
    tt = task("triage", item(n))
    gate.add(tt, result(tt, labels=["question"], comment="Looks like a bug in add()."))
    assert gate.run("--dry-run") == 0
    assert gate.fake.requests == []
    s = gate.summary()
    assert "dry run" in s and f"branch `foreman/issue-{n}-debug` from `main`" in s
    assert "`src/app.py`" in s and "draft PR: debug: fix for #" in s
    assert "labels: bug" in s and "item labels: question, foreman:handled" in s
    assert "<!-- agent-foreman:status -->" in s and "Looks like a bug in add()." in s


def test_plan_dry_run_flag_also_writes_nothing(gate: Gate) -> None:
    gate.checkout()
    n = gate.fake.add_issue(REPO, "x")
    _debug(gate, n)
    assert gate.run(plan=gate.plan(dry_run=True)) == 0
    assert gate.fake.requests == []


def test_triage_notes_and_refusals_go_into_the_status_comment(gate: Gate) -> None:
    gate.checkout()
    n = gate.fake.add_issue(REPO, "how do I? @everyone")
    t = task("triage", item(n))
    gate.add(t, result(t, labels=["question", "urgent"], duplicates=[1],
                       comment="Try `pip install`. cc @someone, fixes #1"))  # fmt: skip
    gate.notes.append(Note(kind="refused", text="@bob may not start code workers", item=n))
    assert gate.run() == 0
    [comment] = gate.bodies(n)
    assert "triaged" in comment and "dropped: urgent" in comment and "duplicates: #1" in comment
    assert "> Try `pip install`. cc @\u200bsomeone, fixes #\u200b1" in comment
    assert "refused: @\u200bbob may not start code workers" in comment
    assert sorted(gate.fake.issue(REPO, n).labels) == ["foreman:handled", "question"]
    assert gate.fake.labels(REPO).count("urgent") == 0


def test_a_failed_write_is_reported_after_the_rest_and_exits_nonzero(gate: Gate) -> None:
    gate.checkout()
    a, b = gate.fake.add_issue(REPO, "a"), gate.fake.add_issue(REPO, "b")
    _debug(gate, a)
    t = task("triage", item(b))
    gate.add(t, result(t, labels=["bug"]))
    gate.fake.inject(status=403, route="pulls/create", times=None,
                     body={"message": "Resource not accessible by integration"})  # fmt: skip
    assert gate.run() == 5
    ds = decisions(gate.summary())
    assert ds[f"issue-{a}-debug"] == "error" and ds[t.id] == "triaged"
    assert "branch foreman/issue-" in gate.summary()  # the half-done write is reported as such
    assert "foreman:handled" not in gate.fake.issue(REPO, a).labels  # a re-run will retry it
    assert sorted(gate.fake.issue(REPO, b).labels) == ["bug", "foreman:handled"]
    assert "error" in gate.bodies(a)[0]


def test_rejected_and_missing_bundles_are_reported_not_fatal(gate: Gate) -> None:
    gate.checkout()
    n = gate.fake.add_issue(REPO, "x")
    _debug(gate, n)
    gate.add(task("docs", item(n)))  # planned, no bundle
    bad = gate.add(task("refactor", item(n)))
    (gate.bundles / f"foreman-bundle-{bad.id}").mkdir()
    (gate.bundles / f"foreman-bundle-{bad.id}" / "result.json").write_text(
        json.dumps({"task_id": bad.id, "worker": "refactor", "verdict": "maybe"})
    )
    assert gate.run() == 0
    ds = decisions(gate.summary())
    assert ds == {f"issue-{n}-debug": "pull request", f"issue-{n}-docs": "no result",
                  bad.id: "bundle rejected"}  # fmt: skip
    assert len(gate.pulls()) == 1


def test_status_comment_lookup_skipped_for_an_item_without_comments(gate: Gate) -> None:
    gate.checkout()
    n = gate.fake.add_issue(REPO, "add() subtracts")
    _debug(gate, n)
    assert gate.run() == 0
    assert gate.fake.count("issues/list-comments") == 0
    assert len(gate.fake.comments(REPO, n)) == 1
    assert gate.run() == 0  # the re-run finds it through the look-up
    assert gate.fake.count("issues/list-comments") == 1 and len(gate.fake.comments(REPO, n)) == 1
