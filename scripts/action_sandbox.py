"""Sandbox step of the agent-foreman action (``command: work``): make bubblewrap work here.

Runs with the runner's ``python3`` (stdlib only), before the work step:

1. bubblewrap installed? If not: ``apt-get install -y bubblewrap`` (through
   ``sudo -n`` when not root; GitHub-hosted runners have passwordless sudo).
2. Probe: ``bwrap`` with the exact namespace flags the worker uses, running ``true``.
3. If the probe fails on a kernel where AppArmor restricts unprivileged user
   namespaces (Ubuntu 24.04: ``kernel.apparmor_restrict_unprivileged_userns=1``),
   load an AppArmor profile that allows user namespaces for ``bwrap`` alone (the
   narrow fix Ubuntu documents), probe again; only if that does not help, the
   system-wide sysctl as the fallback.

It never fails the job: when the boundary cannot be had it says why (a warning
annotation) and the worker then refuses to run any command (verdict
``needs_human``), so the gate still gets a bundle that explains it.

Environment: FOREMAN_ACTION_PATH (the action's checkout), FOREMAN_BWRAP (an
explicit bwrap), FOREMAN_SANDBOX_NETWORK (probe without --unshare-net).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

PROFILE_PATH = Path("/etc/apparmor.d/agent-foreman-bwrap")
USERNS_SYSCTL = Path("/proc/sys/kernel/apparmor_restrict_unprivileged_userns")
Run = Callable[[Sequence[str]], int]


def profile_text(bwrap: str) -> str:
    """An AppArmor profile for ``bwrap`` alone: unconfined, plus the right to create user
    namespaces (the shape of Ubuntu's own ``bwrap-userns-restrict`` allowance)."""
    return (
        "abi <abi/4.0>,\n"
        "include <tunables/global>\n\n"
        f"profile agent-foreman-bwrap {bwrap} flags=(unconfined) {{\n"
        "  userns,\n"
        "  include if exists <local/agent-foreman-bwrap>\n"
        "}\n"
    )


def _run(argv: Sequence[str]) -> int:
    print("$ " + " ".join(argv), flush=True)
    try:
        return subprocess.run(list(argv), check=False, timeout=600).returncode
    except (OSError, subprocess.TimeoutExpired) as err:
        print(f"  failed: {err}", flush=True)
        return 1


def _privileged(argv: Sequence[str]) -> list[str]:
    if os.geteuid() == 0:
        return list(argv)
    return ["sudo", "-n", *argv]


def install(run: Run) -> bool:
    if shutil.which("apt-get") is None:
        return False
    env = ["env", "DEBIAN_FRONTEND=noninteractive"]
    if run(_privileged([*env, "apt-get", "install", "-y", "-qq", "bubblewrap"])) == 0:
        return True
    run(_privileged([*env, "apt-get", "update", "-qq"]))
    return run(_privileged([*env, "apt-get", "install", "-y", "-qq", "bubblewrap"])) == 0


def userns_restricted() -> bool:
    try:
        return USERNS_SYSCTL.read_text().strip() == "1"
    except OSError:
        return False


def allow_userns(bwrap: str, run: Run) -> bool:
    """Load the narrow AppArmor profile for bwrap; True when it was loaded."""
    if shutil.which("apparmor_parser") is None and not Path("/sbin/apparmor_parser").exists():
        return False
    text = profile_text(os.path.realpath(bwrap))
    staged = Path(os.environ.get("RUNNER_TEMP") or "/tmp") / "agent-foreman-bwrap.profile"
    staged.write_text(text)
    if run(_privileged(["install", "-m", "0644", str(staged), str(PROFILE_PATH)])) != 0:
        return False
    return run(_privileged(["apparmor_parser", "-r", str(PROFILE_PATH)])) == 0


def main(run: Run = _run) -> int:
    src = Path(os.environ.get("FOREMAN_ACTION_PATH") or Path(__file__).resolve().parent.parent)
    sys.path.insert(0, str(src / "src"))
    from foreman.workers import boundary

    network = os.environ.get("FOREMAN_SANDBOX_NETWORK", "").lower() in ("1", "true", "yes")
    bwrap, missing = boundary.find_bwrap(os.environ)
    if bwrap is None and not os.environ.get(boundary.BWRAP_SETTING):
        print(f"{missing}: installing it", flush=True)
        if install(run):
            bwrap, missing = boundary.find_bwrap(os.environ)
    if bwrap is None:
        return _unavailable(missing)
    flags, why = boundary.probe(bwrap, network)
    if not flags and userns_restricted():
        print("AppArmor restricts user namespaces: loading a profile for bwrap alone", flush=True)
        if allow_userns(bwrap, run):
            boundary.probe.cache_clear()
            flags, why = boundary.probe(bwrap, network)
        if not flags:
            print("the profile did not help: lifting the restriction (sysctl)", flush=True)
            sysctl = "kernel.apparmor_restrict_unprivileged_userns=0"
            if run(_privileged(["sysctl", "-w", sysctl])) == 0:
                boundary.probe.cache_clear()
                flags, why = boundary.probe(bwrap, network)
    if not flags:
        return _unavailable(why)
    print(f"process boundary ready: {bwrap} {' '.join(flags)}", flush=True)
    return 0


def _unavailable(why: str) -> int:
    message = (
        f"the process boundary cannot be set up on this runner: {why}. The worker will run no"
        " command (verdict needs_human)."
    )
    print(f"::warning title=agent-foreman sandbox::{message}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
