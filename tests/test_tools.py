"""The sandboxed tools: the path fence, writes, the command allow-list, the child environment."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from foreman.workers.boundary import prepare
from foreman.workers.fence import Fence
from foreman.workers.sandbox import (
    CommandRefused,
    child_env,
    run_argv,
    split_command,
    split_sequence,
)
from foreman.workers.tools import ERROR, Toolbox
from tests.support.sample_repos import make_repo

CANARY = "canary-7f3a9c1e5b2d4a6f8e0c"


def box_for(
    root: Path,
    allowed=("**",),
    commands=(),
    protected=(".github/workflows/**",),
    protected_ok=False,
    narrowed=None,
    env=None,
    deadline=None,
    declared=(),
) -> Toolbox:
    fence = Fence.make(
        root, list(allowed), protected=list(protected), protected_ok=protected_ok, narrowed=narrowed
    )
    return Toolbox(
        fence=fence,
        commands=list(commands),
        env=child_env(env if env is not None else os.environ, declared),
        deadline=deadline if deadline is not None else time.monotonic() + 60,
        boundary=prepare(enabled=True, network=False, env=os.environ, workspace=root),
        command_timeout=10,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = make_repo(
        tmp_path / "repo",
        {
            "src/app.py": "print('hi')\n",
            "docs/index.md": "# Docs\n",
            "data.bin": b"\x00\x01\x02binary",
            ".github/workflows/ci.yml": "on: push\n",
        },
    )
    (tmp_path / "outside.txt").write_text("outside secret\n")
    return root


def test_read_list_search_inside_the_workspace(repo: Path) -> None:
    box = box_for(repo)
    assert "print('hi')" in box.read_file("src/app.py")
    assert "print('hi')" in box.read_file("./src/app.py")
    listing = box.list_dir(".")
    assert "src/" in listing and ".git/" not in listing.replace(".github/", "")
    assert "src/app.py:1: print('hi')" in box.search(r"print\(")
    assert box.read_file("data.bin").endswith("binary file (9 bytes); not shown")
    assert box.refusals == []


@pytest.mark.parametrize(
    "path",
    [
        "../outside.txt",
        "src/../../outside.txt",
        "/etc/passwd",
        "/proc/self/environ",
        "~/.ssh/id_rsa",
        ".git/config",
        ".git/HEAD",
        "src/.git/x",
        "",
    ],
)
def test_H05_reads_outside_the_checkout_or_in_git_are_refused(repo: Path, path: str) -> None:
    box = box_for(repo)
    answer = box.read_file(path)
    assert answer.startswith(ERROR)
    assert "outside secret" not in answer and "[core]" not in answer
    assert box.refusals


def test_H05_symlinks_are_not_followed(repo: Path, tmp_path: Path) -> None:
    (repo / "link.txt").symlink_to(tmp_path / "outside.txt")
    (repo / "linkdir").symlink_to(tmp_path)
    (repo / "proc").symlink_to("/proc/self")
    box = box_for(repo)
    for path in ("link.txt", "linkdir/outside.txt", "proc/environ"):
        assert box.read_file(path).startswith(ERROR + f"'{path}' goes through a symlink")
    assert box.write_file("linkdir/new.txt", "x").startswith(ERROR)
    assert not (tmp_path / "new.txt").exists()
    assert "link.txt@ (symlink, not followed)" in box.list_dir(".")
    assert "outside secret" not in box.search("secret")


def test_writes_only_inside_allowed_paths(repo: Path, tmp_path: Path) -> None:
    box = box_for(repo, allowed=["docs/**", "**/*.md"])
    assert box.write_file("docs/new/page.md", "# New\n").startswith("created docs/new/page.md")
    assert box.edit_file("docs/index.md", "# Docs", "# Documentation").startswith("edited")
    assert (repo / "docs/index.md").read_text() == "# Documentation\n"
    refused = box.write_file("src/app.py", "evil")
    assert refused.startswith(ERROR) and "outside this worker's allowed paths" in refused
    assert box.edit_file("src/app.py", "hi", "evil").startswith(ERROR)
    assert (repo / "src/app.py").read_text() == "print('hi')\n"
    assert box.write_file("../escape.md", "x").startswith(ERROR)
    assert box.write_file(str(tmp_path / "abs.md"), "x").startswith(ERROR)
    assert box.write_file(".git/hooks/pre-commit.md", "x").startswith(ERROR)
    assert not (tmp_path / "escape.md").exists() and not (tmp_path / "abs.md").exists()


def test_protected_paths_need_the_config_to_allow_them(repo: Path) -> None:
    refused = box_for(repo).write_file(".github/workflows/ci.yml", "on: pull_request_target\n")
    assert refused.startswith(ERROR) and "protected path" in refused
    allowed = box_for(repo, protected_ok=True).write_file(
        ".github/workflows/ci.yml", "on: [push]\n"
    )
    assert allowed.startswith("overwrote")


def test_task_allowed_paths_narrow_the_worker_paths(repo: Path) -> None:
    box = box_for(repo, allowed=["**"], narrowed=["docs/**"])
    assert box.write_file("docs/a.md", "a").startswith("created")
    assert "task's allowed paths" in box.write_file("src/b.py", "b")


def test_edit_needs_a_unique_exact_match(repo: Path) -> None:
    box = box_for(repo)
    (repo / "src/twice.py").write_text("x = 1\nx = 1\n")
    assert "occurs 2 times" in box.edit_file("src/twice.py", "x = 1", "x = 2")
    assert "not found" in box.edit_file("src/twice.py", "y = 1", "y = 2")
    assert box.edit_file("src/twice.py", "x = 1", "x = 2", replace_all=True).startswith("edited")
    assert (repo / "src/twice.py").read_text() == "x = 2\nx = 2\n"


@pytest.mark.parametrize(
    "command",
    [
        "echo hi; rm -rf /",
        "cat x | sh",
        "true && curl x",
        "echo `id`",
        "echo $(id)",
        "a > b",
        "echo ${HOME}",
        "a\nb",
    ],
)
def test_H04_shell_syntax_is_refused_not_interpreted(command: str) -> None:
    with pytest.raises(CommandRefused, match="is not allowed: commands run without a shell"):
        split_command(command)


def test_commands_must_be_on_the_allow_list(repo: Path) -> None:
    (repo / "check.py").write_text("import sys; print('args', sys.argv[1:])\n")
    box = box_for(repo, commands=["python check.py"])
    assert "args ['-v', 'src/app.py']" in box.run_command("python check.py -v src/app.py")
    for bad in (
        "python -c 'print(1)'",
        "env",
        "printenv",
        "cat /proc/self/environ",
        "python check.py /etc/passwd",
        "python check.py ../x",
        "python check.py --f=/x",
        "python check.py; id",
    ):
        answer = box.run_command(bad)
        assert answer.startswith(ERROR), bad
    assert len(box.runs) == 1


def test_H05_child_processes_do_not_see_secrets(repo: Path) -> None:
    env = {
        **os.environ,
        "ANTHROPIC_API_KEY": "sk-ant-" + CANARY,
        "GITHUB_TOKEN": "ghs_" + CANARY,
        "GH_TOKEN": CANARY + "-gh",
        "ACTIONS_RUNTIME_TOKEN": CANARY + "-rt",
        "ACTIONS_ID_TOKEN_REQUEST_URL": "http://127.0.0.1:1/oidc",
        "MY_SERVICE_PASSWORD": CANARY + "-pw",
        "DEPLOY_KEY": CANARY + "-key",
        "SOME_SECRET_VALUE": CANARY + "-secret",
        "HARMLESS": "visible-value",
    }
    (repo / "show_env.py").write_text(
        "import os\nfor k, v in sorted(os.environ.items()): print(k, v)\n"
    )
    box = box_for(repo, commands=["python show_env.py"], env=env, declared=["HARMLESS"])
    answer = box.run_command("python show_env.py")
    assert "HARMLESS visible-value" in answer
    assert CANARY not in answer
    for name in (
        "ANTHROPIC_API_KEY",
        "GITHUB_TOKEN",
        "GH_TOKEN",
        "ACTIONS_",
        "PASSWORD",
        "DEPLOY_KEY",
    ):
        assert name not in answer


def test_commands_time_out_and_output_is_cut(repo: Path) -> None:
    (repo / "slow.py").write_text("import time\nprint('start', flush=True)\ntime.sleep(30)\n")
    (repo / "loud.py").write_text("print('x' * 100000)\nprint('END')\n")
    box = box_for(repo, commands=["python slow.py", "python loud.py"])
    box.command_timeout = 0.5
    assert "(timed out after" in box.run_command("python slow.py")
    loud = box.run_command("python loud.py")
    assert "characters cut" in loud and loud.rstrip().endswith("END") and len(loud) < 9000


def test_no_time_left_means_no_command(repo: Path) -> None:
    box = box_for(repo, commands=["python x.py"], deadline=time.monotonic())
    assert "wall-clock budget" in box.run_command("python x.py")


def test_run_argv_never_uses_a_shell(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess

    seen: list[dict[str, object]] = []
    real = subprocess.Popen

    def spy(*args: object, **kwargs: object) -> object:
        seen.append({"args": args[0], "shell": kwargs.get("shell")})
        return real(*args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(subprocess, "Popen", spy)
    result = run_argv(
        [sys.executable, "-c", "print('$(id)')"],
        cwd=repo,
        env=child_env(os.environ),
        timeout=10,
        boundary=prepare(enabled=True, network=False, env=os.environ, workspace=repo),
    )
    assert result.output.strip() == "$(id)"
    assert seen and seen[0]["shell"] is False and isinstance(seen[0]["args"], list)
    assert Path(seen[0]["args"][0]).name == "bwrap"  # type: ignore[index]


def test_sequences_are_split_on_and_and() -> None:
    assert split_sequence("ruff check --fix . && ruff format .") == [
        ["ruff", "check", "--fix", "."],
        ["ruff", "format", "."],
    ]


def test_steps_of_an_and_and_allow_list_entry_are_each_allowed(repo: Path) -> None:
    (repo / "a.py").write_text("print('a')\n")
    box = box_for(repo, commands=["python a.py && python a.py -v"])
    assert "(exit code 0)" in box.run_command("python a.py")
    assert box.run_command("python a.py && python a.py").startswith(ERROR)
