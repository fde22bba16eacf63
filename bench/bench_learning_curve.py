"""The learning curve of a repository's own model (issue #23), on the shared issue dataset.

For each of the five projects of ``issues_train.csv`` (columns repo, created_at, label,
title, body): its newest ``--held`` issues (by created_at) are held back; the model is
fitted on the *other* projects' issues (as the shipped corpus would hold them:
``foreman.classifier.corpus.build``) plus the project's N most recent older issues, weighted
``--weight``, for N in 0, 50, 100, 200 (200 = all of its older issues). The threshold is
picked as the learn job picks it: a time-ordered split of those N issues (fit on the older,
calibrate on the newest quarter, at least 30); at N = 0 it is the shipped model's
(leave-one-repository-out) threshold. On the held-back issues it reports macro-F1,
coverage at 90 % precision (the best any threshold could do), the share decided at the
chosen threshold and its precision, and the share that would need the LLM (the rest); and
routed as the plan routes with a learned model and the default classes (bug -> debug,
feature and question -> triage): decided by the class or, at the worker's threshold chosen on
the same slice, by the worker (:mod:`foreman.classifier.routes`), and the share of those
that went to the right worker.

    uv run python -m bench.bench_learning_curve [--cache /tmp/hl_curve] [--json out.json]

Every fit is cached in ``--cache`` (results only), so a rerun prints at once. Skipped
(exit 0, a message) without ../shared.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from foreman.classifier.adapt import (
    OwnRow,
    Scores,
    fit,
    score,
    split,
    threshold_for,
    worker_thresholds_for,
)
from foreman.classifier.corpus import Corpus, build
from foreman.classifier.evaluate import NEVER, coverage_at, macro_f1
from foreman.classifier.model import load
from foreman.classifier.routes import worker_thresholds
from foreman.classifier.terms import FeatureConfig
from tests.support.sharedref import SHARED

CSV_PATH = SHARED / "datasets" / "issue-types" / "issues_train.csv"
POINTS = (0, 50, 100, 200)
GROUPS = {"bug": "debug", "feature": "triage", "question": "triage"}  # the default classes


def read(path: Path) -> dict[str, list[OwnRow]]:
    """Each project's rows, oldest first in *label time*: the CSV took 100 issues of each
    label from different periods (react's bugs are its newest 100 issues, its features its
    oldest), so plain created_at order would hold back almost only bugs and train on almost
    none. Each row's time is its rank among its label's rows by created_at, as a fraction:
    the labels interleave as on a tracker whose mix does not change, and "newer" still means
    newer within each label."""
    csv.field_size_limit(1 << 30)
    raw: dict[str, dict[str, list[dict[str, str]]]] = {}
    with path.open(newline="", encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            raw.setdefault(rec["repo"], {}).setdefault(rec["label"], []).append(rec)
    out: dict[str, list[OwnRow]] = {}
    for repo, by_label in sorted(raw.items()):
        rows = []
        for label, recs in sorted(by_label.items()):
            recs.sort(key=lambda r: r["created_at"])
            for rank, rec in enumerate(recs):
                when = f"{(rank + 0.5) / len(recs):.6f} {label}"
                rows.append(OwnRow(rec["title"], rec["body"], label, when))
        out[repo] = sorted(rows, key=lambda r: r.created_at)
    return out


def others_corpus(projects: dict[str, list[OwnRow]], name: str) -> Corpus:
    """The other projects' rows, as the shipped corpus would hold them."""
    others = [r for k, v in projects.items() if k != name for r in v]
    return build([(r.title, r.body, r.label) for r in others], FeatureConfig(), "others")


def point(
    projects: dict[str, list[OwnRow]], name: str, n: int, held: int, weight: float
) -> dict[str, Any]:
    rows = projects[name]
    test, older = rows[-held:], rows[:-held]
    own = older[len(older) - n :] if n else []
    corpus = others_corpus(projects, name)
    wt: dict[str, float] | None = None  # the worker thresholds (foreman.classifier.routes)
    if own:
        fit_on, calibrate = split(own, 0.25, 30)
        trial = fit(corpus, fit_on, weight=weight)
        threshold = threshold_for(trial, calibrate)
        wt = worker_thresholds_for(trial, calibrate, threshold, GROUPS)
    else:
        shipped = load()  # its thresholds: leave-one-repository-out
        threshold = shipped.threshold
        wt = worker_thresholds(shipped.meta, shipped.labels, GROUPS)
    model = fit(corpus, own, weight=weight)
    s = score(model, test, threshold)
    routed = score(model, test, threshold, GROUPS, wt)
    return {
        "project": name,
        "own": len(own),
        "threshold": round(threshold, 4) if threshold < NEVER else None,
        **s.as_dict(),
        "needs_llm": round(1 - s.decided, 4),
        **_routed(routed),
    }


