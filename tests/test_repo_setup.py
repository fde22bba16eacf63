"""The repository's setup before the worker (issue #27), through the action's real entry point.

``foreman setup`` (``scripts/action_run.py`` with command setup) runs ``setup.commands``
with the network, without any key or token; ``foreman work`` reads its outcome.
"""

from __future__ import annotations

import json
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import anthropic  # noqa: F401  (imported up front: its import time is not the worker's budget)
import pytest

from tests.fakes import anthropic_steps as steps
from tests.fakes.fake_anthropic import FakeAnthropic
from tests.support.repo_env import SETUP, env_repo, run_action_setup, with_setup
from tests.support.sandbox_attacks import (
    APPROVE,
    BRIEF,
    FIX,
    GITHUB_TOKEN,
    Job,
    assert_honest_fix,
    make_job,
    run_action_work,
)

TASK = {"id": "d1", "worker": "debug", "brief": BRIEF}
KEY = "sk-ant-api03-" + "S3tupMustN0tSeeTh1s" + "x" * 20


@pytest.fixture
def job(tmp_path: Path) -> Iterator[Job]:
    yield from make_job(tmp_path)


def _honest_script(fake: FakeAnthropic) -> None:
    fake.script(steps.tool_use(FIX), steps.text("Fixed add()."), APPROVE)


def test_setup_installs_what_the_tests_need_then_red_to_green(
    job: Job, fake_anthropic: FakeAnthropic
) -> None:
    env_repo(job.workspace, with_setup(SETUP))
    setup = run_action_setup(job, secrets={})
    assert setup.returncode == 0, setup.stdout + setup.stderr
    assert (job.workspace / "vendor/site/helperpkg/__init__.py").is_file()
    lines = (job.runner_temp / "foreman-setup.jsonl").read_text().splitlines()
    outcome = [json.loads(x) for x in lines]
    assert [(o["command"], o["status"]) for o in outcome] == [(SETUP, "ok")]

    _honest_script(fake_anthropic)
    proc = run_action_work(job, fake_anthropic, TASK)
    result = assert_honest_fix(job, proc)
    assert result.setup.startswith("setup ok: `python -m zipfile"), result.setup
    _, patch = job.result()
    assert "vendor/site" not in patch  # what setup installed is not the worker's change


def test_without_setup_the_debug_worker_says_the_environment_is_incomplete(
    job: Job, fake_anthropic: FakeAnthropic
) -> None:
    """Old code (8c8e01c): the ModuleNotFoundError was taken for the bug and the agent was
    asked to "fix" it (a misleading reproduction, model spend)."""
    env_repo(job.workspace)
    proc = run_action_work(job, fake_anthropic, TASK)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result, patch = job.result()
    assert result.verdict == "needs_human", result.reason
    assert "environment is incomplete" in result.reason and "`helperpkg`" in result.reason
    assert "setup" in result.reason
    assert fake_anthropic.count == 0 and patch == ""
    assert [t.before for t in result.tests] == ["fail"]


def test_an_import_of_the_repositorys_own_module_is_a_bug_to_fix(
    job: Job, fake_anthropic: FakeAnthropic
) -> None:
    """A missing module that the checkout holds is the code's fault: the worker goes on."""
    env_repo(
        job.workspace,
        extra={"run_tests.py": "import calc_helpers.missing\n", "calc_helpers/__init__.py": ""},
    )
    _honest_script(fake_anthropic)
    proc = run_action_work(job, fake_anthropic, TASK)
    assert proc.returncode == 0
    result, _ = job.result()
    assert "environment is incomplete" not in result.reason
    assert fake_anthropic.count >= 1


def test_a_failed_setup_gives_needs_human_with_the_command_and_its_output(
    job: Job, fake_anthropic: FakeAnthropic
) -> None:
    env_repo(
        job.workspace,
        with_setup("python vendor/install.py --strict"),
        extra={
            "vendor/install.py": "import sys\nprint('resolving helperpkg>=2 ...')\n"
            "print('ERROR: No matching distribution found for helperpkg>=2')\nsys.exit(3)\n"
        },
    )
    setup = run_action_setup(job, secrets={})
    assert setup.returncode == 0, setup.stderr  # the worker reports it
    assert (
        "No matching distribution" in setup.stdout + setup.stderr
    )  # the setup's log is in the job log

    proc = run_action_work(job, fake_anthropic, TASK)
    assert proc.returncode == 0, proc.stderr
    result, patch = job.result()
    assert result.verdict == "needs_human"
    assert "`python vendor/install.py --strict` failed (exit 3)" in result.reason
    assert "No matching distribution found for helperpkg>=2" in result.reason
    assert result.setup == "setup failed: `python vendor/install.py --strict` failed (exit 3)"
    assert fake_anthropic.count == 0 and patch == "" and result.tests == []


