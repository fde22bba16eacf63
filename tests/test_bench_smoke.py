"""bench/run.py does not rot: its cheapest measurements run once and return numbers.

Behaviour and shape only; how fast anything is belongs to the benchmark's output.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from bench import (
    bench_ack,
    bench_jobs,
    bench_loops,
    bench_patch,
    bench_plan,
    bench_proc,
    bench_router,
)
from bench import run as bench_run
from bench.bench_proc import Stats
from bench.bench_table import Section, as_json, count, render, skipped, timed


def test_cli_arguments() -> None:
    args = bench_run.parse_args(["--quick", "--skip-act", "--json", "out.json"])
    assert args.quick and args.skip_act and args.json == "out.json" and not args.cold_uv_cache


def test_a_process_is_timed_and_its_peak_rss_read() -> None:

    code = "import sys; x = bytearray(40 << 20); print('hi'); sys.exit(3)"
    proc = bench_proc.run([sys.executable, "-c", code], env=bench_proc.clean_env())
    assert (proc.returncode, proc.stdout) == (3, "hi\n")
    assert proc.seconds > 0 and proc.max_rss_mb >= 40  # the child's own peak, not ours
    with pytest.raises(bench_proc.BenchError, match="exited 3"):
        proc.check()


def test_plan_timing_returns_stats_for_the_rules_path(tmp_path: Path) -> None:

    timing = bench_plan.time_plan("rules", 1, tmp_path)
    assert timing.layer == "rules" and timing.llm_requests == 0
    assert timing.seconds.n == 1 and timing.seconds.median > 0
    assert timing.rss_mb.median > 0


def test_plan_rest_calls_are_counted_per_event_kind(tmp_path: Path) -> None:

    cases = ("issues.opened (owner)", "workflow_dispatch with a number")
    counts = bench_plan.plan_rest_calls(tmp_path, only=cases)
    assert tuple(counts) == cases
    for case, c in counts.items():
        assert isinstance(c.calls, int) and c.calls == sum(c.routes.values()), case
        assert c.workers == ["debug"], case
    assert counts["workflow_dispatch with a number"].routes == {"issues/get": 1}


def test_gate_scenario_counts_calls_and_memory(tmp_path: Path) -> None:

    run = bench_jobs.run_gate("opened PR", tmp_path / "gate")
    assert run.decision == "pull request"
    assert run.pr_calls > 0 and run.item_calls > 0 and run.total == sum(run.routes.values())
    assert run.proc.max_rss_mb > 0 and run.proc.seconds > 0


def test_router_measurements_say_why_they_cannot_run(tmp_path: Path) -> None:

    why = bench_router.missing(tmp_path / "absent.csv")
    assert why is not None and ("does not exist yet" in why or "absent.csv" in why)


def small_csv(tmp_path: Path) -> Path:
    data = tmp_path / "issues.csv"
    data.write_text(
        'title,body,label\ncrash on start,"Traceback (most recent call last):",bug\n'
        "add dark mode,it would be nice,feature\nhow do I?,,question\n"
    )
    return data


def test_prediction_floor_times_every_issue(tmp_path: Path) -> None:

    floor = bench_router.prediction_floor(small_csv(tmp_path), repeats=2)
    assert floor.repeats == 2 and 0 < floor.median <= floor.p90
    assert floor.mean > 0


def cached_bytecode(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """As bench/run.py runs its children: the warm-up run writes bytecode the counted run reads
    (compiling under valgrind would take a minute)."""
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)
    monkeypatch.setenv("PYTHONPYCACHEPREFIX", str(tmp_path / "pycache"))


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_prediction_instructions_are_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:

    cached_bytecode(monkeypatch, tmp_path)

    ins = bench_router.prediction_instructions(small_csv(tmp_path), limit=3)
    # three short issues: ~0.6 M instructions each; folding the vocabulary would add ~10 M
    assert ins.issues == 3 and 50_000 < ins.per_prediction < 3_000_000


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_plan_instructions_are_counted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:

    cached_bytecode(monkeypatch, tmp_path)

    # interpreter start alone is ~35 M; the rules path imports pydantic and the config models
    assert 200_000_000 < bench_plan.plan_instructions("rules", tmp_path) < 5_000_000_000


def test_table_and_json() -> None:

    section = Section(
        "s",
        [
            timed("fast", Stats.of([0.1, 0.2, 0.3]), 0.3),
            count("calls", 12, 10),
            skipped("absent", "no data"),
        ],
        ["a note"],
    )
    text = render([section])
    assert text.splitlines()[0].split() == ["metric", "value", "goal", "met?"]
    assert [r.met_text for r in section.rows] == ["yes", "NO", "skipped"]
    assert "0.200 s (min 0.100, max 0.300, n=3)" in text
    data = json.loads(json.dumps(as_json([section])))
    assert data[0]["rows"][1]["value"] == 12 and data[0]["notes"] == ["a note"]


def test_patch_placement_section_reports_the_bound() -> None:

    section = bench_patch.patch_section(1)
    assert "1,000,000 compared lines per patch" in section.title
    assert len(section.rows) == 3 * len(bench_patch.LINES)
    assert all("lines compared" in row.display for row in section.rows)


def test_loops_rest_calls_are_counted(tmp_path: Path) -> None:

    rest, reported, downloads, brief = bench_loops.run_plan_calls(1, tmp_path / "ci")
    assert (rest, reported, downloads) == (2, 2, 1) and brief > 0


def test_ack_section_counts_rest_calls_per_event(tmp_path: Path) -> None:

    calls = bench_ack.ack_calls(tmp_path)
    assert set(calls) == {"issues.opened", "issue_comment /foreman", "re-run of issues.opened"}
    for total, routes in calls.values():
        assert total == sum(routes.values()) and total <= bench_ack.ACK_GOAL
    assert "reactions/create-for-issue-comment" in calls["issue_comment /foreman"][1]


def test_threshold_rules_are_scored_on_the_held_back_issues_pooled() -> None:
    """bench_thresholds: each rule's threshold comes from the issues it may see (the newest
    slice, out-of-fold), and is scored on the held-back ones, pooled over projects."""
    from bench import bench_thresholds

    labels = ["bug", "question"]

    def scored(test: list[tuple[str, float]]) -> dict[str, object]:
        # Calibration: "bug" at 0.9 right, at 0.6 wrong, so 90 % precision needs >= 0.9.
        cal = [["bug", [0.9, 0.1]], ["question", [0.6, 0.4]]]
        return {
            "labels": labels,
            "test": [[g, [p, 1 - p]] for g, p in test],
            "newest": cal,
            "oof": cal,
        }

    data = {
        ("a", 50): scored([("bug", 0.95), ("question", 0.92), ("bug", 0.5)]),
        ("b", 50): scored([("bug", 0.99)]),
    }
    results = {r["rule"]: r for r in bench_thresholds.evaluate(data)}
    slice_ = results["newest slice"]
    # Three of four held-back issues reach 0.9; two of those three are right.
    assert slice_["decided"] == 0.75 and slice_["precision"] == round(2 / 3, 4)
    assert slice_["per_project"] == {"a": [round(2 / 3, 4), 0.5], "b": [1.0, 1.0]}
    assert "| newest slice | 75% / 67% |" in bench_thresholds.table(list(results.values()))


def test_the_learning_curve_benches_skip_without_the_dataset(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from bench import bench_learning_curve, bench_routed, bench_thresholds, bench_unseen

    monkeypatch.setattr(bench_learning_curve, "CSV_PATH", tmp_path / "absent.csv")
    monkeypatch.setattr(bench_unseen, "CSV_PATH", tmp_path / "absent.csv")
    for bench in (bench_learning_curve, bench_thresholds, bench_routed):
        assert bench.main(["--cache", str(tmp_path / "cache")]) == 0
        assert capsys.readouterr().out == f"skipped: {tmp_path / 'absent.csv'} not present\n"


def test_routed_bench_chooses_thresholds_on_the_other_projects() -> None:
    """bench_routed: each project scored with thresholds chosen on the other projects'
    predictions; one worker threshold for all, and each worker's own."""
    from bench import bench_routed

    labels = ["bug", "feature", "question"]
    sure_bug, unsure_triage, likely_bug = [0.97, 0.02, 0.01], [0.05, 0.5, 0.45], [0.85, 0.1, 0.05]
    # Each project's 46 issues: debug right on 23 of 26 and triage on 20 of 20 at one threshold
    # for all (0.85, 43 of 46 right); each worker's own leaves the likely bugs to the LLM.
    rows = ([("bug", sure_bug)] * 20 + [("question", unsure_triage)] * 20
            + [("bug", likely_bug), ("question", likely_bug)] * 3)  # fmt: skip
    probs = {name: (labels, list(rows)) for name in ("a", "b")}
    out = bench_routed.evaluate(probs)
    assert out["a"]["thresholds"] == [0.97, 0.85]
    assert out["a"]["by_class_or_worker"] == [1.0, 43 / 46, 46, 43]
    assert out["a"]["each_worker"] == [40 / 46, 1.0, 40, 40]
    shown = bench_routed.table(out)
    assert "| all (92 issues, pooled; best: mean) | | 43.5% / 100.0% | 100.0% / 93.5% |" in shown
    assert "| 87.0% / 100.0% |" in shown


