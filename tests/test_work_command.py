"""``foreman work``: task input forms, the bundle on every path, snapshots and binary-safe diffs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from foreman.cli import main
from foreman.contracts import Task
from foreman.workers import registry
from foreman.workers.context import WorkContext, WorkerOutcome
from tests.support.sample_repos import LINT_FILES, apply_patch, bundle, git, make_repo, run_work

TASK = {"id": "t1", "worker": "lint-fix", "brief": "Fix the lint errors."}
CANARY = "canary-work-3b9d7e1f0a2c4e6d"


def test_matrix_entry_and_env_task(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo(tmp_path / "repo", dict(LINT_FILES))
    entry = {"id": "t1", "worker": "lint-fix", "task": Task.model_validate(TASK).model_dump_json()}
    monkeypatch.setenv("FOREMAN_TASK", json.dumps(entry))
    assert main(["work", "--workspace", str(repo), "--out", str(tmp_path / "out")]) == 0
    result, patch = bundle(tmp_path / "out")
    assert result.task_id == "t1" and result.verdict == "proposed" and "pkg/app.py" in patch
    assert result.task is not None and result.task.brief == TASK["brief"]


def test_task_from_file(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", dict(LINT_FILES))
    (tmp_path / "task.json").write_text(json.dumps(TASK))
    assert run_work(f"@{tmp_path / 'task.json'}", repo, tmp_path / "out") == 0
    assert bundle(tmp_path / "out")[0].verdict == "proposed"


@pytest.mark.parametrize(
    ("raw", "task_id"),
    [
        ("{not json", "invalid-task"),
        (json.dumps({"id": "t9", "worker": "Bad Worker!", "brief": "x"}), "t9"),
        ('{"id": "t7", "worker": "docs", "brief": ' + "[" * 100_000, "invalid-task"),
        (
            json.dumps(
                {
                    "id": "t8",
                    "worker": "docs",
                    "task": json.dumps({"id": "other", "worker": "docs", "brief": "x"}),
                }
            ),
            "t8",
        ),
    ],
)
def test_invalid_task_still_writes_a_failed_bundle(tmp_path: Path, raw: str, task_id: str) -> None:
    assert run_work(raw, tmp_path, tmp_path / "out") == 2
    result, patch = bundle(tmp_path / "out")
    assert result.verdict == "failed" and result.task_id == task_id and patch == ""
    assert "task" in result.reason


@pytest.mark.parametrize("where", ["afile", "afile/bundle", ""])
def test_an_out_that_cannot_be_a_directory_is_refused_before_the_worker_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    """'' would have meant the current directory (here the workspace itself)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("keep")
    task = json.dumps({"id": "t1", "worker": "triage", "brief": "x"})
    assert main(["work", "--task", task, "--workspace", ".", "--out", where]) == 2
    assert "argument --out" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]
    assert (tmp_path / "afile").read_text() == "keep"


def test_a_task_file_that_is_not_utf8_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "task.json"
    path.write_bytes(b'{"id": "t1", "worker": "triage", "brief": "caf\xe9"}')
    assert run_work(f"@{path}", tmp_path, tmp_path / "out") == 2
    assert f"task file {path} is not UTF-8 text (byte 46)" in capsys.readouterr().err


def test_no_task_at_all_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FOREMAN_TASK", raising=False)
    assert main(["work", "--workspace", str(tmp_path), "--out", str(tmp_path / "out")]) == 2


def test_unknown_or_disabled_worker_is_failed(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "repo",
        {
            "a.txt": "a\n",
            ".github/foreman.yml": "version: 1\nworkers:\n  docs:\n    enabled: false\n",
        },
    )
    for worker in ("nosuch", "docs"):
        assert run_work({"id": "t1", "worker": worker, "brief": "x"}, repo, tmp_path / worker) == 0
        result, _ = bundle(tmp_path / worker)
        assert result.verdict == "failed" and "unknown or disabled" in result.reason


def test_invalid_config_writes_a_failed_bundle(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {".github/foreman.yml": "version: 1\nbogus: 1\n"})
    assert run_work(TASK, repo, tmp_path / "out") == 3
    assert bundle(tmp_path / "out")[0].verdict == "failed"


