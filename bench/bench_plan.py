"""The plan step as a user runs it: ``python -m foreman plan --event FILE`` in a fresh process.

* wall time and peak RSS per router layer (rules, classifier, LLM via FakeAnthropic);
* GitHub REST calls per event kind, counted by FakeGitHub;
* LLM calls per bundled example event, counted by FakeAnthropic;
* which imports the plan's time goes to (``python -X importtime``);
* CPU instructions of the whole plan process (valgrind, when installed).
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.bench_proc import (
    EVENTS,
    PYTHON,
    BenchError,
    Proc,
    Stats,
    clean_env,
    foreman,
    instructions,
    run,
    write_config,
)
from tests.fakes.anthropic_steps import json_reply
from tests.fakes.fake_anthropic import FakeAnthropic
from tests.fakes.github.server import FakeGitHub
from tests.test_plan_github import comment_event

REPO = "octo/demo"
BUG_EVENT = EVENTS / "issue-bug.json"
RULES_CONFIG = 'version: 1\nrouting:\n  rules:\n    - {if: {title: "crash"}, worker: debug}\n'
DEFAULT_CONFIG = "version: 1\n"
# min_confidence 0.5: the classifier decides whatever the shipped threshold, so its cost
# (import, model load, prediction) is what is timed.
CLASSIFIER_CONFIG = "version: 1\nrouting:\n  classifier: {min_confidence: 0.5}\n"
NO_CLASSIFIER = "version: 1\nrouting:\n  classifier: {enabled: false}\n"
# The README's quick-start rules, plus a title rule so issues route without the classifier.
README_RULES = """\
version: 1
routing:
  rules:
    - if: {labels_any: [docs, documentation]}
      worker: docs
    - if: {title: "crash"}
      worker: debug
%s
  classifier: {enabled: false}
"""
PATH_RULE = """\
    - if: {event: [pull_request], paths_any: ["**/*.py"]}
      worker: lint-fix"""
# Router layer -> (config, expected ``layer`` of the task in the plan).
PATHS: dict[str, tuple[str, str]] = {
    "rules": (RULES_CONFIG, "rules"),
    "classifier": (CLASSIFIER_CONFIG, "classifier"),
    "llm": (NO_CLASSIFIER, "llm"),
}


def answer(worker: str = "triage") -> dict[str, Any]:
    """A valid structured routing answer."""
    task = {"worker": worker, "focus": "Look into it.", "confidence": 0.9, "reason": "bench"}
    return {"tasks": [task]}


@dataclass(frozen=True)
class PlanTiming:
    layer: str
    seconds: Stats
    cpu_seconds: Stats
    rss_mb: Stats
    llm_requests: int


def _plan(root: Path, event: Path, env: dict[str, str]) -> tuple[Proc, dict[str, Any]]:
    proc = foreman("plan", "--event", str(event), "--root", ".", env=env, cwd=root).check()
    return proc, proc.json()


def time_plan(layer: str, runs: int, scratch: Path) -> PlanTiming:
    """``runs`` timed plan processes (after one warm-up) whose task is decided by ``layer``."""
    config, expected = PATHS[layer]
    root = write_config(scratch / f"plan-{layer}", config)
    with FakeAnthropic() as llm:
        env = clean_env()
        if layer == "llm":
            llm.script(*(json_reply(answer("debug")) for _ in range(runs + 1)))
            env.update(ANTHROPIC_API_KEY=llm.api_key, ANTHROPIC_BASE_URL=llm.url)
        procs = []
        for _ in range(runs + 1):
            proc, plan = _plan(root, BUG_EVENT, env)
            layers = [t["layer"] for t in plan["tasks"]]
            if layers != [expected]:
                raise BenchError(f"the {layer} path routed by {layers}, not [{expected!r}]")
            procs.append(proc)
        requests = llm.count
    timed = procs[1:]
    return PlanTiming(
        layer,
        Stats.of(p.seconds for p in timed),
        Stats.of(p.cpu_seconds for p in timed),
        Stats.of(p.max_rss_mb for p in timed),
        requests,
    )


def plan_instructions(layer: str, scratch: Path, learned: Path | None = None) -> int:
    """Instructions of one plan process (after a warm-up that writes the bytecode) whose task
    ``layer`` decides: rules or classifier (the LLM path's count would be mostly anthropic's
    import). ``learned``: the learn job's model, as the plan job passes it."""
    config, expected = PATHS[layer]
    root = write_config(scratch / f"plan-ins-{layer}", config)
    extra = ["--learned-model", str(learned)] if learned is not None else []
    proc = foreman(
        "plan", "--event", str(BUG_EVENT), "--root", ".", *extra, env=clean_env(), cwd=root
    )
    plan = proc.check().json()
    if [t["layer"] for t in plan["tasks"]] != [expected]:
        raise BenchError(f"the {layer} path did not route by {expected!r}")
    if learned is not None and "by the model learned" not in plan["tasks"][0]["reason"]:
        raise BenchError("the plan did not use the learned model")
    argv = [PYTHON, "-m", "foreman", "plan", "--event", str(BUG_EVENT), "--root", ".", *extra]
    return instructions(argv, env=clean_env(), cwd=root)


