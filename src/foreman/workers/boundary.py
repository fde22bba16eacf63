"""The process boundary around every command a worker runs: bubblewrap (``bwrap``).

Inside: the host filesystem read-only, the workspace read-write (its ``.git``
read-only, ``.git/config`` empty), a private ``/tmp`` and ``HOME``, a fresh
``/dev`` and ``/proc``; new user, PID, IPC, UTS (and cgroup) namespaces and,
unless the worker declares ``network: true``, a new network namespace (no
network at all, loopback included). Directories that hold secrets or files the
job reads back later are covered by an empty tmpfs: the runner's temp dir and
the directories of ``$GITHUB_ENV`` and friends, the real ``HOME``, ``/run``,
the bundle's output dir. The sandbox dies with its parent, runs in a new
session (no terminal injection) and, being PID 1's children, every process of
a command dies when the command returns.

Stdlib only: ``scripts/action_sandbox.py`` imports it with the runner's python3.
"""

from __future__ import annotations

import atexit
import functools
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Mode = Literal["bwrap", "off", "unavailable"]
BWRAP_SETTING = "FOREMAN_BWRAP"  # an explicit bwrap binary (tests, unusual installs)
TMP = "/tmp"  # noqa: S108 (the sandbox's own, private tmpfs)
SANDBOX_HOME = TMP + "/home"
NAMESPACES = ("--unshare-user", "--unshare-ipc", "--unshare-pid", "--unshare-uts")
NAMESPACES_TRY = ("--unshare-cgroup-try",)
SESSION = ("--die-with-parent", "--new-session", "--cap-drop", "ALL")
# Job files a later step reads back, and the runner's own: their directories are hidden.
JOB_FILES = (
    "GITHUB_ENV",
    "GITHUB_OUTPUT",
    "GITHUB_PATH",
    "GITHUB_STATE",
    "GITHUB_STEP_SUMMARY",
    "GITHUB_EVENT_PATH",
)
JOB_DIRS = ("RUNNER_TEMP", "HOME")
# Where GitHub-hosted and most self-hosted runners keep their credentials, logs and temp files.
RUNNER_DIRS = ("/home/runner/runners", "/home/runner/work/_temp", "/actions-runner", "/run")
# Never covered with a tmpfs, whatever a variable says: the system itself.
_SYSTEM = frozenset(
    {"/", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/etc", "/opt", "/var", "/home",
     "/proc", "/dev", "/sys", "/srv", "/mnt", "/media", "/boot", TMP}
)  # fmt: skip
_VERSION = re.compile(r"(\d+)\.(\d+)")


@dataclass(frozen=True)
class Boundary:
    """How commands run: ``bwrap`` (contained), ``off`` (opted out), ``unavailable`` (never)."""

    mode: Mode
    network: bool = False
    detail: str = ""
    bwrap: str = ""
    flags: tuple[str, ...] = ()  # namespace and session flags that passed the probe
    hidden: tuple[str, ...] = ()  # covered by an empty tmpfs
    shown: tuple[str, ...] = ()  # bound read-only again over a hidden parent (the interpreter)
    workspace: str = ""

    def wrap(self, argv: Sequence[str], cwd: Path, *, info_fd: int | None = None) -> list[str]:
        """The bwrap command line that runs ``argv`` in ``cwd`` inside the boundary."""
        out = [self.bwrap, *self.flags]
        if info_fd is not None:
            out += ["--info-fd", str(info_fd)]
        out += ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
        out += ["--tmpfs", TMP, "--dir", SANDBOX_HOME]
        ws = self.workspace
        for path in self.hidden:
            if not _inside(path, ws):
                out += ["--tmpfs", path]
        for path in self.shown:
            out += ["--ro-bind", path, path]
        out += ["--bind", ws, ws]
        git = Path(ws, ".git")
        if git.is_dir():
            # git on the host reads .git after the worker: a child must not plant config there
            # (filters and hooks would run outside the boundary), nor read a persisted token.
            out += ["--ro-bind", str(git), str(git)]
            if (git / "config").is_file():
                out += ["--ro-bind", empty_file(), str(git / "config")]
        for path in self.hidden:
            if _inside(path, ws):  # e.g. an out dir inside the workspace: hidden again
                out += ["--tmpfs", path]
        out += ["--chdir", str(cwd), "--", *argv]
        return out


@functools.cache
def empty_file() -> str:
    """An empty, read-only file shown in place of ``.git/config`` (removed at exit)."""
    fd, path = tempfile.mkstemp(prefix="foreman-empty-")
    os.close(fd)
    Path(path).chmod(0o444)
    atexit.register(Path(path).unlink, missing_ok=True)
    return path


def off(network: bool = True) -> Boundary:
    return Boundary("off", network=network, detail="sandbox: false in the worker's config")


def unavailable(detail: str, network: bool = False) -> Boundary:
    return Boundary("unavailable", network=network, detail=detail)


def find_bwrap(env: Mapping[str, str]) -> tuple[str | None, str]:
    """The bwrap binary (``FOREMAN_BWRAP`` or PATH), or None and what is missing."""
    setting = env.get(BWRAP_SETTING, "").strip()
    if setting:
        candidate = Path(setting)
        if candidate.is_absolute() and candidate.is_file() and os.access(candidate, os.X_OK):
            return setting, ""
        return None, f"{BWRAP_SETTING}={setting} is not an executable file"
    found = shutil.which("bwrap", path=env.get("PATH") or os.defpath)
    if found:
        return found, ""
    return None, "bubblewrap (bwrap) is not installed: it is not on PATH"


