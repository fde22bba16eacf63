"""lint-fix: deterministic fixers, a patch that makes ruff pass, no_change on a clean tree."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from foreman.workers.lint_fix import check_for
from tests.support.sample_repos import LINT_FILES, apply_patch, bundle, make_repo, run_work

TASK = {"id": "t1", "worker": "lint-fix", "brief": "Fix the lint errors."}


def ruff_check(root: Path) -> subprocess.CompletedProcess[str]:
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    return subprocess.run(
        [ruff, "check", "--no-cache", "."], cwd=root, capture_output=True, text=True, check=False
    )


def test_lint_fix_patch_makes_ruff_pass_and_rerun_is_no_change(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", dict(LINT_FILES))
    assert ruff_check(repo).returncode != 0  # F401 unused imports

    assert run_work(TASK, repo, tmp_path / "out") == 0
    result, patch = bundle(tmp_path / "out")
    assert result.verdict == "proposed"
    assert result.files_changed == ["pkg/app.py"]
    assert result.base_sha and result.usage.turns == 0 and result.usage.requests == 0
    assert [(t.command, t.before, t.after) for t in result.tests] == [
        ("ruff check .", "fail", "pass"),
        ("ruff format --check .", "fail", "pass"),
    ]
    assert result.title.startswith("Fix lint: ") and "ruff check --fix" in result.body

    fresh = make_repo(tmp_path / "fresh", dict(LINT_FILES))
    apply_patch(patch, fresh)
    assert ruff_check(fresh).returncode == 0
    assert (fresh / "pkg/app.py").read_text() == "def add(a, b):\n    return a + b\n"

    assert run_work(TASK, fresh, tmp_path / "out2") == 0
    again, again_patch = bundle(tmp_path / "out2")
    assert again.verdict == "no_change" and again_patch == "" and again.files_changed == []
    assert [(t.before, t.after) for t in again.tests] == [("pass", "pass"), ("pass", "pass")]


def test_unfixable_violations_need_a_human(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"app.py": "def f():\n    return undefined_name\n"})
    assert run_work(TASK, repo, tmp_path / "out") == 0
    result, patch = bundle(tmp_path / "out")
    assert result.verdict == "needs_human" and patch == ""
    assert result.tests[0].after == "fail" and "F821" in result.tests[0].output_tail


def test_configured_commands_with_and_and(tmp_path: Path) -> None:
    config = (
        'version: 1\nworkers:\n  lint-fix:\n    commands: ["ruff check --fix . && ruff format ."]\n'
    )
    repo = make_repo(tmp_path / "repo", {**LINT_FILES, ".github/foreman.yml": config})
    assert run_work(TASK, repo, tmp_path / "out") == 0
    result, _ = bundle(tmp_path / "out")
    assert result.verdict == "proposed"
    assert [t.command for t in result.tests] == ["ruff check .", "ruff format --check ."]


@pytest.mark.parametrize("command", ["no-such-linter-xyz --fix .", "'ruff format .; id'"])
def test_a_fixer_that_cannot_run_is_a_failed_bundle(tmp_path: Path, command: str) -> None:
    config = f"version: 1\nworkers:\n  lint-fix:\n    commands: [{command}]\n"
    repo = make_repo(tmp_path / "repo", {**LINT_FILES, ".github/foreman.yml": config})
    assert run_work(TASK, repo, tmp_path / "out") == 0
    result, patch = bundle(tmp_path / "out")
    assert result.verdict == "failed" and patch == ""
    assert "did not run" in result.reason or "shell syntax ';'" in result.reason


def test_review_is_absent_without_a_key(tmp_path: Path) -> None:
    config = "version: 1\nworkers:\n  lint-fix:\n    review: true\n"
    repo = make_repo(tmp_path / "repo", {**LINT_FILES, ".github/foreman.yml": config})
    assert run_work(TASK, repo, tmp_path / "out") == 0
    result, _ = bundle(tmp_path / "out")
    assert result.verdict == "proposed" and result.review is None
    assert "no review: no Anthropic API key" in result.body


def test_checks_are_the_fixers_without_fix_flags() -> None:
    assert check_for(["ruff", "check", "--fix", "--exit-zero", "src"]) == ["ruff", "check", "src"]
    assert check_for(["ruff", "format", "."]) == ["ruff", "format", "--check", "."]
    assert check_for(["black", "."]) == ["black", "--check", "."]
    assert check_for(["make", "lint"]) is None