def learned_model(scratch: Path, rows: int = 120) -> Path:
    """A model as the learn job writes it: the shipped corpus plus ``rows`` issues of a
    repository ("gridkit", tests/learn_support.py), for octo/demo (cached in ``scratch``)."""
    import random

    from foreman.classifier.adapt import OwnRow, fit
    from foreman.classifier.corpus import load
    from foreman.classifier.model import save
    from tests.support.learn import TEMPLATES, issue_text

    out = scratch / "learned-model.json.gz"
    if out.is_file():
        return out
    rng = random.Random(0)
    labels = {"bug": "bug", "enhancement": "feature", "question": "question"}
    own = []
    for i in range(rows):
        label = list(TEMPLATES)[i % 3]
        title, body = issue_text(label, rng)
        own.append(OwnRow(title, body, labels[label], f"{i:06d}"))
    model = fit(load(), own, weight=3.0)
    model.threshold = 0.9
    model.meta.update({"repository": REPO, "learned_at": "2026-12-07T00:00:00Z", "own_rows": rows})
    scratch.mkdir(parents=True, exist_ok=True)
    save(model, out)
    return out


def _event(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EVENTS / name).read_text(encoding="utf-8"))
    return data


def seed_demo(fake: FakeGitHub) -> None:
    """``octo/demo`` holding the bundled events' items: #12 bug, #13 docs, #14 question, #15 PR."""
    fake.add_repo(REPO)
    for _ in range(11):
        fake.add_issue(REPO, "older issue", "", state="closed")
    for name in ("issue-bug.json", "issue-docs.json", "issue-question.json"):
        issue = _event(name)["issue"]
        labels = [lab["name"] for lab in issue["labels"]]
        fake.add_issue(REPO, issue["title"], issue["body"], user="octo", labels=labels,
                       author_association="OWNER")  # fmt: skip
    pr = _event("pr-opened.json")["pull_request"]
    number = fake.add_pull(REPO, pr["title"], pr["body"], head=pr["head"]["ref"], user="octo",
                           author_association="OWNER", files=["src/demo/fetch.py"])  # fmt: skip
    assert number == 15, number
    fake.add_collaborator(REPO, "writer", "write")


@dataclass(frozen=True)
class RestCount:
    calls: int  # requests FakeGitHub received
    reported: int  # the plan's own ``rest_calls``
    routes: dict[str, int]
    workers: list[str]


def _rest_cases(scratch: Path) -> dict[str, tuple[str, Path]]:
    """Case -> (config, event file)."""

    def write(name: str, event: dict[str, Any]) -> Path:
        path = scratch / f"{name}.json"
        path.write_text(json.dumps(event), encoding="utf-8")
        return path

    paths_rule, no_paths = README_RULES % PATH_RULE, README_RULES % ""
    alice = _event("issue-bug.json")
    alice["issue"].update(user={"login": "alice", "id": 7, "type": "User"},
                          author_association="NONE")  # fmt: skip
    alice["sender"] = alice["issue"]["user"]
    dispatch = _event("dispatch.json")
    dispatch["inputs"]["number"] = "12"
    return {
        "issues.opened (owner)": (paths_rule, BUG_EVENT),
        "issues.opened (non-owner, code worker)": (paths_rule, write("alice", alice)),
        "pull_request.opened (paths_any rule)": (paths_rule, EVENTS / "pr-opened.json"),
        "pull_request.opened (no path rule)": (no_paths, EVENTS / "pr-opened.json"),
        "issue_comment command (non-owner writer)": (
            paths_rule,
            write("comment", comment_event("writer", "/foreman debug the parser", "COLLABORATOR")),
        ),
        "workflow_dispatch with a number": (paths_rule, write("dispatch", dispatch)),
    }


