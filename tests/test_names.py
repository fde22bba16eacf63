"""Repository and branch names: one set of rules for events, plans, the config and learn."""

from __future__ import annotations

import subprocess

import pytest

from foreman.names import branch_problem, repo_problem

BRANCHES_OK = ["main", "foreman/issue-12-docs", "release/1.0", "feat_x", "a@b", "ümlaut"]
BRANCHES_BAD = [
    "",
    "../x",
    "x.lock/..//y",
    "a b",
    "-x",
    "x/",
    "/x",
    "x.",
    "feat/.hidden",
    "x.lock",
    "a@{b",
    "@",
    "a~1",
    "a^b",
    "a:b",
    "a?b",
    "a*b",
    "a[b",
    "a\\b",
    "a//b",
    "tab\there",
    "x" * 256,
]


@pytest.mark.parametrize("name", BRANCHES_OK)
def test_branch_names_git_takes(name: str) -> None:
    assert branch_problem(name) is None


@pytest.mark.parametrize("name", BRANCHES_BAD)
def test_branch_names_git_refuses(name: str) -> None:
    assert branch_problem(name)


# Not asked of git: it has no length limit (GitHub has), and --branch reads "@" as HEAD's.
@pytest.mark.parametrize(
    "name", [n for n in BRANCHES_OK + BRANCHES_BAD if len(n) < 256 and n != "@"]
)
def test_branch_rules_agree_with_git(name: str) -> None:
    """The same verdict as ``git check-ref-format --branch``: a name git takes that we refused
    would be a false alarm, one it refuses that we took a failed write."""
    git = subprocess.run(
        ["git", "check-ref-format", "--branch", name], capture_output=True, check=False
    )
    assert (git.returncode == 0) == (branch_problem(name) is None), name


@pytest.mark.parametrize(
    "repo", ["octo/demo", "my-org/repo_name.js", "A1/.github", "x/a..b", "emu_short/r"]
)
def test_repositories_github_could_have(repo: str) -> None:
    assert repo_problem(repo) is None


@pytest.mark.parametrize(
    ("repo", "says"),
    [
        ("octo", "expected owner/name"),
        ("a/b/c", "expected owner/name"),
        ("/x", "the owner '' is not"),
        ("../x", "the owner '..' is not"),
        ("-o/x", "the owner '-o' is not"),
        ("o/..", "the name '..' is not"),
        ("o/", "the name '' is not"),
        ("o/na me", "the name 'na me' is not"),
        ("o/" + "n" * 101, "is not a GitHub repository name"),
    ],
)
def test_repositories_github_cannot_have(repo: str, says: str) -> None:
    problem = repo_problem(repo)
    assert problem is not None and says in problem