@functools.lru_cache(maxsize=8)
def probe(bwrap: str, network: bool) -> tuple[tuple[str, ...], str]:
    """Flags that work with this bwrap here (probe: run ``true`` inside), or () and why not.

    A user namespace first (what an unprivileged runner needs, and as root it keeps the
    mounts locked read-only); as root where the kernel refuses one, the same without it."""
    flags = [*NAMESPACES, *NAMESPACES_TRY, *SESSION]
    if not network:
        flags.append("--unshare-net")
    if bwrap_version(bwrap) >= (0, 8):
        flags.append("--disable-userns")  # no nested user namespaces inside (needs 0.8)
    why = _try(bwrap, flags)
    if why and os.geteuid() == 0:
        rootful = [f for f in flags if f not in ("--unshare-user", "--disable-userns")]
        if not _try(bwrap, rootful):
            return tuple(rootful), ""
    return ((), why) if why else (tuple(flags), "")


def _try(bwrap: str, flags: Sequence[str]) -> str:
    """Run ``true`` in a sandbox made with ``flags``: "" when it works, else why not."""
    true = shutil.which("true") or "/bin/true"
    argv = [bwrap, *flags, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
            "--tmpfs", TMP, "--", true]  # fmt: skip
    try:
        proc = subprocess.run(argv, capture_output=True, timeout=30, check=False, env={})
    except (OSError, subprocess.TimeoutExpired) as err:
        return f"{bwrap} cannot start: {err}"
    if proc.returncode != 0:
        said = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
        return f"{bwrap} cannot create the sandbox's namespaces here: {said[0]}"
    return ""


@functools.lru_cache(maxsize=8)
def bwrap_version(bwrap: str) -> tuple[int, int]:
    try:
        proc = subprocess.run([bwrap, "--version"], capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return (0, 0)
    match = _VERSION.search(proc.stdout.decode("ascii", "replace"))
    return (int(match.group(1)), int(match.group(2))) if match else (0, 0)


def prepare(
    *,
    enabled: bool,
    network: bool,
    env: Mapping[str, str],
    workspace: Path,
    hide: Iterable[Path] = (),
) -> Boundary:
    """The boundary for one worker run: probed once; ``unavailable`` says what is missing."""
    if not enabled:
        return off(network=True)
    bwrap, missing = find_bwrap(env)
    if bwrap is None:
        return unavailable(missing, network)
    flags, why = probe(bwrap, network)
    if not flags:
        return unavailable(why, network)
    ws = os.path.realpath(workspace)
    extra = [os.path.realpath(p) for p in hide]
    own = own_checkout()
    if own != ws and _inside(own, ws):
        # The action's own code in the workspace (the workflow's ./.agent-foreman): a command
        # that rewrote it would run in the next foreman process, with the API key.
        extra.append(own)
    hidden = hidden_paths(env, extra, ws)
    # Shown again: interpreter and PATH dirs under a hidden dir, never a dir holding one.
    shown = [
        p
        for p in interpreter_paths(env)
        if any(_inside(p, h) for h in (*hidden, TMP)) and not any(_inside(h, p) for h in hidden)
    ]
    if network and Path("/run/systemd/resolve").is_dir():
        shown.append("/run/systemd/resolve")  # /etc/resolv.conf points there on Ubuntu
    detail = f"bubblewrap {'.'.join(map(str, bwrap_version(bwrap)))}" + (
        ", network on" if network else ", no network"
    )
    return Boundary("bwrap", network, detail, bwrap, flags, tuple(hidden), tuple(shown), ws)


def own_checkout() -> str:
    """The checkout the foreman code runs from (src/foreman/workers/ -> its root)."""
    return os.path.realpath(Path(__file__).resolve().parents[3])


def hidden_paths(env: Mapping[str, str], extra: Sequence[str], workspace: str) -> list[str]:
    """Existing directories to cover with a tmpfs, parents before children."""
    wanted: list[str] = [*RUNNER_DIRS, *extra]
    for name in JOB_FILES:
        if env.get(name):
            wanted.append(str(Path(env[name]).resolve().parent))
    wanted += [env[name] for name in JOB_DIRS if env.get(name)]
    kept: list[str] = []
    for path in sorted({os.path.realpath(p) for p in wanted}, key=lambda p: p.count("/")):
        if path in _SYSTEM or path == workspace or not Path(path).is_dir():
            continue
        if _inside(path, TMP) and not _inside(path, workspace):
            continue  # /tmp is private anyway
        kept.append(path)
    return kept


def interpreter_paths(env: Mapping[str, str]) -> list[str]:
    """What commands need to start even when it sits under a hidden dir: this Python's
    prefixes and the PATH entries (read-only)."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, str(Path(sys.executable).parent)}
    paths.update(p for p in (env.get("PATH") or "").split(os.pathsep) if p.startswith("/"))
    real = {os.path.realpath(p) for p in paths}
    return sorted(p for p in real if Path(p).is_dir() and p not in _SYSTEM)


def alive_in(pid_namespace: int) -> list[int]:
    """Processes of the sandbox's PID namespace that can still run code (zombies cannot)."""
    return [
        int(entry.name)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and is_alive_in(entry, pid_namespace)
    ]


def is_alive_in(proc: Path, pid_namespace: int) -> bool:
    """Whether ``/proc/<pid>`` is a live (not zombie) process of that PID namespace."""
    try:
        if (proc / "ns" / "pid").stat().st_ino != pid_namespace:
            return False
        state = (proc / "stat").read_bytes().rsplit(b")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in (b"Z", b"X")


def _inside(path: str, parent: str) -> bool:
    return path == parent or path.startswith(parent.rstrip("/") + "/")
