"""S21, S22: paths a patch may not name — under a file, not UTF-8, not NFC (``foreman gate``)."""

from __future__ import annotations

from pathlib import Path

import pytest

import foreman.gate.base
from tests.fakes.github import FakeGitHub
from tests.support.gate import BASE_FILES, PASSING, REPO, Gate, decisions, item, result, task

FILES = {
    **BASE_FILES,
    "CODEOWNERS": "* @octo\n",
    ".github/CODEOWNERS": "* @octo\n",
    "action.yml": "name: x\n",
}


@pytest.fixture
def gate(fake_github: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Gate:
    return Gate(fake_github, tmp_path, monkeypatch)


def new_file(path: str, text: str = "hello\n", *, quoted: bool = False) -> str:
    """A ``git diff`` adding ``path``; ``quoted``: the C-quoted header git uses for odd bytes."""
    a, b = (f'"a/{path}"', f'"b/{path}"') if quoted else (f"a/{path}", f"b/{path}")
    lines = text.splitlines(keepends=True)
    body = "".join("+" + ln for ln in lines)
    return (
        f"diff --git {a} {b}\nnew file mode 100644\nindex 0000000..1111111\n--- /dev/null\n"
        f"+++ {b}\n@@ -0,0 +1,{len(lines)} @@\n{body}"
    )


def _docs(gate: Gate, n: int, patch: str) -> str:
    t = task("docs", item(n))
    gate.add(t, result(t), patch)
    return t.id


@pytest.mark.parametrize(
    ("path", "decision", "why"),
    [
        ("CODEOWNERS/README.md", "blocked", "its parent CODEOWNERS is a file"),
        (".github/CODEOWNERS/a.md", "blocked", "its parent .github/CODEOWNERS is a file"),
        (".github/foreman.yml/a.md", "blocked", "its parent .github/foreman.yml is a file"),
        ("action.yml/a.md", "blocked", "its parent action.yml is a file"),
        ("docs/CODEOWNERS/a.md", "needs a maintainer", "protected paths"),  # no such file
    ],
)
def test_S21_a_new_file_under_a_file_or_a_protected_path_is_refused_before_any_write(
    gate: Gate, path: str, decision: str, why: str
) -> None:
    gate.checkout(files=FILES, config="gate:\n  ask: [maintainer]\n")
    n = gate.fake.add_issue(REPO, "docs")
    bad = _docs(gate, n, new_file(path))
    m = gate.fake.add_issue(REPO, "more docs")
    good = _docs(gate, m, new_file("docs/new.md"))
    assert gate.run() == 0
    assert decisions(gate.summary()) == {bad: decision, good: "pull request"}
    assert why in gate.summary() and "could not reach" not in gate.summary()
    [pr] = gate.pulls()
    assert pr.pull.head_ref == f"foreman/issue-{m}-docs"
    assert gate.fake.count("git/create-tree") == 1  # the honest one only


def test_S21_github_refuses_a_file_under_a_file_with_a_422_reported_plainly(
    gate: Gate, monkeypatch: pytest.MonkeyPatch
) -> None:
    # If a conflict ever got past policy (here: the check switched off), GitHub's answer is
    # a 422, and the gate says so: not "could not reach the GitHub API".
    monkeypatch.setattr(foreman.gate.base, "file_in_the_way", lambda *a: None)
    gate.checkout(files=FILES)
    n = gate.fake.add_issue(REPO, "docs")
    bad = _docs(gate, n, new_file("src/app.py/notes.md"))
    assert gate.run() == 5
    [call] = gate.fake.calls("git/create-tree")
    assert call.status == 422
    summary = gate.summary()
    assert decisions(summary) == {bad: "error"}
    assert "GitHub refused the new tree (GitHub API error 422: GitRPC::BadObjectState)" in summary
    assert "could not reach" not in summary and gate.pulls() == []


@pytest.mark.parametrize(
    ("header_path", "shown"),
    [
        (".github/workflows\\200/x.yml", ".github/workflows\udc80/x.yml"),  # not UTF-8
        ("docs/cafe\u0301.md", "docs/cafe\u0301.md"),  # NFD: e + combining acute accent
    ],
)
def test_S22_a_path_that_is_not_utf8_or_not_nfc_is_refused(
    gate: Gate, header_path: str, shown: str
) -> None:
    gate.checkout()
    n = gate.fake.add_issue(REPO, "paths")
    t = task("debug", item(n))
    gate.add(t, result(t, tests=PASSING), new_file(header_path, quoted="\\" in header_path))
    m = gate.fake.add_issue(REPO, "café")
    good = _docs(gate, m, new_file("docs/caf\u00e9.md"))  # the same name in NFC
    assert gate.run() == 0
    assert decisions(gate.summary()) == {t.id: "blocked", good: "pull request"}
    assert "unsafe path" in gate.summary()
    [pr] = gate.pulls()
    assert "docs/caf\u00e9.md" in gate.fake.tree(REPO, pr.pull.head_ref)
    assert gate.fake.count("git/create-tree") == 1
    assert shown not in gate.fake.tree(REPO, pr.pull.head_ref)
