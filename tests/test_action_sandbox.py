"""scripts/action_sandbox.py: the action's set-up step for the process boundary (S07)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "scripts"


@pytest.fixture
def script(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.syspath_prepend(str(SCRIPTS))
    import action_sandbox

    return action_sandbox


def test_on_this_machine_the_boundary_is_ready() -> None:
    proc = subprocess.run(
        [sys.executable, "-I", str(SCRIPTS / "action_sandbox.py")],
        capture_output=True, text=True, check=False, timeout=120,
        env={"PATH": "/usr/bin:/bin", "FOREMAN_ACTION_PATH": str(ROOT)},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "process boundary ready" in proc.stdout and "--unshare-net" in proc.stdout


def test_a_bwrap_setting_that_does_not_exist_is_a_warning_not_a_failure() -> None:
    proc = subprocess.run(
        [sys.executable, "-I", str(SCRIPTS / "action_sandbox.py")],
        capture_output=True, text=True, check=False, timeout=120,
        env={"PATH": "/usr/bin:/bin", "FOREMAN_ACTION_PATH": str(ROOT),
             "FOREMAN_BWRAP": "/nonexistent/bwrap"},
    )  # fmt: skip
    assert proc.returncode == 0
    assert "::warning title=agent-foreman sandbox::" in proc.stdout
    assert "FOREMAN_BWRAP=/nonexistent/bwrap" in proc.stdout


class Runner:
    """Records the privileged commands the script would run; answers like a 24.04 runner."""

    def __init__(self, profile_helps: bool) -> None:
        self.calls: list[list[str]] = []
        self.profile_helps = profile_helps

    def __call__(self, argv: Sequence[str]) -> int:
        self.calls.append(list(argv))
        return 0

    def ran(self, word: str) -> bool:
        return any(word in c for c in self.calls)


def _ubuntu_2404(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, script: Any, runner: Runner
) -> None:
    from foreman.workers import boundary

    installed: list[str] = []
    sysctl = tmp_path / "restrict"
    sysctl.write_text("1\n")
    monkeypatch.setattr(script, "USERNS_SYSCTL", sysctl)
    monkeypatch.setattr(script.os, "geteuid", lambda: 1001)
    monkeypatch.setenv("RUNNER_TEMP", str(tmp_path))
    monkeypatch.delenv("FOREMAN_BWRAP", raising=False)
    real_which = script.shutil.which
    monkeypatch.setattr(
        script.shutil,
        "which",
        lambda n, *a, **k: (
            f"/usr/sbin/{n}" if n in ("apt-get", "apparmor_parser") else real_which(n, *a, **k)
        ),
    )

    def find(env: Any) -> tuple[str | None, str]:
        return ("/usr/bin/bwrap", "") if installed or runner.ran("bubblewrap") else (
            None, "bubblewrap (bwrap) is not installed: it is not on PATH")  # fmt: skip

    def probe(bwrap: str, network: bool) -> tuple[tuple[str, ...], str]:
        if (runner.ran("apparmor_parser") and runner.profile_helps) or runner.ran("sysctl"):
            return ("--unshare-user",), ""
        return (), "bwrap: setting up uid map: Permission denied"

    probe.cache_clear = lambda: None  # type: ignore[attr-defined]
    monkeypatch.setattr(boundary, "find_bwrap", find)
    monkeypatch.setattr(boundary, "probe", probe)


def test_on_ubuntu_2404_it_installs_bwrap_and_loads_a_profile_for_bwrap_alone(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, script: Any, capsys: Any
) -> None:
    runner = Runner(profile_helps=True)
    _ubuntu_2404(monkeypatch, tmp_path, script, runner)
    assert script.main(runner) == 0
    assert ["sudo", "-n", "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y",
            "-qq", "bubblewrap"] in runner.calls  # fmt: skip
    assert ["sudo", "-n", "apparmor_parser", "-r", str(script.PROFILE_PATH)] in runner.calls
    assert not runner.ran("sysctl")  # the narrow fix was enough
    profile = (tmp_path / "agent-foreman-bwrap.profile").read_text()
    assert "profile agent-foreman-bwrap /usr/bin/bwrap flags=(unconfined)" in profile
    assert "  userns,\n" in profile
    assert "process boundary ready" in capsys.readouterr().out


def test_the_sysctl_is_only_the_fallback_when_the_profile_does_not_help(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, script: Any, capsys: Any
) -> None:
    runner = Runner(profile_helps=False)
    _ubuntu_2404(monkeypatch, tmp_path, script, runner)
    assert script.main(runner) == 0
    calls = runner.calls
    parser = next(i for i, c in enumerate(calls) if "apparmor_parser" in c)
    sysctl = next(i for i, c in enumerate(calls) if "sysctl" in c)
    assert parser < sysctl
    assert "kernel.apparmor_restrict_unprivileged_userns=0" in calls[sysctl]
    assert "process boundary ready" in capsys.readouterr().out