def _routed(s: Scores) -> dict[str, float]:
    """Routed as the plan routes with the default classes: by class, or by worker."""
    return {
        "routed": round(s.decided, 4),
        "right_worker": round(s.precision, 4),
        "routed_needs_llm": round(1 - s.decided, 4),
        "worker_coverage_at_90": round(s.worker_coverage_at_90, 4),
    }


def rolling(
    projects: dict[str, list[OwnRow]], name: str, step: int, held: int, weight: float
) -> dict[str, Any]:
    """The held-back issues met as the weekly learn job meets them: before each ``step`` of
    them, a model fitted (and its threshold chosen, as the job chooses it) on every older
    issue of the project, the ones held back before these included."""
    rows = projects[name]
    first = len(rows) - held
    corpus = others_corpus(projects, name)
    gold: list[str] = []
    pred: list[str] = []
    conf: list[float] = []
    chosen: list[float] = []
    routed: list[Scores] = []
    for start in range(first, len(rows), step):
        own, batch = rows[:start], rows[start : start + step]
        fit_on, calibrate = split(own, 0.25, 30)
        trial = fit(corpus, fit_on, weight=weight)
        threshold = threshold_for(trial, calibrate)
        wt = worker_thresholds_for(trial, calibrate, threshold, GROUPS)
        model = fit(corpus, own, weight=weight)
        routed.append(score(model, batch, threshold, GROUPS, wt))
        for r in batch:
            label, p = model.best(r.title, r.body)
            gold.append(r.label)
            pred.append(label)
            conf.append(p)
            chosen.append(threshold)
    correct = [g == p for g, p in zip(gold, pred, strict=True)]
    decided = [i for i, (c, t) in enumerate(zip(conf, chosen, strict=True)) if c >= t]
    kept = sum(s.decided * s.rows for s in routed)
    hits = sum(s.decided * s.rows * s.precision for s in routed)
    return {
        "project": name,
        "own": f"all older, refitted every {step}",
        "macro_f1": round(macro_f1(gold, pred, sorted(set(gold)))[0], 4),
        "coverage_at_90": round(coverage_at(conf, correct, 0.9)[0], 4),
        "decided": round(len(decided) / len(gold), 4),
        "precision": round(sum(correct[i] for i in decided) / len(decided), 4) if decided else 0.0,
        "needs_llm": round(1 - len(decided) / len(gold), 4),
        "routed": round(kept / len(gold), 4),
        "right_worker": round(hits / kept, 4) if kept else 0.0,
        "routed_needs_llm": round(1 - kept / len(gold), 4),
    }