class Exploding:
    kind = "command"

    def run(self, ctx: WorkContext) -> WorkerOutcome:
        (ctx.root / "half-done.txt").write_text("partial\n")
        raise RuntimeError(f"boom with {CANARY} inside")


def test_crashed_worker_writes_a_failed_redacted_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DEPLOY_TOKEN", CANARY)
    monkeypatch.setitem(registry.WORKERS, "lint-fix", Exploding())
    repo = make_repo(tmp_path / "repo", dict(LINT_FILES))
    assert run_work(TASK, repo, tmp_path / "out") == 0
    result, patch = bundle(tmp_path / "out")
    # The error quotes the canary: the worker's own check withholds the reason (S05); the
    # traceback, redacted, is in the log.
    assert result.verdict == "failed" and "a secret of this job" in result.reason
    assert patch == "" and result.files_changed == []  # nothing half-done to apply
    logs = capfd.readouterr()
    for text in (result.model_dump_json(), logs.out, logs.err):
        assert CANARY not in text
    assert "Traceback" in logs.err and "RuntimeError: boom" in logs.err


def test_non_git_workspace_is_snapshotted_and_diffs_are_binary_safe(tmp_path: Path) -> None:
    gen = (
        "from pathlib import Path\n"
        "Path('new/data.bin').parent.mkdir(exist_ok=True)\n"
        "Path('new/data.bin').write_bytes(bytes(range(256)))\n"
        "Path('notes.txt').write_text('hello\\n')\n"
        "Path('old.txt').unlink()\n"
    )
    config = "version: 1\nworkers:\n  gen:\n    kind: command\n    commands: [python gen.py]\n"
    files: dict[str, str | bytes] = {
        "gen.py": gen,
        "old.txt": "bye\n",
        ".github/foreman.yml": config,
    }
    plain = make_repo(tmp_path / "plain", files, init_git=False)
    assert (
        run_work({"id": "g1", "worker": "gen", "brief": "generate"}, plain, tmp_path / "out") == 0
    )
    result, patch = bundle(tmp_path / "out")
    assert result.verdict == "proposed"
    assert sorted(result.files_changed) == ["new/data.bin", "notes.txt", "old.txt"]
    assert "GIT binary patch" in patch
    assert git(plain, "log", "--format=%s").strip() == "foreman: workspace snapshot"

    fresh = make_repo(tmp_path / "fresh", files)
    apply_patch(patch, fresh)
    assert (fresh / "new/data.bin").read_bytes() == bytes(range(256))
    assert (fresh / "notes.txt").read_text() == "hello\n" and not (fresh / "old.txt").exists()


def test_changes_outside_allowed_paths_are_left_out(tmp_path: Path) -> None:
    config = (
        "version: 1\nworkers:\n  gen:\n    kind: command\n    commands: [python gen.py]\n"
        "    allowed_paths: ['docs/**']\n"
    )
    gen = (
        "from pathlib import Path\n"
        "Path('docs/a.md').write_text('a\\n')\n"
        "Path('b.py').write_text('b')\n"
    )
    repo = make_repo(
        tmp_path / "repo", {"gen.py": gen, "docs/x.md": "x\n", ".github/foreman.yml": config}
    )
    assert run_work({"id": "g1", "worker": "gen", "brief": "generate"}, repo, tmp_path / "out") == 0
    result, patch = bundle(tmp_path / "out")
    assert result.files_changed == ["docs/a.md"] and "b.py" not in patch
    assert "Left out of the patch" in result.body and "`b.py`" in result.body


def test_uncommitted_changes_present_at_start_are_not_the_workers(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", dict(LINT_FILES))
    (repo / "local.txt").write_text("was here before\n")
    assert run_work(TASK, repo, tmp_path / "out") == 0
    result, patch = bundle(tmp_path / "out")
    assert result.files_changed == ["pkg/app.py"] and "local.txt" not in patch
    assert git(repo, "status", "--porcelain").count("\n") == 2  # user's index untouched
