"""Benchmark: the docs-typo case end to end under act, and the action's install step.

    uv run python -m bench.act_e2e [--runs N] [--cold-uv-cache]

Prints
* the install step's time: cold (a new venv; uv's package cache warm) and warm
  (the cached venv found by its lock hash); with --cold-uv-cache also with an
  empty uv cache (downloads the locked wheels from the package index);
* the wall time of `act issues` for a "docs typo" issue: plan -> docs worker
  (scripted FakeAnthropic) -> review -> gate, against FakeGitHub. Goal: <= 20 s.
  The gate keeps PyGithub's production pacing (1 s between writes) unless
  --no-throttle is given.

Everything runs on this machine; the fakes listen on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.fakes import anthropic_steps as steps
from tests.fakes.fake_anthropic import FakeAnthropic
from tests.fakes.github.server import FakeGitHub
from tests.support.act.events import issue_event
from tests.support.act.harness import (
    ActRunner,
    ConsumerRepo,
    act_copy,
    copy_action,
    mirror_into,
    prebuild_venv,
)

GOAL_SECONDS = 20.0
TOKEN = "ghs_benchActFakeTokenQQ7r2Lw9Ks4Mn8Pz6Xc3Vb1"
README = "# demo\n\nInstall with:\n\n    pip instal demo\n"


def time_install(
    action: Path, runner_temp: Path, *, uv_cache: Path | None = None, link_mode: str = ""
) -> float:
    """One run of the install step: a new venv under ``runner_temp`` (copy mode unless told)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "RUNNER_"))}
    env.update(FOREMAN_ACTION_PATH=str(action), RUNNER_TEMP=str(runner_temp))
    env.pop("UV_LINK_MODE", None)
    if link_mode:
        env["UV_LINK_MODE"] = link_mode
    if uv_cache is not None:
        env["UV_CACHE_DIR"] = str(uv_cache)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(action / "scripts" / "action_install.py")],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


Run = tuple[float, str, dict[str, float]]  # seconds, outcome, marks (seconds after the event)


def _marks(github: FakeGitHub, started: float) -> dict[str, float]:
    """When the item first showed a status comment (the ack's POST) and when the gate updated
    it (its PATCH), in seconds after the event; missing when it did not happen."""
    out: dict[str, float] = {}
    for key, route in (("first comment", "issues/create-comment"),
                       ("gate's update", "issues/update-comment")):  # fmt: skip
        hits = [e.time for e in github.requests if e.route == route and 200 <= e.status < 300]
        if hits:
            out[key] = min(hits) - started
    return out


def docs_case(runner: ActRunner, work: Path, n: int, *, throttle: bool) -> Run:
    repo = ConsumerRepo.create(work / f"demo-{n}", {"README.md": README})
    with FakeGitHub() as github, FakeAnthropic() as anthropic:
        github.add_repo("octo/demo")
        github.add_token(TOKEN, "write")
        mirror_into(github, repo)
        title, body = "Typo in the README", "It says `pip instal demo`."
        number = github.add_issue("octo/demo", title, body, user="octo", labels=["documentation"])
        anthropic.script(
            steps.tool_use(
                ("edit_file", {"path": "README.md", "old_text": "instal ", "new_text": "install "})
            ),
            steps.text("Fixed the typo."),
            steps.json_reply({"verdict": "approve", "reasons": ["typo fix"]}),
        )
        started, wall = time.perf_counter(), time.time()
        result = runner.run(
            repo,
            "issues",
            issue_event(number, title, body, labels=["documentation"]),
            scratch=work / f"run-{n}",
            env={
                "GITHUB_API_URL": github.url,
                "ANTHROPIC_BASE_URL": anthropic.url,
                "FOREMAN_GITHUB_THROTTLE": "1" if throttle else "0",
            },
            secrets={"GITHUB_TOKEN": TOKEN, "ANTHROPIC_API_KEY": anthropic.api_key},
        )
        elapsed = time.perf_counter() - started
        marks = _marks(github, wall)
    jobs = ", ".join(f"{k}: {v}" for k, v in result.job_results().items())
    return elapsed, f"exit {result.returncode} ({jobs})", marks


def measure_installs(work: Path, *, cold_uv_cache: bool = False) -> dict[str, float]:
    """One install into a new venv (files copied from uv's cache), then one that hardlinks them.

    With ``cold_uv_cache`` also one with an empty uv cache (downloads from the package index).
    """
    action = copy_action(work / "action")
    out = {"cold": time_install(action, work / "cache-a")}
    out["warm"] = time_install(action, work / "cache-a", link_mode="hardlink")
    if cold_uv_cache:
        out["empty_uv_cache"] = time_install(action, work / "cache-b", uv_cache=work / "uv-cache")
    return out


def measure_act(work: Path, runs: int, *, throttle: bool = True) -> list[Run]:
    """``runs`` act runs of the docs-typo case: ``(seconds, outcome, marks)`` each."""
    work.mkdir(parents=True, exist_ok=True)
    action = act_copy(work / "act-action")
    tool_cache = work / "tool-cache"
    uv_env = prebuild_venv(action, tool_cache)
    runner = ActRunner(work, action, tool_cache, uv_env=uv_env)
    return [docs_case(runner, work, n, throttle=throttle) for n in range(runs)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="act runs of the docs case")
    parser.add_argument(
        "--no-throttle",
        action="store_true",
        help="drop PyGithub's pacing (1 s between writes), as the tests do",
    )
    parser.add_argument(
        "--cold-uv-cache", action="store_true", help="also time an install with an empty uv cache"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-act-") as tmp:
        work = Path(tmp)
        installs = measure_installs(work, cold_uv_cache=args.cold_uv_cache)
        print(f"install, new venv (uv cache warm): {installs['cold']:6.2f} s")
        print(f"install, cached venv (warm):       {installs['warm']:6.2f} s")
        if "empty_uv_cache" in installs:
            print(f"install, empty uv cache:           {installs['empty_uv_cache']:6.2f} s")
        runs = measure_act(work, args.runs, throttle=not args.no_throttle)
        for n, (elapsed, outcome, marks) in enumerate(runs):
            print(f"act docs-typo run {n + 1}: {elapsed:6.2f} s  {outcome}")
            shown = ", ".join(f"{k} {v:.1f}" for k, v in marks.items())
            print(f"  after the event: {shown}")
        times = [elapsed for elapsed, _, _ in runs]
        best, median = min(times), statistics.median(times)
        verdict = "within" if median <= GOAL_SECONDS else "OVER"
        goal = f"{verdict} the {GOAL_SECONDS:.0f} s goal"
        print(f"act docs-typo: best {best:.2f} s, median {median:.2f} s ({goal})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
