"""The action's own path on a runner: install the venv, then run ``plan`` the way action.yml does.

Each sample starts from a fresh, release-shaped copy of the action and an empty
tool cache, like a GitHub-hosted runner (whose tool cache does not survive the
job): ``action_install.py`` builds the venv (``uv sync``, files copied out of
uv's download cache as this machine has it), a second install hardlinks them
instead (``UV_LINK_MODE=hardlink``: what the copy costs), then the plan runs
twice as ``<venv>/bin/python -I scripts/action_run.py``. The first run finds no
bytecode (uv does not compile it, and the action's ``src`` is a fresh checkout),
so it pays for compiling every module it imports; the second reads the ``.pyc``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bench.act_e2e import time_install
from bench.bench_plan import BUG_EVENT, RULES_CONFIG
from bench.bench_proc import BenchError, Proc, Stats, clean_env, run, write_config
from tests.support.act.harness import copy_action


@dataclass(frozen=True)
class ActionSamples:
    install_cold: Stats  # new venv, files copied out of uv's download cache (the default)
    install_warm: Stats  # new venv, files hardlinked (UV_LINK_MODE=hardlink)
    plan_first: Stats  # plan, no bytecode yet
    plan_second: Stats  # plan, bytecode written by the first run
    cpu_first: Stats  # CPU seconds (user + system) of the first and second runs
    cpu_second: Stats
    rss_mb: Stats  # peak RSS of the first plan run


def _venv_python(tool_cache: Path) -> Path:
    found = sorted(tool_cache.glob("agent-foreman-venv-*/venv/bin/python"))
    if not found:
        raise BenchError(f"action_install.py built no venv under {tool_cache}")
    return found[0]


def _action_plan(python: Path, action: Path, root: Path, scratch: Path) -> Proc:
    env = clean_env(
        FOREMAN_ACTION_PATH=str(action),
        INPUT_COMMAND="plan",
        GITHUB_EVENT_PATH=str(BUG_EVENT),
        GITHUB_EVENT_NAME="issues",
        GITHUB_OUTPUT=str(scratch / "output.txt"),
        GITHUB_STEP_SUMMARY=str(scratch / "summary.md"),
        RUNNER_TEMP=str(scratch),
    )
    argv = [str(python), "-I", str(action / "scripts" / "action_run.py")]
    proc = run(argv, env=env, cwd=root).check()
    if "matrix<<" not in (scratch / "output.txt").read_text(encoding="utf-8"):
        raise BenchError("the action's plan step wrote no matrix output")
    return proc


def action_samples(work: Path, runs: int) -> ActionSamples:
    """``runs`` fresh action copies: install cold and warm, then plan first and second run."""
    root = write_config(work / "consumer", RULES_CONFIG)
    cold, warm, first, second = [], [], [], []
    for n in range(runs):
        action = copy_action(work / f"action-{n}")
        tool_cache = work / f"tool-cache-{n}"
        cold.append(time_install(action, tool_cache))
        warm.append(time_install(action, work / f"hardlinked-{n}", link_mode="hardlink"))
        python = _venv_python(tool_cache)
        scratch = work / f"run-{n}"
        scratch.mkdir()
        first.append(_action_plan(python, action, root, scratch))
        second.append(_action_plan(python, action, root, scratch))
    return ActionSamples(
        Stats.of(cold),
        Stats.of(warm),
        Stats.of(p.seconds for p in first),
        Stats.of(p.seconds for p in second),
        Stats.of(p.cpu_seconds for p in first),
        Stats.of(p.cpu_seconds for p in second),
        Stats.of(p.max_rss_mb for p in first),
    )
