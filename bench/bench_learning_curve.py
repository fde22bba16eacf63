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
chosen threshold and its precision, and the share that would need the LLM (the rest).

    uv run python -m bench.bench_learning_curve [--cache /tmp/hl_curve] [--json out.json]

Every fit is cached in ``--cache`` (results only), so a rerun prints at once. Skipped
(exit 0, a message) without ../shared.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from foreman.classifier.adapt import OwnRow, fit, score, split, threshold_for
from foreman.classifier.corpus import build
from foreman.classifier.evaluate import NEVER
from foreman.classifier.model import load
from foreman.classifier.terms import FeatureConfig
from tests.support.sharedref import SHARED

CSV_PATH = SHARED / "datasets" / "issue-types" / "issues_train.csv"
POINTS = (0, 50, 100, 200)


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


def point(
    projects: dict[str, list[OwnRow]], name: str, n: int, held: int, weight: float
) -> dict[str, Any]:
    rows = projects[name]
    test, older = rows[-held:], rows[:-held]
    own = older[len(older) - n :] if n else []
    others = [r for k, v in projects.items() if k != name for r in v]
    corpus = build([(r.title, r.body, r.label) for r in others], FeatureConfig(), "others")
    if own:
        fit_on, calibrate = split(own, 0.25, 30)
        threshold = threshold_for(fit(corpus, fit_on, weight=weight), calibrate)
    else:
        threshold = load().threshold  # leave-one-repository-out, shipped
    model = fit(corpus, own, weight=weight)
    s = score(model, test, threshold)
    return {
        "project": name,
        "own": len(own),
        "threshold": round(threshold, 4) if threshold < NEVER else None,
        **s.as_dict(),
        "needs_llm": round(1 - s.decided, 4),
    }


def table(results: Sequence[dict[str, Any]]) -> str:
    lines = [
        "| project | own issues | macro-F1 | coverage at 90 % | decided | precision | needs LLM |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['project']} | {r['own']} | {r['macro_f1']:.3f} | {r['coverage_at_90']:.0%}"
            f" | {r['decided']:.0%} | {r['precision']:.0%} | {r['needs_llm']:.0%} |"
        )
    return "\n".join(lines)


def needed(results: Sequence[dict[str, Any]], target: float = 0.7) -> dict[str, int | None]:
    """Per project, the fewest own issues at which coverage at 90 % reaches ``target``."""
    out: dict[str, int | None] = {}
    for r in results:
        out.setdefault(r["project"], None)
        if out[r["project"]] is None and r["coverage_at_90"] >= target:
            out[r["project"]] = r["own"]
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cache", default="/tmp/foreman-learning-curve")
    ap.add_argument("--json")
    ap.add_argument("--held", type=int, default=100)
    ap.add_argument("--weight", type=float, default=3.0)
    ap.add_argument("--points", default=",".join(map(str, POINTS)))
    ap.add_argument("--projects", default="", help="comma-separated subset")
    args = ap.parse_args(argv)
    if not CSV_PATH.is_file():
        print(f"skipped: {CSV_PATH} not present")
        return 0
    projects = read(CSV_PATH)
    names = [p for p in projects if not args.projects or p in args.projects.split(",")]
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    results = []
    for name in names:
        for n in map(int, args.points.split(",")):
            key = cache / f"{name.replace('/', '+')}-{n}-w{args.weight}-h{args.held}.json"
            if key.is_file():
                res = json.loads(key.read_text())
            else:
                res = point(projects, name, n, args.held, args.weight)
                key.write_text(json.dumps(res))
            print(json.dumps(res), file=sys.stderr, flush=True)
            results.append(res)
    print(table(results))
    print()
    for name, least in needed(results).items():
        after = least if least is not None else ">200"
        print(f"{name}: 70 % decided at >= 90 % precision after {after}")
    if args.json:
        Path(args.json).write_text(json.dumps({"points": results, "needed": needed(results)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