def plan_rest_calls(scratch: Path, only: Collection[str] | None = None) -> dict[str, RestCount]:
    """GitHub REST calls of one plan per event kind (README-style rules, classifier off)."""
    scratch.mkdir(parents=True, exist_ok=True)
    out: dict[str, RestCount] = {}
    with FakeGitHub() as fake:
        seed_demo(fake)
        env = clean_env(GITHUB_TOKEN=fake.read_token, GITHUB_API_URL=fake.url,
                        FOREMAN_GITHUB_THROTTLE="0")  # fmt: skip
        for n, (case, (config, event)) in enumerate(_rest_cases(scratch).items()):
            if only is not None and case not in only:
                continue
            root = write_config(scratch / f"rest-{n}", config)
            fake.reset_log()
            _, plan = _plan(root, event, env)
            workers = [t["worker"] for t in plan["tasks"]]
            out[case] = RestCount(fake.count(), plan["rest_calls"], fake.counts(), workers)
    return out


@dataclass(frozen=True)
class LlmCount:
    requests: int  # POST /v1/messages FakeAnthropic received
    items: int  # items the plan routed
    layers: list[str]


def llm_calls_per_event(scratch: Path, *, classifier: bool) -> dict[str, LlmCount]:
    """LLM requests of one plan per bundled example event (default config, key set)."""
    root = write_config(scratch / "llm-events", DEFAULT_CONFIG if classifier else NO_CLASSIFIER)
    out: dict[str, LlmCount] = {}
    with FakeGitHub() as fake, FakeAnthropic() as llm:
        seed_demo(fake)
        llm.script(*(json_reply(answer()) for _ in range(50)))
        env = clean_env(GITHUB_TOKEN=fake.read_token, GITHUB_API_URL=fake.url,
                        FOREMAN_GITHUB_THROTTLE="0", ANTHROPIC_API_KEY=llm.api_key,
                        ANTHROPIC_BASE_URL=llm.url)  # fmt: skip
        for event in sorted(EVENTS.glob("*.json")):
            before = llm.count
            _, plan = _plan(root, event, env)
            layers = [t["layer"] for t in plan["tasks"]]
            out[event.name] = LlmCount(llm.count - before, len(plan["items"]), layers)
    return out


@dataclass(frozen=True)
class ImportProfile:
    total: float  # seconds spent importing, all modules
    packages: list[tuple[str, float]]  # heaviest third-party packages, cumulative seconds
    own: list[tuple[str, float]]  # heaviest foreman modules, own (self) seconds


def import_profile(scratch: Path, top: int = 3) -> ImportProfile:
    """Where the plan's import time goes, from ``python -X importtime``."""
    root = write_config(scratch / "imports", RULES_CONFIG)
    argv = [PYTHON, "-X", "importtime", "-m", "foreman", "plan", "--event", str(BUG_EVENT)]
    proc = run([*argv, "--root", "."], env=clean_env(), cwd=root).check()
    rows: list[tuple[str, float, float]] = []  # name, self, cumulative
    for line in proc.stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[0].strip().isdigit():
            rows.append((parts[2].strip(), int(parts[0]) / 1e6, int(parts[1]) / 1e6))
    packages = [(n, c) for n, _, c in rows if "." not in n and n not in ("foreman", "encodings")]
    own = [(n, s) for n, s, _ in rows if n.startswith("foreman.")]
    return ImportProfile(
        sum(s for _, s, _ in rows),
        sorted(packages, key=lambda r: -r[1])[:top],
        sorted(own, key=lambda r: -r[1])[:top],
    )
