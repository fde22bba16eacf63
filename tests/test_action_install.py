"""S12: the action's environment an earlier job left on the machine is never trusted.

The install step (scripts/action_install.py, as action.yml runs it) builds a new
venv under this job's RUNNER_TEMP, copying files out of uv's cache, and checks
every installed file against its wheel's RECORD. Offline: uv's cache must hold
the locked wheels (``uv sync --frozen`` once), as for the act tests.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scripts import action_install
from tests.fakes.github.server import FakeGitHub
from tests.support.act.harness import copy_action, uv_environment

ROOT = Path(__file__).resolve().parents[1]
DISPATCH = ROOT / "workflows-examples" / "events" / "dispatch.json"
CONFIG = (
    "routing:\n  classifier: {enabled: false}\n  rules:\n"
    "    - {if: {labels_any: [crash]}, worker: debug}\n"
)


@pytest.fixture(scope="module")
def action(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_action(tmp_path_factory.mktemp("s12") / "action")


def install(
    action: Path, runner_temp: Path, tool_cache: Path, provider: str = ""
) -> tuple[int, str, dict[str, str]]:
    """The install step of one job, with the environment a runner gives it."""
    runner_temp.mkdir(parents=True, exist_ok=True)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GITHUB_", "RUNNER_", "INPUT_", "FOREMAN_", "UV_"))
    }
    env.pop("VIRTUAL_ENV", None)
    env.update(uv_environment())
    env.pop("UV_LINK_MODE")  # the action's own default
    env.update(
        FOREMAN_ACTION_PATH=str(action),
        RUNNER_TEMP=str(runner_temp),
        RUNNER_TOOL_CACHE=str(tool_cache),
        GITHUB_OUTPUT=str(runner_temp / "out"),
        INPUT_LLM_PROVIDER=provider,
    )
    done = subprocess.run(
        [sys.executable, str(action / "scripts" / "action_install.py")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    out = runner_temp / "out"
    lines = out.read_text().splitlines() if out.is_file() else []
    outputs = dict(line.split("=", 1) for line in lines)
    return done.returncode, done.stdout + done.stderr, outputs


def poison(where: Path, marker: Path) -> list[Path]:
    """What a job on a shared runner could do: make ``import github`` run its code.

    The file is replaced (a new inode), so a venv hardlinked into this machine's
    real uv cache does not carry the change into that cache.
    """
    hit = []
    for init in where.rglob("site-packages/github/__init__.py"):
        text = init.read_text(encoding="utf-8")
        fresh = init.with_suffix(".new")
        fresh.write_text(f"open({str(marker)!r}, 'w').write('ran')\n" + text, encoding="utf-8")
        os.replace(fresh, init)
        hit.append(init)
    return hit


def plan_dispatch(python: str, action: Path, job: Path, github: FakeGitHub, number: int) -> str:
    """``foreman plan`` of a dispatch (reads the issue through PyGithub), as action.yml runs it."""
    (job / "ws" / ".github").mkdir(parents=True, exist_ok=True)
    (job / "ws" / ".github" / "foreman.yml").write_text(CONFIG)
    event = json.loads(DISPATCH.read_text())
    event["inputs"]["number"] = str(number)
    (job / "event.json").write_text(json.dumps(event))
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(job),
        "RUNNER_TEMP": str(job),
        "FOREMAN_ACTION_PATH": str(action),
        "INPUT_COMMAND": "plan",
        "FOREMAN_GITHUB_TOKEN": github.read_token,
        "GITHUB_API_URL": github.url,
        "FOREMAN_GITHUB_THROTTLE": "0",
        "GITHUB_EVENT_NAME": "workflow_dispatch",
        "GITHUB_EVENT_PATH": str(job / "event.json"),
        "GITHUB_REPOSITORY": "octo/demo",
        "GITHUB_OUTPUT": str(job / "plan-out"),
        "GITHUB_STEP_SUMMARY": str(job / "summary"),
    }
    done = subprocess.run(
        [python, "-I", str(action / "scripts" / "action_run.py")],
        cwd=job / "ws",
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return (job / "plan-out").read_text(encoding="utf-8")


def test_S12_a_venv_an_earlier_job_modified_never_runs(
    action: Path, tmp_path: Path, fake_github: FakeGitHub
) -> None:
    marker = tmp_path / "poison-ran"
    tool_cache = tmp_path / "tool-cache"  # shared by every job on this machine
    code, log, first = install(action, tmp_path / "job-1", tool_cache)
    assert code == 0, log
    # The earlier job (or code it ran) changes what it was given, wherever that is.
    poisoned = poison(tmp_path, marker)
    assert poisoned, "the first job's venv has no github package"

    code, log, second = install(action, tmp_path / "job-2", tool_cache)
    assert code == 0, log
    number = fake_github.add_issue(
        "octo/demo",
        "Crash on save",
        "it crashes",
        user="octo",
        labels=["crash"],
        author_association="OWNER",
    )
    outputs = plan_dispatch(second["python"], action, tmp_path / "job-2", fake_github, number)
    assert not marker.exists(), "a file an earlier job changed ran in this job"
    assert Path(second["python"]).is_relative_to(tmp_path / "job-2"), second
    assert second["venv"] != first.get("venv")
    # Honest: the command did its work (the issue read through PyGithub, one debug task).
    assert '"worker":"debug"' in outputs and fake_github.count() >= 1


def test_S12_a_file_that_differs_from_its_wheel_is_refused(action: Path, tmp_path: Path) -> None:
    """The check the install step runs on the venv it built (a cache changed in place)."""
    code, log, out = install(action, tmp_path / "job", tmp_path / "tool-cache")
    assert code == 0, log
    copied = action / "scripts" / "action_install.py"
    assert copied.read_bytes() == Path(action_install.__file__).read_bytes()  # the same check
    venv = Path(out["venv"])
    assert action_install.verify(venv) > 1000  # honest: a clean venv passes
    poison(venv, tmp_path / "never")
    site = next(venv.glob("lib/python*/site-packages"))
    (site / "zz_extra.pth").write_text("import os\n")
    with pytest.raises(SystemExit):
        action_install.verify(venv)
