"""A faulty burst, in process: events -> ``foreman plan`` -> ``foreman work`` -> ``foreman gate``.

Each event is made real in FakeGitHub, then run the way the reusable workflow
runs it: ``plan`` with a read token; one ``work`` per task in a fresh checkout
of the task's ref (triage without a model key); ``gate`` with the write token,
unless the plan skipped the event. Every command goes through
:func:`foreman.cli.main`, against FakeGitHub and FakeAnthropic (the scripted
:class:`tests.soak.model.Model`), with faults injected at random (seeded). A run
that exits non-zero is re-run later, as a maintainer would: the failed job
(the gate, with the same bundles) or the whole run when the plan failed.

Time is virtual (:class:`tests.soak.infra.VirtualClock`): event *i* of *N* arrives
at ``i * 60 / N`` s; each job runs on its own time line from its due time (runs
of different events run side by side on GitHub), every sleep the code asks
for moves that line instead of waiting, and FakeGitHub stamps its log with it.
See :mod:`tests.soak.checks` for how the write rate is measured on that clock.
"""

from __future__ import annotations

import contextlib
import heapq
import json
import random
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import foreman.gate.run as gate_run
import foreman.github.client as github_client
from foreman import actions
from foreman.cli import main
from foreman.contracts import Plan
from tests.fakes.fake_anthropic import FakeAnthropic
from tests.fakes.github import FakeGitHub
from tests.soak.checks import Figures, figures
from tests.soak.events import REPO, WRITERS, Arrival, World, schedule
from tests.soak.faults import FaultMixer
from tests.soak.infra import (
    ContentLimit,
    Patches,
    VirtualClock,
    VirtualLog,
    capture_output,
    loopback_only,
)
from tests.soak.model import Model
from tests.soak.repo import CONFIG, FILES, Canary, Record, classifier_available, git, read_outputs

__all__ = ["Figures", "Record", "Soak"]

MAX_RERUNS = 4
RERUN_DELAY = 30.0  # virtual seconds before a maintainer re-runs a failed run