PROBE = """\
import json, os, pathlib, socket, sys
seen = {"env": dict(os.environ), "proc": []}
for p in pathlib.Path("/proc").iterdir():
    if p.name.isdigit():
        try:
            seen["proc"].append((p / "environ").read_bytes().decode("utf-8", "replace"))
        except OSError:
            pass
port = int(pathlib.Path("port.txt").read_text())
with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
    seen["network"] = s.recv(100).decode()
pathlib.Path("probe.json").write_text(json.dumps(seen))
"""


@pytest.fixture
def listener() -> Iterator[int]:
    """A loopback server that greets whoever connects (the network setup has)."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(30)

    def serve() -> None:
        try:
            conn, _ = server.accept()
            conn.sendall(b"hello from the network")
            conn.close()
        except OSError:
            pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    server.close()
    thread.join(5)


def test_setup_sees_no_key_and_no_token_but_has_the_network(job: Job, listener: int) -> None:
    """Every secret a work job holds is offered to the setup step; its commands find none."""
    env_repo(job.workspace, with_setup("python probe.py"), extra={"probe.py": PROBE})
    (job.workspace / "port.txt").write_text(str(listener))
    secrets = {
        "FOREMAN_ANTHROPIC_API_KEY": KEY,
        "ANTHROPIC_API_KEY": KEY,
        "FOREMAN_GITHUB_TOKEN": GITHUB_TOKEN,
        "GITHUB_TOKEN": GITHUB_TOKEN,
        "GH_TOKEN": GITHUB_TOKEN,
        "ACTIONS_RUNTIME_TOKEN": "actions-runtime-" + GITHUB_TOKEN[4:],
    }
    proc = run_action_setup(job, secrets=secrets)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    seen_text = (job.workspace / "probe.json").read_text()
    seen = json.loads(seen_text)
    assert seen["network"] == "hello from the network"
    log = [ln for ln in (proc.stdout + proc.stderr).splitlines() if "::add-mask::" not in ln]
    for secret in (KEY, GITHUB_TOKEN, GITHUB_TOKEN[4:]):
        assert secret not in seen_text
        assert not [ln for ln in log if secret in ln]
    assert not any(name.startswith(("ANTHROPIC", "GITHUB", "ACTIONS_")) for name in seen["env"])
    outcome = (job.runner_temp / "foreman-setup.jsonl").read_text()
    assert '"status": "ok"' in outcome


SETUP_TAMPER = """\
import pathlib
target = pathlib.Path(".agent-foreman/src/foreman/workers/limits.py")
try:
    with target.open("a") as fh:
        fh.write("\\nimport os, pathlib\\n"
                 "pathlib.Path(os.environ['GITHUB_WORKSPACE'], 'LEAK').write_text("
                 "os.environ.get('ANTHROPIC_API_KEY', 'none'))\\n")
    print("rewrote the action's code")
except OSError as err:
    print("could not:", err)
"""


def test_setup_cannot_rewrite_the_action_code_that_later_holds_the_key(
    job: Job, fake_anthropic: FakeAnthropic
) -> None:
    """The workflow checks agent-foreman out inside the workspace (./.agent-foreman), and the
    setup step runs before the work step. Attack (without the boundary hiding the action's
    checkout): a setup command (the task's own code, say its build script) appends to a module
    of the action; the work step then imports it, with the API key in its environment."""
    env_repo(job.workspace, with_setup(SETUP, "python tamper.py"), {"tamper.py": SETUP_TAMPER})
    action = job.workspace / ".agent-foreman"
    shutil.copytree(Path(__file__).resolve().parents[1] / "src", action / "src",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    shutil.copytree(Path(__file__).resolve().parents[1] / "scripts", action / "scripts",
                    ignore=shutil.ignore_patterns("node_modules", "actionlint"))  # fmt: skip
    with (job.workspace / ".git/info/exclude").open("a") as fh:
        fh.write("/.agent-foreman/\n")
    before = (action / "src/foreman/workers/limits.py").read_text()
    env = {"FOREMAN_ACTION_PATH": str(action)}

    setup = run_action_setup(job, secrets={}, extra_env=env)
    assert setup.returncode == 0, setup.stderr
    _honest_script(fake_anthropic)
    proc = run_action_work(job, fake_anthropic, TASK, extra_env=env)

    assert not (job.workspace / "LEAK").exists(), "the key reached code a setup command planted"
    assert "could not:" in setup.stdout + setup.stderr
    assert (action / "src/foreman/workers/limits.py").read_text() == before
    assert_honest_fix(job, proc)