def table(results: Sequence[dict[str, Any]]) -> str:
    lines = [
        "| project | own issues | macro-F1 | coverage at 90 % | decided | precision | needs LLM"
        " | routed (class or worker) | to the right worker | needs LLM, routed"
        " | worker coverage at 90 % |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        bound = r.get("worker_coverage_at_90")
        lines.append(
            f"| {r['project']} | {r['own']} | {r['macro_f1']:.3f} | {r['coverage_at_90']:.0%}"
            f" | {r['decided']:.0%} | {r['precision']:.0%} | {r['needs_llm']:.0%}"
            f" | {r['routed']:.0%} | {r['right_worker']:.0%} | {r['routed_needs_llm']:.0%}"
            f" | {'—' if bound is None else f'{bound:.0%}'} |"
        )
    return "\n".join(lines)


def pooled(results: Sequence[dict[str, Any]]) -> list[str]:
    """Per point (``own``), the five projects together (each scores ``--held`` issues): the
    share decided and its precision, by class and routed."""
    out = []
    for own in dict.fromkeys(r["own"] for r in results):
        at = [r for r in results if r["own"] == own]
        by_class, routed = (sum(r[k] for r in at) / len(at) for k in ("decided", "routed"))
        right = sum(r["decided"] * r["precision"] for r in at) / len(at)
        to_worker = sum(r["routed"] * r["right_worker"] for r in at) / len(at)
        what = own if isinstance(own, str) else f"{own} own issues"
        out.append(
            f"{what}, {len(at)} projects pooled: by class {by_class:.1%} decided at"
            f" {right / by_class if by_class else 0.0:.1%} precision; routed {routed:.1%} at"
            f" {to_worker / routed if routed else 0.0:.1%} to the right worker"
        )
    return out


def needed(
    results: Sequence[dict[str, Any]],
    target: float = 0.7,
    key: str = "coverage_at_90",
    precise: str | None = None,
) -> dict[str, int | None]:
    """Per project, the fewest own issues at which ``key`` reaches ``target``: coverage at
    90 % (by class, or ``worker_coverage_at_90``: the best thresholds), or with ``precise``
    (``routed`` and ``right_worker``: the job's own thresholds) a share decided whose
    precision reaches 90 % too."""
    out: dict[str, int | None] = {}
    for r in results:
        out.setdefault(r["project"], None)
        met = r.get(key, 0.0) >= target and (precise is None or r.get(precise, 0.0) >= 0.9)
        if out[r["project"]] is None and met:
            out[r["project"]] = r["own"]
    return out


@dataclass(frozen=True)
class Run:
    """A learning-curve bench's arguments and the projects it runs on."""

    args: argparse.Namespace
    projects: dict[str, list[OwnRow]]
    names: list[str]  # the projects to measure
    cache: Path


def start(
    argv: Sequence[str] | None,
    doc: str | None,
    cache: str,
    points: Sequence[int],
    more: Callable[[argparse.ArgumentParser], None] | None = None,
) -> Run | None:
    """The shared arguments (``--cache --json --held --weight --points --projects``, and
    ``more``'s), the projects read and the cache made; ``None`` (printed: skipped) without
    the training CSV."""
    ap = argparse.ArgumentParser(description=doc)
    ap.add_argument("--cache", default=cache)
    ap.add_argument("--json")
    ap.add_argument("--held", type=int, default=100)
    ap.add_argument("--weight", type=float, default=3.0)
    ap.add_argument("--points", default=",".join(map(str, points)))
    ap.add_argument("--projects", default="", help="comma-separated subset")
    if more is not None:
        more(ap)
    args = ap.parse_args(argv)
    if not CSV_PATH.is_file():
        print(f"skipped: {CSV_PATH} not present")
        return None
    projects = read(CSV_PATH)
    names = [p for p in projects if not args.projects or p in args.projects.split(",")]
    path = Path(args.cache)
    path.mkdir(parents=True, exist_ok=True)
    return Run(args, projects, names, path)


def _rolling_argument(ap: argparse.ArgumentParser) -> None:
    ap.add_argument(
        "--rolling",
        type=int,
        default=0,
        metavar="STEP",
        help="instead: refit on every older issue before each STEP held-back issues",
    )


def main(argv: Sequence[str] | None = None) -> int:
    run = start(argv, __doc__, "/tmp/foreman-learning-curve", POINTS, _rolling_argument)
    if run is None:
        return 0
    args, projects, names, cache = run.args, run.projects, run.names, run.cache
    results = []
    if args.rolling:
        for name in names:
            stem = f"{name.replace('/', '+')}-rolling{args.rolling}-w{args.weight}"
            key = cache / f"{stem}-h{args.held}-r3.json"
            if not key.is_file():
                key.write_text(
                    json.dumps(rolling(projects, name, args.rolling, args.held, args.weight))
                )
            results.append(json.loads(key.read_text()))
            print(key.read_text(), file=sys.stderr, flush=True)
        print(table(results))
        print("\n".join(["", *pooled(results)]))
        return 0
    for name in names:
        for n in map(int, args.points.split(",")):
            key = cache / f"{name.replace('/', '+')}-{n}-w{args.weight}-h{args.held}-r3.json"
            if key.is_file():
                res = json.loads(key.read_text())
            else:
                res = point(projects, name, n, args.held, args.weight)
                key.write_text(json.dumps(res))
            print(json.dumps(res), file=sys.stderr, flush=True)
            results.append(res)
    print(table(results))
    print("\n".join(["", *pooled(results), ""]))
    by_worker = needed(results, key="worker_coverage_at_90")
    by_job = needed(results, key="routed", precise="right_worker")
    for name, least in needed(results).items():
        after, best, job = (
            x if x is not None else ">200" for x in (least, by_worker[name], by_job[name])
        )
        print(
            f"{name}: 70 % decided at >= 90 % precision after {after} (the best threshold);"
            f" 70 % to the right worker at >= 90 % after {best} (the best threshold),"
            f" after {job} (the job's thresholds)"
        )
    if args.json:
        out = {
            "points": results,
            "needed": needed(results),
            "needed_by_worker": by_worker,
            "needed_routed_by_the_job": by_job,
        }
        Path(args.json).write_text(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
