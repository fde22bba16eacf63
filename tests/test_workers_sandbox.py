"""The process boundary's details: what is hidden, read-only, passed in, and killed."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from foreman.config import parse_config
from foreman.errors import ConfigError
from foreman.workers.boundary import prepare
from foreman.workers.sandbox import child_env, run_argv
from tests.support.sample_repos import calc_repo, config_of


@pytest.fixture
def outside() -> Iterator[Path]:
    """A directory outside /tmp (which is private inside the sandbox anyway)."""
    path = Path(tempfile.mkdtemp(prefix="foreman-hidden-", dir="/var/tmp"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _run(repo: Path, code: str, *, timeout: float = 20, **kw: object) -> str:
    boundary = prepare(enabled=True, network=False, env=os.environ, workspace=repo, **kw)  # type: ignore[arg-type]
    assert boundary.mode == "bwrap", boundary.detail
    result = run_argv(
        [sys.executable, "-c", code],
        cwd=repo,
        env=child_env(os.environ),
        timeout=timeout,
        boundary=boundary,
    )
    return result.describe()


def test_hidden_dirs_git_and_the_out_dir_inside_the_workspace(
    tmp_path: Path, outside: Path
) -> None:
    repo = calc_repo(tmp_path / "repo")
    (outside / "secret.txt").write_text("s3cret")
    out = repo / "bundle-out"
    out.mkdir()
    (out / "result.json").write_text("{}")
    code = (
        "import os, pathlib\n"
        f"print('hidden', os.listdir({str(outside)!r}))\n"
        f"print('out', os.listdir({str(out)!r}))\n"
        "print('config', repr(pathlib.Path('.git/config').read_text()))\n"
        "try:\n    open('.git/HEAD', 'a').write('x')\nexcept OSError as e:\n"
        "    print('git', type(e).__name__)\n"
        "open('calc.py', 'a').write('# edited\\n')\n"
        "print('home', os.environ['HOME'], os.listdir(os.environ['HOME']))\n"
    )
    shown = _run(repo, code, hide=[outside, out])
    assert "hidden []" in shown and "out []" in shown, shown
    assert "config ''" in shown and "git OSError" in shown
    assert "home /tmp/home []" in shown
    assert (repo / "calc.py").read_text().endswith("# edited\n")  # the workspace is writable
    assert (out / "result.json").read_text() == "{}"  # untouched, and was never visible


def test_a_timeout_kills_the_whole_tree_even_a_setsid_grandchild(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path / "repo")
    code = (
        "import os, time\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    if os.fork() == 0:\n"
        "        time.sleep(2)\n"
        "        open('late', 'w').write('alive')\n"
        "    os._exit(0)\n"
        "time.sleep(60)\n"
    )
    shown = _run(repo, code, timeout=1)
    assert "timed out" in shown
    time.sleep(2.5)
    assert not (repo / "late").exists()


def test_a_clean_return_reports_no_leftovers_and_keeps_the_exit_code(tmp_path: Path) -> None:
    repo = calc_repo(tmp_path / "repo")
    shown = _run(repo, "import sys; print('hi'); sys.exit(3)")
    assert "(exit code 3)" in shown and "hi" in shown and "left behind" not in shown


def test_declared_variables_pass_and_job_variables_never_do() -> None:
    env = {
        "PATH": "/usr/bin",
        "LC_ALL": "C.UTF-8",
        "DATABASE_URL": "sqlite://",
        "GITHUB_ENV": "/x/set_env",
        "GITHUB_OUTPUT": "/x/out",
        "RUNNER_TEMP": "/x",
        "ACTIONS_RUNTIME_TOKEN": "t",
        "HOME": "/home/runner",
        "SOME_API_KEY": "k",
    }
    child = child_env(env, ["DATABASE_URL", "SOME_API_KEY"])
    assert child["DATABASE_URL"] == "sqlite://" and child["LC_ALL"] == "C.UTF-8"
    assert child["HOME"] == "/tmp/home" and child["TMPDIR"] == "/tmp"
    for name in ("GITHUB_ENV", "GITHUB_OUTPUT", "RUNNER_TEMP", "ACTIONS_RUNTIME_TOKEN"):
        assert name not in child
    assert "SOME_API_KEY" not in child  # even if declared: the config refuses it anyway


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("NPM_TOKEN", "looks like a secret"),
        ("AWS_SECRET_ACCESS_KEY", "looks like a secret"),
        ("GITHUB_ENV", "belongs to the runner"),
        ("RUNNER_TEMP", "belongs to the runner"),
        ("HOME", "set by the sandbox"),
        ("1BAD", "not an environment variable name"),
    ],
)
def test_config_refuses_secret_or_runner_variable_names(name: str, why: str) -> None:
    text = f"version: 1\nworkers:\n  debug:\n    env: [{name}]\n"
    with pytest.raises(ConfigError) as err:
        parse_config(text, ".github/foreman.yml")
    [(where, message)] = err.value.problems
    assert where.line == 4 and where.key is not None and where.key.startswith("workers.debug.env")
    assert why in message and name in message
    assert config_of("version: 1\nworkers:\n  debug:\n    env: [DATABASE_URL]\n")


def test_a_path_entry_above_a_hidden_dir_does_not_show_it_again(
    tmp_path: Path, outside: Path
) -> None:
    home = outside / "home"
    temp = home / "work" / "_temp"
    temp.mkdir(parents=True)
    (temp / "token").write_text("s3cret")
    (home / "work" / "bin").mkdir()
    env = {
        **os.environ,
        "HOME": str(home),
        "RUNNER_TEMP": str(temp),
        "PATH": f"{home / 'work'}:{home / 'work' / 'bin'}:{os.environ['PATH']}",
    }
    repo = calc_repo(tmp_path / "repo")
    boundary = prepare(enabled=True, network=False, env=env, workspace=repo)
    assert str(home / "work") not in boundary.shown
    code = f"import os\nprint('seen', os.path.exists({str(temp / 'token')!r}))\n"
    result = run_argv(
        [sys.executable, "-c", code], cwd=repo, env=child_env(env), timeout=20, boundary=boundary
    )
    assert "seen False" in result.output, result.output


def test_as_root_without_user_namespaces_the_rest_of_the_boundary_still_holds(
    tmp_path: Path,
) -> None:
    real = shutil.which("bwrap")
    assert real and os.geteuid() == 0  # CI runs as root with bubblewrap installed
    fake = tmp_path / "bwrap"
    fake.write_text(
        "#!/bin/sh\n"
        'for a in "$@"; do [ "$a" = --unshare-user ] && { echo "bwrap: No permission" >&2;'
        " exit 1; }; done\n"
        f'exec {real} "$@"\n'
    )
    fake.chmod(0o755)
    repo = calc_repo(tmp_path / "repo")
    env = {**os.environ, "FOREMAN_BWRAP": str(fake)}
    boundary = prepare(enabled=True, network=False, env=env, workspace=repo)
    assert boundary.mode == "bwrap" and "--unshare-user" not in boundary.flags
    assert "--unshare-net" in boundary.flags and "--unshare-pid" in boundary.flags
    code = "import os; print(sorted(os.listdir('/proc'))[:3], open('/proc/1/comm').read())"
    result = run_argv(
        [sys.executable, "-c", code], cwd=repo, env=child_env(env), timeout=20, boundary=boundary
    )
    assert result.ok and "bwrap" in result.output, result.output  # its own PID 1
