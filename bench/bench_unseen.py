"""Out of the box on a project the model has never seen (issue #23, item 4).

Leave-one-repository-out on ``issues_train.csv``: for each of the five projects, a model
fitted on the other four predicts all of its issues. On those predictions:

* ``global``: one abstain threshold, chosen (>= 90 % precision) on the *other* projects'
  leave-one-out predictions and applied to this one (how the shipped threshold is chosen);
* ``per_class``: one threshold per predicted class, chosen the same way (calibration per
  class: a confident "feature" may be worth less than a confident "bug");
* ``oracle``: coverage at 90 % with the best threshold for this project (not reachable
  without its labels; the upper bound of a single threshold).

    uv run python -m bench.bench_unseen [--cache /tmp/foreman-unseen]

The five fits are cached (predictions only). Skipped without ../shared.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from foreman.classifier.evaluate import coverage_at, macro_f1
from foreman.classifier.rows import read_rows
from foreman.classifier.train import train
from tests.support.sharedref import SHARED

CSV_PATH = SHARED / "datasets" / "issue-types" / "issues_train.csv"
Pred = tuple[str, str, float]  # gold, predicted, confidence


def predictions(cache: Path) -> dict[str, list[Pred]]:
    rows, repos = read_rows(CSV_PATH)
    out: dict[str, list[Pred]] = {}
    for repo in sorted(set(repos)):
        key = cache / f"{repo.replace('/', '+')}.json"
        if not key.is_file():
            model = train([r for r, g in zip(rows, repos, strict=True) if g != repo])
            preds = []
            for (title, body, gold), g in zip(rows, repos, strict=True):
                if g == repo:
                    probs = model.proba(title, body)
                    best = max(range(len(probs)), key=probs.__getitem__)
                    preds.append((gold, model.labels[best], probs[best]))
            key.write_text(json.dumps(preds))
        out[repo] = [tuple(p) for p in json.loads(key.read_text())]
        print(f"{repo}: {len(out[repo])} predictions", file=sys.stderr)
    return out


def threshold(preds: Sequence[Pred], precision: float = 0.9) -> float:
    """The lowest confidence that decides ``preds`` at ``precision`` (1.01: none does)."""
    cov, thr = coverage_at([p[2] for p in preds], [p[0] == p[1] for p in preds], precision)
    return thr if cov > 0 else 1.01


def decided(preds: Sequence[Pred], thresholds: dict[str, float]) -> tuple[float, float]:
    kept = [p for p in preds if p[2] >= thresholds.get(p[1], 1.01)]
    prec = sum(p[0] == p[1] for p in kept) / len(kept) if kept else 0.0
    return len(kept) / len(preds), prec


def evaluate(preds: dict[str, list[Pred]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    labels = sorted({p[0] for ps in preds.values() for p in ps})
    for repo, own in preds.items():
        others = [p for r, ps in preds.items() if r != repo for p in ps]
        glob = threshold(others)
        per = {c: threshold([p for p in others if p[1] == c]) for c in labels}
        oracle = coverage_at([p[2] for p in own], [p[0] == p[1] for p in own])[0]
        out[repo] = {
            "macro_f1": round(macro_f1([p[0] for p in own], [p[1] for p in own], labels)[0], 4),
            "global": [round(x, 4) for x in decided(own, dict.fromkeys(labels, glob))],
            "per_class": [round(x, 4) for x in decided(own, per)],
            "oracle_coverage_at_90": round(oracle, 4),
            "thresholds": {"global": round(glob, 4), **{c: round(t, 4) for c, t in per.items()}},
        }
    return out


def cache_dir(
    argv: Sequence[str] | None, doc: str | None, default: str = "/tmp/foreman-unseen"
) -> Path | None:
    """The ``--cache`` directory of the predictions (made), or ``None`` (printed: skipped)
    without the training CSV."""
    ap = argparse.ArgumentParser(description=doc)
    ap.add_argument("--cache", default=default)
    args = ap.parse_args(argv)
    if not CSV_PATH.is_file():
        print(f"skipped: {CSV_PATH} not present")
        return None
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    return cache


def main(argv: Sequence[str] | None = None) -> int:
    cache = cache_dir(argv, __doc__)
    if cache is None:
        return 0
    result = evaluate(predictions(cache))
    print("| project | macro-F1 | decided / precision, one threshold | per class | best single |")
    print("|---|---:|---:|---:|---:|")
    for repo, r in result.items():
        g, p = r["global"], r["per_class"]
        print(
            f"| {repo} | {r['macro_f1']:.3f} | {g[0]:.0%} / {g[1]:.0%} | {p[0]:.0%} / {p[1]:.0%}"
            f" | {r['oracle_coverage_at_90']:.0%} |"
        )
    print(json.dumps(result, indent=1), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
