"""Install step of the agent-foreman action: a dependency venv from ``uv.lock``, per job.

Runs with whatever ``python3`` the runner has (stdlib only). The venv holds the
locked runtime dependencies and nothing else (``uv sync --frozen --no-dev
--no-install-project``); the foreman code itself runs from the action's own
checkout (see ``action_run.py``). So nothing is resolved at run time.

No environment is shared between jobs (S12): every run builds a new venv in a
fresh directory under ``RUNNER_TEMP`` and never reuses one an earlier job left
(on a shared machine that job, or code it ran, may have changed it). uv copies
the files out of its download cache (``--link-mode copy``, unless the runner's
environment sets ``UV_LINK_MODE``): with hardlinks, a change to a file in one
venv was a change to the cache, and so to every venv built from it. Before the
venv is used, every file under site-packages is checked against the sha256 its
wheel's ``RECORD`` gives and files no wheel installed are refused, so a cache
modified in place is caught, not run.

uv: the one on PATH (or ``$UV``) if any, else ``pip install --target`` of a
pinned version into this run's own directory.

Environment (set by action.yml):
  FOREMAN_ACTION_PATH    the action's checkout (default: this file's repository)
  INPUT_PYTHON_VERSION   uv's --python request; empty = what requires-python allows
  INPUT_UV_VERSION       uv version to pip-install when uv is not on PATH
  INPUT_LLM_PROVIDER     llm.provider the config sets: bedrock and vertex add the SDK
                         extra they need (agent-foreman[bedrock] / [vertex]); empty,
                         anthropic or foundry: none
  RUNNER_TEMP            where the venv goes (default: the system's temp directory)
Writes step outputs ``python`` and ``venv``.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_UV_VERSION = "0.13.9"
KEY_FILES = ("uv.lock", "pyproject.toml")


def log(message: str) -> None:
    print(message, flush=True)


def fail(message: str) -> None:
    print(f"::error title=agent-foreman install::{message}", flush=True)
    raise SystemExit(1)


def work_root(env: dict[str, str]) -> Path:
    """This job's own scratch space: RUNNER_TEMP (emptied by the runner after each job)."""
    return Path(env.get("RUNNER_TEMP") or tempfile.gettempdir())


def venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def find_uv(root: Path, version: str) -> str:
    # uv on PATH, or the uv that started us (``uv run`` sets UV to its own path).
    on_path = shutil.which("uv") or os.environ.get("UV", "")
    if on_path and Path(on_path).is_file():
        return on_path
    log(f"uv is not on PATH: pip-installing uv=={version}")
    target = Path(tempfile.mkdtemp(prefix="agent-foreman-uv-", dir=root))
    cmd = [
        sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
        "--no-input", "--no-deps", "--target", str(target), f"uv=={version}",
    ]  # fmt: skip
    if subprocess.run(cmd, check=False).returncode != 0:
        fail(f"could not install uv=={version} with pip; put uv on PATH or fix pip")
    return str(target / "bin" / "uv")


# llm.provider -> the optional dependency group (pyproject.toml) its SDK client needs
EXTRAS = {"": None, "anthropic": None, "foundry": None, "bedrock": "bedrock", "vertex": "vertex"}


def extra_for(provider: str) -> str | None:
    """The extra to install for ``provider``; fails naming the allowed values otherwise."""
    if provider not in EXTRAS:
        allowed = ", ".join(sorted(p for p in EXTRAS if p))
        fail(f"llm-provider: '{provider[:40]}' is not one of {allowed}")
    return EXTRAS[provider]


def build(
    venv: Path, action_path: Path, uv: str, python_request: str, extra: str | None = None
) -> None:
    cmd = [
        uv, "sync", "--frozen", "--no-dev", "--no-install-project", "--no-config",
        "--link-mode", "copy", "--project", str(action_path),
    ]  # fmt: skip
    if extra:
        cmd += ["--extra", extra]
    if python_request:
        cmd += ["--python", python_request]
    env = dict(os.environ, UV_PROJECT_ENVIRONMENT=str(venv), UV_NO_PROGRESS="1")
    env.pop("VIRTUAL_ENV", None)
    # The runner's owner may set UV_LINK_MODE (hardlink is faster on an ephemeral runner).
    if env.get("UV_LINK_MODE"):
        cmd[cmd.index("--link-mode") + 1] = env["UV_LINK_MODE"]
    log("$ " + " ".join(cmd))
    if subprocess.run(cmd, cwd=action_path, env=env, check=False).returncode != 0:
        fail("uv sync failed: see the log above")


def _record_digest(spec: str) -> str | None:
    algo, _, value = spec.partition("=")
    return value if algo == "sha256" and value else None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256(path.read_bytes()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def verify(venv: Path) -> int:
    """Every installed file matches its wheel's RECORD; no file under site-packages lacks one.

    Returns the number of files checked; fails naming the first problems found.
    """
    found = sorted(venv.glob("lib/python*/site-packages"))
    if len(found) != 1:
        fail(f"the new venv {venv} has no single site-packages directory")
    site = found[0]
    listed: set[Path] = set()
    bad: list[str] = []
    for record in sorted(site.glob("*.dist-info/RECORD")):
        rows = csv.reader(record.read_text(encoding="utf-8").splitlines())
        for row in rows:
            if not row:
                continue
            path = Path(os.path.normpath(site / row[0]))
            listed.add(path)
            expected = _record_digest(row[1]) if len(row) > 1 else None
            if expected is None:
                continue  # RECORD itself, files the installer wrote (INSTALLER, ...)
            if not path.is_file() or _sha256(path) != expected:
                bad.append(f"{path.relative_to(venv)} differs from {record.parent.name}/RECORD")
    for path in site.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts and path not in listed:
            bad.append(f"{path.relative_to(venv)} was installed by no wheel")
    if bad:
        shown = "; ".join(bad[:5]) + (f"; and {len(bad) - 5} more" if len(bad) > 5 else "")
        fail(
            f"the dependency venv does not match the wheels it was built from ({shown}). "
            "uv's cache on this machine was modified: remove it (uv cache clean) and run the "
            "job on an ephemeral runner"
        )
    return len(listed)


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
    extra = extra_for(env.get("INPUT_LLM_PROVIDER", "").strip().lower())
    for name in KEY_FILES:
        if not (action_path / name).is_file():
            fail(f"{name} not found in the action's path {action_path}")
    root = work_root(env)
    root.mkdir(parents=True, exist_ok=True)
    # A new directory every time: never a venv an earlier job (or step) could have changed.
    venv = Path(tempfile.mkdtemp(prefix="agent-foreman-venv-", dir=root)) / "venv"
    build(venv, action_path, find_uv(root, uv_version), python_request, extra)
    built = time.monotonic() - started
    checked = verify(venv)
    elapsed = time.monotonic() - started
    log(
        f"agent-foreman venv built: {venv} ({built:.2f} s; {checked} files checked against"
        f" their wheels' RECORD in {elapsed - built:.2f} s)"
    )
    set_outputs(env, python=str(venv_python(venv)), venv=str(venv))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
