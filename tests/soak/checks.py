"""What the soak measures and checks, read back from the fakes and the run folders.

Write rate, and how it is measured
----------------------------------
GitHub allows about 80 content-creating requests per minute and 500 per hour
(secondary limits). We count every POST/PATCH/PUT/DELETE FakeGitHub received
(conservatively: failed ones too), except those the modelled limit itself
refused (they created nothing), by the timestamps of the fake's request log.

The in-process soak is much faster than real time, so the log is stamped
with a virtual clock instead (:class:`tests.soak.infra.VirtualClock`): event *i* of
*N* arrives at ``i * 60 / N`` s, so the burst arrives over one minute; each
job (plan, work, gate of one event's run, or a re-run 30 s after a failure)
starts at its due time and runs on its own time line, as runs of different
events do side by side on GitHub; requests take no time, and a job's line
moves by exactly the waits it asks for (backoff, ``Retry-After``), which in
production are real sleeps. The figures are the most writes in any 60 s and
any 3600 s window of those stamps, and writes per event and per item: the
load the burst offers. At ~2.5 writes per event, 50 events in a minute offer
more than 80 writes, so GitHub pushes back; its limit is modelled
(:class:`tests.soak.infra.ContentLimit`: a write that would put more than 80 in
some minute gets 403 + ``Retry-After``). Staying within the limit therefore
means honouring that answer: no job writes again before its ``Retry-After``
ran out (:func:`early_retries`), and nothing is lost or duplicated meanwhile.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from foreman.contracts import STATUS_MARKER
from foreman.gate.texts import trailer
from tests.soak.events import BOT, REPO
from tests.soak.infra import PER_HOUR, PER_MINUTE, WRITE_METHODS, is_limit_refusal, max_in_window

if TYPE_CHECKING:
    from tests.soak.harness import Record, Soak

WRITES_PR = ("pull-request", "pushed", "merged")
BROKEN = frozenset({"missing", "rejected", "error"})  # our own pipeline lost or broke a bundle


@dataclass
class Figures:
    events: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    states: Counter[str] = field(default_factory=Counter)
    faults: Counter[str] = field(default_factory=Counter)
    fault_hits: Counter[str] = field(default_factory=Counter)
    llm_outage_529s: int = 0
    github_retries: int = 0
    llm_retries: int = 0
    reruns: int = 0
    duplicates: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    undefined: list[str] = field(default_factory=list)
    writes: int = 0
    limit_refusals: int = 0
    early_retries: list[str] = field(default_factory=list)  # writes sent inside a Retry-After
    max_writes_minute: int = 0
    max_writes_hour: int = 0
    writes_per_event: float = 0.0
    writes_per_item: float = 0.0
    rest_calls: int = 0
    llm_calls: int = 0
    virtual_seconds: float = 0.0
    wall_seconds: float = 0.0
    canary_leaks: dict[str, int] = field(default_factory=dict)
    internal_errors: int = 0  # tracebacks: bugs, whatever the fault

    def lines(self) -> list[str]:
        n = max(1, self.events)
        faults = ", ".join(f"{k} {v} (answered {self.fault_hits[k]})"
                           for k, v in sorted(self.faults.items()))  # fmt: skip
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(self.kinds.items()))
        states = ", ".join(f"{k} {v}" for k, v in sorted(self.states.items()))
        return [
            f"events: {self.events} ({kinds})",
            f"end states: {states}",
            f"faults injected (by kind): {sum(self.faults.values())}: {faults or '-'}",
            f"LLM outage: {self.llm_outage_529s} answers 529",
            f"retries observed: GitHub {self.github_retries}, LLM {self.llm_retries}; "
            f"workflow re-runs {self.reruns}",
            f"duplicates: {len(self.duplicates)}",
            f"lost: {len(self.lost)}",
            f"undefined end states: {len(self.undefined)}",
            f"canary leaks: {sum(self.canary_leaks.values())}",
            f"internal errors (tracebacks): {self.internal_errors}",
            f"max writes/min: {self.max_writes_minute} (limit {PER_MINUTE}); "
            f"max writes/hour: {self.max_writes_hour} (limit {PER_HOUR}); "
            f"writes {self.writes}, refused by the limit {self.limit_refusals}, "
            f"sent again before Retry-After ran out {len(self.early_retries)}",
            f"writes per event: {self.writes_per_event:.2f}; per item: {self.writes_per_item:.2f}",
            f"REST calls per event: {self.rest_calls / n:.1f} ({self.rest_calls})",
            f"LLM calls per event: {self.llm_calls / n:.2f} ({self.llm_calls})",
            f"virtual time: {self.virtual_seconds:.0f} s; wall time: {self.wall_seconds:.1f} s",
        ]


def status_comments(soak: Soak, number: int) -> int:
    return sum(1 for c in soak.fake.comments(REPO, number)
               if c.user == BOT and STATUS_MARKER in c.body)  # fmt: skip


def find_duplicates(soak: Soak) -> list[str]:
    """More than one PR per branch, status comment per item, or commit per patch on a branch."""
    out: list[str] = []
    by_branch = Counter(p.pull.head_ref for p in soak.fake.pulls(REPO) if p.pull)
    out += [f"{n} PRs on {b}" for b, n in by_branch.items() if n > 1]
    for number in {r.number for r in soak.records if r.number is not None}:
        count = status_comments(soak, number)
        if count > 1:
            out.append(f"#{number}: {count} status comments")
    git = soak.fake.repo(REPO).git
    for ref, sha in soak.fake.refs(REPO).items():
        marks: Counter[str] = Counter()
        for _ in range(200):  # the branch's first-parent history (bounded)
            commit = git.commits[sha]
            mark = trailer(commit.message)
            if mark:
                marks[mark] += 1
            if not commit.parents:
                break
            sha = commit.parents[0]
        out += [f"{ref}: patch {m[:12]} committed {n} times" for m, n in marks.items() if n > 1]
    return out


def end_state(soak: Soak, rec: Record) -> str:
    """A defined end state, or ``lost: why``."""
    assert rec.number is not None
    if rec.replaced_by is not None:
        later = soak.records[rec.replaced_by] if rec.replaced_by < len(soak.records) else None
        if later is None or not later.done or not status_comments(soak, rec.number):
            return "lost: replaced, and the newer run did not handle the item"
        return "replaced (handled by the newer run)"
    if rec.skipped:
        return "skipped (reason recorded)"
    if not rec.done:
        return f"lost: the run never succeeded ({', '.join(rec.runs)})"
    if not status_comments(soak, rec.number):
        return "lost: no status comment"
    assert rec.plan is not None
    missing = [t.id for t in rec.plan.tasks if t.id not in rec.decisions]
    if missing:
        return f"lost: no decision for {', '.join(missing)}"
    decisions = set(rec.decisions.values())
    notes = {n.kind for n in rec.plan.notes}
    broken = decisions & BROKEN
    if broken:
        return f"undefined: {', '.join(sorted(broken))}"
    if decisions & set(WRITES_PR):
        return "pull request"
    if "refused" in notes:
        return "refused (status comment)"
    if decisions & {"ask-human", "blocked"} or "ask-human" in notes:
        return "ask-human (status comment)"
    if "failed" in decisions:
        return "ask-human (worker gave up; status comment)"
    if "triaged" in decisions:
        return "triaged (labels + comment)"
    if decisions <= {"no-change", "skipped", "suggested"} and decisions:
        return f"reported: {', '.join(sorted(decisions))} (status comment)"
    return f"undefined: {', '.join(sorted(decisions)) or 'no decision, no note'}"


def runs(rec: Record) -> int:
    """Workflow runs an event took: a plan starts one; a gate after a gate is a re-run."""
    return sum(
        1
        for k, x in enumerate(rec.runs)
        if x.startswith("plan") or (k > 0 and rec.runs[k - 1].startswith("gate"))
    )


def _retries(entries: list[tuple[str, int]]) -> int:
    """Error answers followed (within 6 requests) by the same request again."""
    count = 0
    for i, (key, status) in enumerate(entries):
        if status >= 400 and status not in (404, 422):
            count += any(k == key for k, _ in entries[i + 1 : i + 7])
    return count


def early_retries(soak: Soak) -> list[str]:
    """Writes a job sent while GitHub had told that job to wait (Retry-After of a 403)."""
    requests = soak.fake.requests
    out: list[str] = []
    for index, when, wait in soak.limit.refusals:
        span = next((s for s in soak.spans if s[2] <= index < s[3]), None)
        if span is None:
            continue
        for e in requests[index + 1 : span[3]]:
            if e.method in WRITE_METHODS and e.time < when + wait:
                out.append(f"event {span[0]} {span[1]}: {e.method} {e.path} at {e.time:.1f}s, "
                           f"told at {when:.1f}s to wait {wait}s")  # fmt: skip
    return out


def canary_leaks(soak: Soak) -> dict[str, int]:
    core = soak.canary.core
    fake = soak.fake
    repo = fake.repo(REPO)
    sources = {
        "GitHub request bodies": [json.dumps(e.body) for e in fake.requests],
        "comments": [c.body for c in repo.comments.values()],
        "PR titles/bodies": [f"{i.title}\n{i.body}" for i in repo.issues.values()],
        "commits and blobs": [c.message for c in repo.git.commits.values()]
        + [b.decode("utf-8", "replace") for b in repo.git.blobs.values()],
        "model request bodies": [json.dumps(r.body) for r in soak.anthropic.requests],
        "logs (stdout/stderr)": soak.logs,
        "run files (plans, bundles, outputs, summaries)": [
            p.read_text("utf-8", "replace") for p in (soak.dir / "runs").rglob("*") if p.is_file()
        ],
    }
    return {name: sum(core in text for text in texts) for name, texts in sources.items()}


def figures(soak: Soak) -> Figures:
    soak.mixer.finish()
    f = Figures(events=len(soak.records), wall_seconds=soak.wall)
    f.kinds = Counter(r.kind for r in soak.records)
    f.faults, f.fault_hits = Counter(soak.mixer.injected), Counter(soak.mixer.hit)
    f.llm_outage_529s = soak.model.calls["529"]
    f.reruns = sum(runs(r) - 1 for r in soak.records if r.runs)
    for rec in soak.records:
        state = end_state(soak, rec)
        bad = state.startswith(("lost", "undefined"))
        f.states[state.split(":")[0] if bad else state] += 1
        where = f"event {rec.index} ({rec.kind}, #{rec.number}): {state}"
        if state.startswith("lost"):
            f.lost.append(where)
        elif state.startswith("undefined"):
            f.undefined.append(where)
    f.duplicates = find_duplicates(soak)
    requests = soak.fake.requests
    writes = [e for e in requests if e.method in WRITE_METHODS and not is_limit_refusal(e)]
    f.writes, f.limit_refusals = len(writes), sum(is_limit_refusal(e) for e in requests)
    f.early_retries = early_retries(soak)
    f.max_writes_minute = max_in_window([e.time for e in writes], 60.0)
    f.max_writes_hour = max_in_window([e.time for e in writes], 3600.0)
    f.writes_per_event = f.writes / max(1, f.events)
    items = {r.number for r in soak.records}
    f.writes_per_item = f.writes / max(1, len(items))
    f.rest_calls = len(requests)
    gh = [(f"{e.method} {e.path} {json.dumps(e.body)}", e.status) for e in requests]
    f.github_retries = _retries(gh)
    llm = [(json.dumps(r.body), r.status) for r in soak.anthropic.message_requests]
    f.llm_retries = _retries(llm)
    f.llm_calls = soak.anthropic.count
    f.virtual_seconds = soak.clock.latest
    f.canary_leaks = canary_leaks(soak)
    f.internal_errors = sum(text.count("Traceback (most recent call last)") for text in soak.logs)
    return f


def assert_clean(f: Figures) -> None:
    assert f.duplicates == [], f.duplicates
    assert f.lost == [], f.lost
    assert f.undefined == [], f.undefined
    assert f.max_writes_minute <= PER_MINUTE and f.max_writes_hour <= PER_HOUR, (
        f"writes: {f.max_writes_minute}/min (limit {PER_MINUTE}), "
        f"{f.max_writes_hour}/h (limit {PER_HOUR})"
    )
    assert f.early_retries == [], f.early_retries
    assert f.internal_errors == 0, "a traceback in the logs"
    assert sum(f.canary_leaks.values()) == 0, f.canary_leaks


def write_json(f: Figures, path: Path) -> None:
    path.write_text(json.dumps(f.__dict__, indent=2, default=str))
