"""Install step of the agent-foreman action: a dependency venv from ``uv.lock``.

Runs with whatever ``python3`` the runner has (stdlib only). The venv holds the
locked runtime dependencies and nothing else (``uv sync --frozen --no-dev
--no-install-project``); the foreman code itself runs from the action's own
checkout (see ``action_run.py``). So nothing is resolved at run time, and the
venv depends only on the lock: it is cached under the runner's tool cache,
keyed on a hash of ``uv.lock``, ``pyproject.toml``, the Python request and the
platform. A warm run checks a marker file and is done.

uv: the one on PATH if any, else ``pip install --target`` of a pinned version
(cached next to the venvs). Parallel jobs on one machine (a self-hosted runner,
or act running a matrix) take a file lock, so one builds and the rest reuse.

Environment (set by action.yml):
  FOREMAN_ACTION_PATH    the action's checkout (default: this file's repository)
  INPUT_PYTHON_VERSION   uv's --python request; empty = what requires-python allows
  INPUT_UV_VERSION       uv version to pip-install when uv is not on PATH
  FOREMAN_TOOL_CACHE     cache root (default: RUNNER_TOOL_CACHE, RUNNER_TEMP, /tmp)
Writes step outputs ``python``, ``venv`` and ``cache-hit``.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_UV_VERSION = "0.13.9"
MARKER = ".foreman-venv-ok"
KEY_FILES = ("uv.lock", "pyproject.toml")


def log(message: str) -> None:
    print(message, flush=True)


def fail(message: str) -> None:
    print(f"::error title=agent-foreman install::{message}", flush=True)
    raise SystemExit(1)


def cache_root(env: dict[str, str]) -> Path:
    for name in ("FOREMAN_TOOL_CACHE", "RUNNER_TOOL_CACHE", "RUNNER_TEMP"):
        if env.get(name):
            return Path(env[name]) / "agent-foreman"
    return Path(tempfile.gettempdir()) / "agent-foreman"


def venv_key(action_path: Path, python_request: str) -> str:
    digest = hashlib.sha256()
    for name in KEY_FILES:
        digest.update(name.encode() + b"\0")
        digest.update((action_path / name).read_bytes())
    tag = f"{python_request}|{sys.platform}|{platform.machine()}"
    digest.update(tag.encode())
    return digest.hexdigest()[:20]


def venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def is_ready(venv: Path) -> bool:
    if not (venv / MARKER).is_file():
        return False
    probe = subprocess.run(
        [str(venv_python(venv)), "-I", "-S", "-c", ""],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


def find_uv(root: Path, version: str) -> str:
    # uv on PATH, or the uv that started us (``uv run`` sets UV to its own path).
    on_path = shutil.which("uv") or os.environ.get("UV", "")
    if on_path and Path(on_path).is_file():
        return on_path
    target = root / f"uv-{version}"
    uv = target / "bin" / "uv"
    if uv.is_file():
        return str(uv)
    log(f"uv is not on PATH: pip-installing uv=={version}")
    staging = Path(tempfile.mkdtemp(prefix="uv-", dir=root))
    cmd = [
        sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
        "--no-input", "--no-deps", "--target", str(staging), f"uv=={version}",
    ]  # fmt: skip
    if subprocess.run(cmd, check=False).returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        fail(f"could not install uv=={version} with pip; put uv on PATH or fix pip")
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return str(uv)


def build(venv: Path, action_path: Path, uv: str, python_request: str) -> None:
    shutil.rmtree(venv, ignore_errors=True)
    cmd = [
        uv, "sync", "--frozen", "--no-dev", "--no-install-project", "--no-config",
        "--project", str(action_path),
    ]  # fmt: skip
    if python_request:
        cmd += ["--python", python_request]
    env = dict(os.environ, UV_PROJECT_ENVIRONMENT=str(venv), UV_NO_PROGRESS="1")
    env.pop("VIRTUAL_ENV", None)
    log("$ " + " ".join(cmd))
    if subprocess.run(cmd, cwd=action_path, env=env, check=False).returncode != 0:
        shutil.rmtree(venv, ignore_errors=True)
        fail("uv sync failed: see the log above")
    (venv / MARKER).write_text(f"built {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}\n")


def set_outputs(env: dict[str, str], **values: str) -> None:
    lines = "".join(f"{k}={v}\n" for k, v in values.items())
    path = env.get("GITHUB_OUTPUT")
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(lines)
    else:
        sys.stdout.write(lines)


def main() -> int:
    env = dict(os.environ)
    started = time.monotonic()
    action_path = Path(env.get("FOREMAN_ACTION_PATH") or Path(__file__).resolve().parent.parent)
    python_request = env.get("INPUT_PYTHON_VERSION", "").strip()
    uv_version = env.get("INPUT_UV_VERSION", "").strip() or DEFAULT_UV_VERSION
    for name in KEY_FILES:
        if not (action_path / name).is_file():
            fail(f"{name} not found in the action's path {action_path}")
    root = cache_root(env)
    root.mkdir(parents=True, exist_ok=True)
    key = venv_key(action_path, python_request)
    venv = root / f"venv-{key}"
    with open(root / f"venv-{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        hit = is_ready(venv)
        if not hit:
            build(venv, action_path, find_uv(root, uv_version), python_request)
    elapsed = time.monotonic() - started
    log(f"agent-foreman venv {'reused' if hit else 'built'}: {venv} ({elapsed:.2f} s)")
    set_outputs(
        env, python=str(venv_python(venv)), venv=str(venv), **{"cache-hit": str(hit).lower()}
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