class Soak:
    def __init__(
        self, workdir: Path, *, events: int = 50, seed: int = 0, faults: bool = True,
        fault_rate: float = 0.8, outage: bool = True, limit: bool = True,
    ) -> None:  # fmt: skip
        self.dir, self.events, self.seed = workdir, events, seed
        self.rng = random.Random(seed)
        self.clock = VirtualClock()
        self.canary = Canary()
        self.read_token = f"{self.canary.value}-read"
        self.write_token = f"{self.canary.value}-write"
        self.fake = FakeGitHub()
        self.fake.log = VirtualLog(self.clock)
        self.limit = ContentLimit(clock=self.clock, log=self.fake.log)
        if not limit:  # GitHub never pushes back: what the burst offers
            self.limit.per_minute = self.limit.per_hour = 10**9
        self.model = Model()
        self.anthropic = FakeAnthropic(api_keys=(f"{self.canary.value}-ant",), on_empty=self.model)
        self.world = World(self.fake, self.rng)
        self.mixer = FaultMixer(self.fake, self.limit, random.Random(seed + 1),
                                rate=fault_rate if faults else 0.0)  # fmt: skip
        self.outage = outage
        self.records: list[Record] = []
        self.spans: list[tuple[int, str, int, int]] = []  # (event, job, first, end) log indexes
        self.logs: list[str] = []
        self.patches = Patches()
        self.root = workdir / "root"
        self.wall = 0.0

    # -- setup ---------------------------------------------------------------------------------
    def __enter__(self) -> Soak:
        try:
            self._setup()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _setup(self) -> None:
        self.fake.start()
        self.anthropic.start()
        self.fake.add_token(self.read_token, "read")
        self.fake.add_token(self.write_token, "write")
        config = CONFIG.replace("CLASSIFIER", str(classifier_available()).lower())
        self.fake.add_repo(REPO, files={**FILES, ".github/foreman.yml": config})
        for login in WRITERS[1:]:
            self.fake.add_collaborator(REPO, login, "write")
        self.fake.inject(self.limit)
        self._checkout(self.root, "main")
        git(self.root, "init", "-q", "-b", "main")
        git(self.root, "add", "-A", "--", ":!.env.local")
        git(self.root, "commit", "-q", "-m", "main")
        p = self.patches
        loopback_only(p)
        env = {
            "GITHUB_API_URL": self.fake.url, "GITHUB_REPOSITORY": REPO,
            "FOREMAN_GITHUB_THROTTLE": "0", "ANTHROPIC_BASE_URL": self.anthropic.url,
            "ANTHROPIC_API_KEY": self.anthropic.api_key, "MY_SECRET_TOKEN": self.canary.value,
            "GITHUB_ACTIONS": None, "GITHUB_EVENT_PATH": None, "GITHUB_EVENT_NAME": None,
            "FOREMAN_CONFIG": None, "FOREMAN_GITHUB_TOKEN": None, "GH_TOKEN": None,
            "FOREMAN_ANTHROPIC_API_KEY": None, "ANTHROPIC_AUTH_TOKEN": None,
            "FOREMAN_TASK": None, "FOREMAN_PLAN": None,
        }  # fmt: skip
        for name, value in env.items():
            p.setenv(name, value)
        p.setattr(actions, "_extra_secrets", set())
        p.setattr(gate_run, "default_sleep", self.clock.sleep)
        real_connect = github_client.connect

        def connect(*args: Any, **kw: Any) -> Any:
            kw.setdefault("sleep", self.clock.sleep)  # the plan's reader waits virtually too
            return real_connect(*args, **kw)

        p.setattr(github_client, "connect", connect)

    def __exit__(self, *exc: object) -> None:
        self.patches.undo()
        self.anthropic.stop()
        self.fake.stop()

    def _checkout(self, path: Path, ref: str) -> Path:
        """A fresh checkout of ``ref`` from the fake, plus an untracked secrets file."""
        for rel, content in self.fake.tree(REPO, ref).items():
            (path / rel).parent.mkdir(parents=True, exist_ok=True)
            (path / rel).write_bytes(content)
        (path / ".env.local").write_text(f"MY_SECRET_TOKEN={self.canary.value}\n")
        return path

    # -- the burst -----------------------------------------------------------------------------
    def run(self) -> Figures:
        started = time.monotonic()
        kinds = schedule(self.events, self.rng)
        spacing = 60.0 / max(1, len(kinds))
        opened = [i for i, k in enumerate(kinds) if k == "issue-opened" and i >= len(kinds) // 5]
        first = self.rng.choice(opened or [0])  # the model goes down as an issue comes in
        outage = range(first, first + max(1, len(kinds) // 8)) if self.outage else range(0)
        queue: list[tuple[float, int, str, int]] = [
            (i * spacing, i, "arrive", i) for i in range(len(kinds))
        ]
        seq = len(queue)
        with capture_output(self.logs):
            while queue:
                due, _, stage, i = heapq.heappop(queue)
                self.clock.start_job(due)
                # The model is down for a stretch of events (re-runs come after it recovered).
                self.model.outage = stage == "arrive" and i in outage
                if stage == "arrive":
                    self.mixer.arrive(i, kinds[i], total=len(kinds))
                    rec = self._arrive(i, kinds)
                    stage = "plan"
                    if rec.replaced_by is not None:
                        continue
                rec = self.records[i]
                again = self.attempt(rec, stage)
                if again is not None and len(rec.runs) <= MAX_RERUNS:
                    heapq.heappush(queue, (self.clock.now() + RERUN_DELAY, seq, again, i))
                    seq += 1
        self.wall = time.monotonic() - started
        return figures(self)

    def _arrive(self, i: int, kinds: list[str]) -> Record:
        kind = kinds[i]
        previous = self.records[-1] if self.records else None
        if kind == "issue-edited" and previous is not None and previous.kind == "replaced":
            assert previous.number is not None
            arrival = self.world.edit_issue(previous.number, "Docs: typo in the guide")
            previous.replaced_by = i
        else:
            arrival = self.world.make(kind)
        rec = self.record(kind, arrival)
        if kind == "replaced" and i + 1 < len(kinds) and kinds[i + 1] == "issue-edited":
            rec.replaced_by = i + 1  # pending when the edit arrived: replaced (concurrency)
        return rec

    def record(self, kind: str, arrival: Arrival) -> Record:
        rec = Record(len(self.records), kind, arrival.event_name, arrival.action,
                     arrival.number, arrival.sender)  # fmt: skip
        self.records.append(rec)
        folder = self._folder(rec)
        (folder / "event.json").write_text(json.dumps(arrival.payload))
        return rec

    def process(self, arrival: Arrival, kind: str = "event", *, gate: bool = True) -> Record:
        """Run one event now, re-running at once until it ends (for scenario tests).

        With ``gate=False`` the run stops after its workers (the gate job still to
        come: :meth:`resume` it with ``"gate"``).
        """
        return self.resume(self.record(kind, arrival), "plan", gate=gate)

    def resume(self, rec: Record, stage: str, *, gate: bool = True) -> Record:
        next_stage: str | None = stage
        with capture_output(self.logs):
            while next_stage is not None and len(rec.runs) <= MAX_RERUNS:
                next_stage = self.attempt(rec, next_stage, gate=gate)
        return rec

    # -- one workflow run ----------------------------------------------------------------------
    def _folder(self, rec: Record) -> Path:
        folder = self.dir / "runs" / f"event-{rec.index:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    @contextlib.contextmanager
    def _job(self, rec: Record, job: str, token: str) -> Iterator[Path]:
        """A new job 'process': its token, output files, no secret registered yet."""
        out = self._folder(rec) / f"{job}-{len(rec.runs)}"
        out.mkdir()
        self.patches.setenv("GITHUB_TOKEN", token)
        self.patches.setenv("GITHUB_OUTPUT", str(out / "output.txt"))
        self.patches.setenv("GITHUB_STEP_SUMMARY", str(out / "summary.md"))
        actions._extra_secrets.clear()
        first = len(self.fake.log.entries)
        try:
            yield out
        finally:
            self.spans.append((rec.index, job, first, len(self.fake.log.entries)))

    def attempt(self, rec: Record, stage: str, *, gate: bool = True) -> str | None:
        """Run from ``stage``; the stage to re-run, or None when the run ended (or, with
        ``gate=False``, reached its gate)."""
        if stage == "plan":
            with self._job(rec, "plan", self.read_token) as out:
                code = main(["plan", "--event", str(self._folder(rec) / "event.json"),
                             "--event-name", rec.event_name, "--root", str(self.root),
                             "--output", str(out / "plan.json")])  # fmt: skip
            rec.runs.append(f"plan:{code}")
            if code != 0:
                return "plan"
            rec.plan = Plan.model_validate_json((out / "plan.json").read_text())
            rec.bundles = out / "bundles"
            if rec.plan.skipped:
                rec.skipped, rec.done = rec.plan.skipped, True
                return None
            self._work(rec)
            if not gate:
                return None
        code = self._gate(rec)
        rec.runs.append(f"gate:{code}")
        if code != 0:
            return "gate"
        rec.done = True
        return None

    def _work(self, rec: Record) -> None:
        assert rec.plan is not None and rec.bundles is not None
        for task in rec.plan.tasks:
            item = task.item
            ref = item.head_sha if item.kind == "pull_request" and not item.is_fork else None
            ws = self._checkout(self.dir / "ws" / f"{rec.index}-{task.id}", ref or "main")
            key = None if task.worker == "triage" else self.anthropic.api_key  # triage offline
            self.patches.setenv("ANTHROPIC_API_KEY", key)
            with self._job(rec, f"work-{task.id}", self.read_token):
                main(["work", "--task", task.model_dump_json(), "--workspace", str(ws),
                      "--out", str(rec.bundles / f"foreman-bundle-{task.id}"),
                      "--config", str(self.root / ".github" / "foreman.yml")])  # fmt: skip
            self.patches.setenv("ANTHROPIC_API_KEY", self.anthropic.api_key)
            shutil.rmtree(ws, ignore_errors=True)

    def _gate(self, rec: Record) -> int:
        assert rec.plan is not None and rec.bundles is not None
        plan = rec.bundles.parent / "plan.json"
        with self._job(rec, "gate", self.write_token) as out:
            code = main(["gate", "--plan", str(plan), "--bundles", str(rec.bundles),
                         "--root", str(self.root)])  # fmt: skip
        if code == 0:
            decisions = json.loads(read_outputs(out / "output.txt").get("decisions", "[]"))
            rec.decisions = {d["task"]: d["decision"] for d in decisions}
        return code