def test_learning_curve_pools_each_point_over_the_projects() -> None:
    from bench import bench_learning_curve

    def r(project: str, own: int, decided: float, precision: float) -> dict[str, object]:
        return {"project": project, "own": own, "decided": decided, "precision": precision,
                "routed": 2 * decided, "right_worker": 1.0}  # fmt: skip

    lines = bench_learning_curve.pooled([r("a", 50, 0.2, 1.0), r("b", 50, 0.4, 0.5)])
    # 20 of 100 and 40 of 100 decided, 20 + 20 right: 30 % at 66.7 %.
    assert lines == [
        "50 own issues, 2 projects pooled: by class 30.0% decided at 66.7% precision;"
        " routed 60.0% at 100.0% to the right worker"
    ]


def test_learning_curve_needs_both_the_share_and_the_precision_at_the_jobs_thresholds() -> None:
    from bench import bench_learning_curve

    results = [
        {"project": "a", "own": 50, "routed": 0.8, "right_worker": 0.85},  # too imprecise
        {"project": "a", "own": 100, "routed": 0.72, "right_worker": 0.91},
        {"project": "b", "own": 50, "routed": 0.6, "right_worker": 0.99},  # too few
    ]
    assert bench_learning_curve.needed(results, key="routed", precise="right_worker") == {
        "a": 100,
        "b": None,
    }
