"""The benchmark's sections: each measures one thing and turns it into rows with goals."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import (
    bench_ack,
    bench_action,
    bench_jobs,
    bench_lint,
    bench_loops,
    bench_patch,
    bench_plan,
    bench_router,
    bench_secrets,
)
from bench.act_e2e import measure_act, time_install
from bench.bench_proc import Stats
from bench.bench_sandbox import sandbox_section
from bench.bench_table import Row, Section, count, failed, megabytes, skipped, timed
from tests.support.act.harness import copy_action

PLAN_GOAL = 0.3  # seconds, rules or classifier deciding
GATE_PR_GOAL = 10  # REST calls for the PR itself
ACT_GOAL = 20.0  # seconds, docs-typo case end to end
LLM_GOAL = 1  # LLM calls per event
ROUTER_MS_GOAL = 1.0  # ms per issue (DESIGN: "< 1 ms per issue")


@dataclass
class Context:
    scratch: Path
    runs: int = 10  # plan processes per router layer
    samples: int = 5  # fresh action copies (install + first plan run)
    folds: int = 5
    act_runs: int = 1
    skip_act: bool = False
    cold_uv_cache: bool = False
    floor_limit: int | None = None  # issues timed 5 times each (None: the whole CSV)
    instructions: int = 0  # issues counted under valgrind (0: not measured)
    results: dict[str, Any] = field(default_factory=dict)  # shared between sections

    def once(self, key: str, make: Callable[[], Any]) -> Any:
        if key not in self.results:
            self.results[key] = make()
        return self.results[key]

    def action(self) -> bench_action.ActionSamples:
        work = self.scratch / "action"
        samples: bench_action.ActionSamples = self.once(
            "action", lambda: bench_action.action_samples(work, self.samples)
        )
        return samples


@contextmanager
def guarded(section: Section, metric: str) -> Iterator[None]:
    """A failed measurement becomes an ``error`` row; the other rows still get measured."""
    try:
        yield
    except Exception as err:
        section.rows.append(failed(metric, err))


def plan_section(ctx: Context) -> Section:
    s = Section("plan step: one `python -m foreman plan --event issue-bug.json` process per run")
    layers = {
        "rules": "plan, a rule decides",
        "classifier": "plan, the classifier decides",
        "llm": "plan, the LLM decides (FakeAnthropic)",
    }
    cpu: list[str] = []
    for layer, metric in layers.items():
        why = bench_router.classifier_missing() if layer == "classifier" else None
        if why:
            s.rows.append(skipped(metric, why, f"≤ {PLAN_GOAL:g} s"))
            continue
        with guarded(s, metric):
            t = bench_plan.time_plan(layer, ctx.runs, ctx.scratch / "plan")
            ctx.results[f"plan-{layer}"] = t
            s.rows.append(timed(metric, t.seconds, None if layer == "llm" else PLAN_GOAL))
            cpu.append(f"{layer} {t.cpu_seconds.median:.3f} s")
    for layer in ("rules", "classifier") if ctx.instructions else ():
        metric = f"plan, whole process, {layer} path: CPU instructions (valgrind)"
        with guarded(s, metric):
            n = bench_plan.plan_instructions(layer, ctx.scratch / "plan")
            s.rows.append(Row(metric, f"{n / 1e6:.0f} M", value=n))
    if ctx.instructions:
        metric = "plan, whole process, classifier path with a learned model: CPU instructions"
        with guarded(s, metric):
            learned = bench_plan.learned_model(ctx.scratch / "plan")
            n = bench_plan.plan_instructions("classifier", ctx.scratch / "plan", learned)
            s.rows.append(Row(metric, f"{n / 1e6:.0f} M", value=n))
    with guarded(s, "plan via the action"):
        a = ctx.action()
        s.rows.append(
            timed("plan via the action, 1st run in a fresh venv", a.plan_first, PLAN_GOAL)
        )
        s.rows.append(
            timed("plan via the action, 2nd run (.pyc written)", a.plan_second, PLAN_GOAL)
        )
        cpu += [f"action 1st {a.cpu_first.median:.3f} s", f"2nd {a.cpu_second.median:.3f} s"]
    s.notes += [
        "Wall time of the whole process (interpreter start, imports, config, routing, output) as"
        " seen by the caller; median after one warm-up run. Bytecode is cached (a private"
        " PYTHONPYCACHEPREFIX filled by the warm-up), as on a runner whose venv holds .pyc.",
        "A rule decides: `title: crash -> debug`. The classifier decides: no rules,"
        " min_confidence 0.5 (it decides whatever the shipped threshold). The LLM"
        " decides: classifier off, ANTHROPIC_API_KEY/BASE_URL pointing at"
        " FakeAnthropic on 127.0.0.1 (one structured answer per run); it pays the anthropic"
        " import and a local HTTP round trip, so it has no 0.3 s goal.",
        "Via the action: each sample is a fresh action copy and venv (action_install.py), then"
        " `<venv>/bin/python -I scripts/action_run.py` twice, as action.yml runs it. uv sync"
        " writes no bytecode, so the 1st run compiles what it imports: this is the plan step on"
        " a GitHub-hosted runner, whose tool cache does not outlive the job.",
    ]
    s.notes.append(
        "CPU time (user + system) medians, less sensitive to other load on the machine: "
        + ", ".join(cpu)
        + "."
    )
    with guarded(s, "import profile"):
        p = bench_plan.import_profile(ctx.scratch / "plan")
        heavy = ", ".join(f"{n} {t:.3f} s" for n, t in p.packages)
        own = ", ".join(f"{n} {t:.3f} s" for n, t in p.own)
        s.notes.append(
            "Imports (python -X importtime, one run, bytecode cached, inflated by the tracing):"
            f" {p.total:.3f} s in all. Heaviest packages: {heavy}."
            f" Heaviest foreman modules (own time): {own}."
        )
    return s


def rest_section(ctx: Context) -> Section:
    s = Section("GitHub REST calls, counted by FakeGitHub")
    # The issue's goal: 0 for issue and PR events. A `paths_any` rule needs the PR's file list,
    # which the payload lacks: one call, by design (no goal).
    goals = {"issues.opened (owner)": 0, "pull_request.opened (no path rule)": 0}
    with guarded(s, "plan REST calls"):
        for case, c in bench_plan.plan_rest_calls(ctx.scratch / "rest").items():
            limit = goals.get(case)
            routes = ", ".join(f"{r} {n}" for r, n in c.routes.items()) or "none"
            s.rows.append(count(f"plan: {case}", c.calls, limit, f"{c.calls} ({routes})"))
            if c.reported != c.calls:
                s.notes.append(
                    f"plan: {case}: the plan reports rest_calls={c.reported}, FakeGitHub saw"
                    f" {c.calls}."
                )
    gates: dict[str, bench_jobs.GateRun] = {}
    for scenario in bench_jobs.GATE_SCENARIOS:
        metric = f"gate: {scenario}"
        with guarded(s, metric):
            g = bench_jobs.run_gate(scenario, ctx.scratch / "gate" / scenario.replace(" ", "-"))
            gates[scenario] = g
            limit = GATE_PR_GOAL if g.pr_calls else None
            text = f"{g.pr_calls} PR + {g.item_calls} item = {g.total} ({g.decision})"
            row = count(metric, g.pr_calls, limit, text)
            row.goal = f"PR ≤ {GATE_PR_GOAL}" if limit else "—"
            row.raw = {"pr": g.pr_calls, "item": g.item_calls, "routes": g.routes}
            s.rows.append(row)
    ctx.results["gate"] = gates
    s.notes += [
        "Plan: one process per event with a read-only token, README-style rules (docs labels ->"
        " docs, `title: crash` -> debug, PR `paths_any: **/*.py` -> lint-fix), classifier off."
        " A code-writing worker for someone who is not the repo owner costs one permission"
        " check (by design); a `paths_any` rule costs the PR's file list.",
        "Gate: one `python -m foreman gate` process per scenario (tests/support/gate.py, as in"
        " test_gate.py), PyGithub pacing off. 'PR' = calls for the PR, branch and git data;"
        " 'item' = calls on /issues/<n> (re-read, status comment, labels). 'opened PR' carries"
        " a PR label as test_gate's C01 does. Decision in brackets.",
    ]
    return s


def llm_section(ctx: Context) -> Section:
    s = Section("LLM calls (FakeAnthropic), and issues decided without the LLM")
    has_classifier = bench_router.classifier_missing() is None
    with guarded(s, "LLM calls per event"):
        per = bench_plan.llm_calls_per_event(ctx.scratch / "llm", classifier=has_classifier)
        single = {k: v for k, v in per.items() if v.items <= 1}
        worst = max(v.requests for v in single.values())
        row = count(f"LLM calls per event (max of {len(single)} events)", worst, LLM_GOAL)
        row.raw = {k: vars(v) for k, v in per.items()}
        s.rows.append(row)
        for name, v in per.items():
            if v.items > 1:
                ratio = v.requests / v.items
                text = f"{ratio:g} ({v.requests} calls / {v.items} items)"
                s.rows.append(count(f"LLM calls per item, sweep {name}", ratio, LLM_GOAL, text))
        listed = ", ".join(
            f"{k} {v.requests} ({'/'.join(v.layers) or '-'})" for k, v in per.items()
        )
        s.notes.append(
            "Each bundled example event planned once with the default config"
            + ("" if has_classifier else " but the classifier off (module missing)")
            + f", a key set and FakeGitHub holding the items: {listed}."
        )
    metric = "issues decided without the LLM (train CSV)"
    why = bench_router.missing()
    if why:
        s.rows.append(skipped(metric, why))
    else:
        with guarded(s, metric):
            share = bench_router.share_without_llm()
            text = f"{share.ratio:.1%} ({share.decided}/{share.total})"
            s.rows.append(Row(metric, text, value=share.ratio, raw=vars(share)))
            s.rows.append(
                count(
                    "prediction per issue, shipped model (train CSV)",
                    share.ms_per_issue,
                    ROUTER_MS_GOAL,
                    f"{share.ms_per_issue:.2f} ms",
                )
            )
            floor = bench_router.prediction_floor(limit=ctx.floor_limit)
            s.rows.append(
                count(
                    f"prediction per issue, fastest of {floor.repeats} runs each (train CSV)",
                    floor.mean,
                    ROUTER_MS_GOAL,
                    f"{floor.mean:.2f} ms mean, {floor.median:.2f} median, {floor.p90:.2f} p90",
                )
            )
            s.notes.append(
                "Share: no rules, the shipped classifier at its default threshold over"
                f" {bench_router.CSV_PATH.name}; the share it does not abstain on"
                f" ({share.by_label}). In-sample if the shipped model was fitted on this file."
            )
    metric = "CPU instructions per prediction (valgrind, train CSV)"
    if ctx.instructions and not why:
        with guarded(s, metric):
            ins = bench_router.prediction_instructions(limit=ctx.instructions)
            text = f"{ins.per_prediction / 1e6:.2f} M (first {ins.issues} issues)"
            s.rows.append(Row(metric, text, raw=vars(ins)))
    return s


def router_section(ctx: Context) -> Section:
    s = Section(f"router: `foreman eval-router --folds {ctx.folds}` on the train CSV")
    why = bench_router.missing(command="eval_router")
    names = (
        "router macro-F1",
        "router coverage at 90% precision",
        "router ms per issue",
        "router, one model per repository: macro-F1 / coverage at 90%",
    )
    if why:
        s.rows += [skipped(n, why) for n in names]
    else:
        with guarded(s, "eval-router"):
            ev = bench_router.eval_router(folds=ctx.folds)
            sc = ev.scores
            s.rows += [
                Row(names[0], f"{sc['macro_f1']:.3f}", value=sc["macro_f1"], raw=sc),
                Row(names[1], f"{sc['coverage_at_90']:.1%}", value=sc["coverage_at_90"]),
                count(names[2], sc["ms_per_issue"], ROUTER_MS_GOAL, f"{sc['ms_per_issue']:.3f}"),
            ]
            per = sc["per_repo"]
            shown = f"{per['macro_f1']:.3f} / {per['coverage_at_90']:.1%} (mean of {per['repos']})"
            s.rows.append(Row(names[3], shown, value=per["macro_f1"]))
            s.notes.append(
                f"Cross-validated, {ctx.folds} folds; eval-router took {ev.seconds:.1f} s."
                f" Abstain threshold {sc['abstain_threshold']}. Per class: {sc['per_class']}."
                " One model per repository: each project's issues alone, the same folds"
                " within it, macro-F1 and coverage averaged over the projects, which is how"
                " the published macro-F1 on the test split was computed: fastText 0.718,"
                " RoBERTa 0.792, SetFit 0.824. Per project: "
                + ", ".join(f"{r} {v['macro_f1']:.3f}" for r, v in per["by_repo"].items())
                + "."
            )
    metric = "classifier import + model load + first prediction"
    if why_model := bench_router.classifier_missing():
        s.rows.append(skipped(metric, why_model))
        return s
    with guarded(s, metric):
        imp, load, first = bench_router.model_load(max(3, ctx.runs // 2))
        total = Stats.of([imp.median + load.median + first.median])
        row = timed(metric, total)
        row.display = (
            f"{imp.median * 1000:.0f} ms import + {load.median * 1000:.0f} ms load"
            f" + {first.median * 1000:.1f} ms first prediction"
        )
        row.raw = {"import": imp.as_json(), "load": load.as_json(), "first": first.as_json()}
        s.rows.append(row)
        s.notes.append(
            "Model load: a fresh process per run, bytecode cached; medians. The first"
            " prediction also folds idf into the class weights (once per model)."
        )
    return s


def install_section(ctx: Context) -> Section:
    s = Section("action install step (scripts/action_install.py)")
    with guarded(s, "install"):
        a = ctx.action()
        s.rows.append(timed("install, new venv, copied + verified (default)", a.install_cold))
        s.rows.append(timed("install, new venv, hardlinked + verified", a.install_warm))
    if ctx.cold_uv_cache:
        metric = "install, empty uv cache (downloads from PyPI)"
        with guarded(s, metric):
            work = ctx.scratch / "install-cold"
            action = copy_action(work / "action")
            value = time_install(action, work / "cache", uv_cache=work / "uv-cache")
            s.rows.append(timed(metric, Stats.of([value])))
    s.notes.append(
        "Every job builds a new venv under RUNNER_TEMP (S12: none is reused), with uv's download"
        " cache as this machine has it (warm: nothing downloaded), and checks every file against"
        " its wheel's RECORD. 'Copied' is the default (--link-mode copy: nothing a job does to its"
        " venv reaches the cache); 'hardlinked' is UV_LINK_MODE=hardlink, for comparison."
        + (
            " 'Empty uv cache' = a new UV_CACHE_DIR too: every wheel from PyPI over the network."
            if ctx.cold_uv_cache
            else " A truly empty uv cache (downloads) was not measured: pass --cold-uv-cache."
        )
    )
    return s


def act_section(ctx: Context) -> Section:
    s = Section("end to end under act: docs-typo issue -> plan -> docs worker -> review -> gate")
    metric = "act docs-typo, wall time"
    if ctx.skip_act:
        s.rows.append(skipped(metric, "--skip-act", f"≤ {ACT_GOAL:g} s"))
        return s
    with guarded(s, metric):
        runs = measure_act(ctx.scratch / "act", ctx.act_runs)
        row = timed(metric, Stats.of(t for t, _, _ in runs), ACT_GOAL, digits=2)
        row.raw = {**row.raw, "outcomes": [o for _, o, _ in runs]}
        s.rows.append(row)
        for key in ("first comment", "gate's update"):
            values = [m[key] for _, _, m in runs if key in m]
            if values:
                s.rows.append(timed(f"act docs-typo, event -> {key}", Stats.of(values), digits=1))
        s.notes.append(
            "bench/act_e2e.py: `act issues` in host mode against FakeGitHub and FakeAnthropic,"
            " venv prebuilt, PyGithub's production pacing (1 s between writes) on."
            f" Outcomes: {'; '.join(sorted({o for _, o, _ in runs}))}. 'First comment' is the"
            " ack job's status comment (POST), 'gate's update' the gate's PATCH of it, both as"
            " FakeGitHub logged them, in seconds after act started."
        )
    return s


def memory_section(ctx: Context) -> Section:
    s = Section("peak memory (max RSS of the process, via wait4) and wall time of one job")
    for layer in ("rules", "llm"):
        t = ctx.results.get(f"plan-{layer}")
        metric = f"peak RSS, plan ({layer} path)"
        s.rows.append(megabytes(metric, t.rss_mb) if t else skipped(metric, "plan not measured"))
    with guarded(s, "peak RSS, work (lint-fix)"):
        w = bench_jobs.run_lint_fix(ctx.scratch / "work")
        s.rows.append(megabytes("peak RSS, work (lint-fix)", Stats.of([w.proc.max_rss_mb])))
        s.rows.append(timed("wall time, work (lint-fix)", Stats.of([w.proc.seconds]), digits=2))
    g = ctx.results.get("gate", {}).get("opened PR")
    if g is None:
        s.rows.append(skipped("peak RSS, gate (opened PR)", "gate not measured"))
    else:
        s.rows.append(megabytes("peak RSS, gate (opened PR)", Stats.of([g.proc.max_rss_mb])))
        s.rows.append(timed("wall time, gate (opened PR)", Stats.of([g.proc.seconds]), digits=2))
    s.notes.append(
        "RSS from os.wait4 on each child (its own peak, or its largest waited-for child, e.g."
        " ruff under work). Work: lint-fix on tests/support/sample_repos.py's LINT_FILES repo."
        " Gate: the 'opened PR' scenario above, PyGithub pacing off (on a runner each write"
        " waits 1 s)."
    )
    return s


SECTIONS: tuple[Callable[[Context], Section], ...] = (
    plan_section,
    rest_section,
    bench_ack.section,
    llm_section,
    router_section,
    install_section,
    act_section,
    memory_section,
    bench_patch.section,
    bench_secrets.secrets_section,
    sandbox_section,
    bench_loops.section,
    bench_lint.section,
)
