"""``foreman doctor``: a clean bill for the bundled example repository, each problem named on
a broken one (issue #27)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from foreman.cli import main
from tests.support.sample_repos import make_repo

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "workflows-examples" / "repository"
TAGGED = (
    "jobs:\n  foreman:\n    uses: agent-foreman/agent-foreman/.github/workflows/foreman.yml@v1\n"
)


def _doctor(root: Path, *extra: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["doctor", "--workspace", str(root), *extra])
    return code, capsys.readouterr().out


def test_the_bundled_example_repository_gets_a_clean_bill(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "example"
    shutil.copytree(EXAMPLE, repo)
    code, out = _doctor(repo, capsys=capsys)
    assert code == 0, out
    assert "clean bill" in out and "FAIL" not in out and "warn" not in out
    # Setup ran (the venv the test command needs) and the tests passed inside the boundary.
    assert (repo / ".venv/bin/python").exists()
    assert "passes inside the boundary" in out and "AGENTS.md goes into" in out


def test_a_broken_repository_names_each_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(
        tmp_path / "broken",
        {
            ".github/foreman.yml": (
                "version: 1\ntest:\n  command: python run_tests.py\n"
                "instructions:\n  file: docs/AGENTS-missing.md\n"
                "setup:\n  commands: ['python -c pass']\n"
            ),
            ".github/foreman/setup/action.yml": "runs:\n  using: node20\n  main: x.js\n",
            ".github/workflows/foreman.yml": TAGGED,
            "run_tests.py": "import requests_not_installed\n",
        },
    )
    code, out = _doctor(repo, capsys=capsys)
    assert code == 1, out
    fails = [line for line in out.splitlines() if line.startswith("FAIL")]
    assert any("foreman.yml runs" in f and "@v1" in f for f in fails), out
    assert any("not a composite action" in f for f in fails), out
    assert any("docs/AGENTS-missing.md not found" in f for f in fails), out
    assert any("cannot import `requests_not_installed`" in f for f in fails), out
    assert any(line.startswith("warn  secrets") for line in out.splitlines()), out
    assert "4 problem(s) to fix" in out


def test_an_invalid_config_and_no_workflow_without_running_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(
        tmp_path / "bad",
        {".github/foreman.yml": "version: 1\ntest:\n  comand: pytest\n", "x.py": ""},
    )
    code, out = _doctor(repo, "--no-run", capsys=capsys)
    assert code == 1
    assert "FAIL  config:" in out and "comand" in out
    assert "FAIL  workflow: no workflow in .github/workflows uses agent-foreman" in out
    assert "fix: copy workflows-examples/minimal.yml" in out


def test_no_test_command_is_a_problem_and_a_missing_tool_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(
        tmp_path / "r", {".github/workflows/f.yml": TAGGED.replace("@v1", "@" + "a" * 40)}
    )
    code, out = _doctor(repo, "--no-run", capsys=capsys)
    assert code == 1 and "FAIL  test command: test.command is not set" in out
    (repo / ".github/foreman.yml").write_text("version: 1\ntest:\n  command: no-such-tool -q\n")
    code, out = _doctor(repo, "--no-run", capsys=capsys)
    assert code == 0, out
    assert "warn  test command: `no-such-tool` is not found here (no setup installs it)" in out


def test_a_workspace_that_is_not_a_directory_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["doctor", "--workspace", str(tmp_path / "nope")]) == 2
    assert "not a directory" in capsys.readouterr().err
