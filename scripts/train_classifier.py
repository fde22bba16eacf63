"""Train the shipped classifier reproducibly.

    uv run python scripts/train_classifier.py \
        --data ../shared/datasets/issue-types/issues_train.csv \
        --out src/foreman/classifier/model.json.gz

Reads a CSV with title, body, label (and optional repo) columns. The abstain
threshold stored in the model is the one at which cross-validated decisions
reach 90 % precision. With a repo column naming two or more repositories it
comes from leave-one-repo-out CV: the shipped model always runs on a
repository it was not trained on, and its confidence on a new repository is
less reliable than k-fold CV (same repositories) suggests. Without one it
comes from --folds-fold CV (--folds 0: no CV, keep --threshold). With the
repo column the model also gets a worker threshold for the default classes
(``foreman.classifier.routes``), from the same leave-one-repo-out predictions.

--corpus FILE also writes the rows in the compact form the learn job fits a repository's
model with (``foreman.classifier.corpus``; shipped as src/foreman/classifier/corpus.bin.xz);
--corpus-only writes just that.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from foreman.classifier import corpus
from foreman.classifier.adapt import OwnRow, pooled_worker_threshold
from foreman.classifier.evaluate import NEVER, cross_validate
from foreman.classifier.model import save
from foreman.classifier.routes import META_GROUPS, META_THRESHOLD
from foreman.classifier.rows import read_rows
from foreman.classifier.terms import FeatureConfig
from foreman.classifier.train import C, train
from foreman.config.models import ClassifierConfig

DEFAULT_GROUPS = ClassifierConfig().classes  # the default routing.classifier.classes


def grouped_worker_threshold(
    rows: list[tuple[str, str, str]], repos: list[str], threshold: float, seed: int, c: float
) -> float:
    """The worker threshold (:mod:`foreman.classifier.routes`) for the default classes, from
    leave-one-repo-out predictions, as the class threshold is chosen: each repository's
    issues scored by a model fitted on the others'."""
    parts = []
    for repo in sorted(set(repos)):
        others = [r for r, g in zip(rows, repos, strict=True) if g != repo]
        mine = [OwnRow(t, b, label, "") for (t, b, label), g in zip(rows, repos, strict=True)
                if g == repo]  # fmt: skip
        parts.append((train(others, seed=seed, threshold=threshold, c=c), mine))
    return pooled_worker_threshold(parts, threshold, DEFAULT_GROUPS)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--threshold", type=float, default=0.65)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--c", type=float, default=C, help=f"inverse L2 strength (default {C})")
    ap.add_argument(
        "--z",
        type=float,
        default=0.0,
        help="discount the CV precision by its Wilson lower bound, z deviations (default 0)",
    )
    ap.add_argument("--corpus", help="also write the compact training rows to this file")
    ap.add_argument("--corpus-only", action="store_true", help="write --corpus, train nothing")
    args = ap.parse_args()
    rows, repos = read_rows(Path(args.data))
    if args.corpus:
        corpus.save(corpus.build(rows, FeatureConfig(), Path(args.data).name), Path(args.corpus))
        print(f"wrote {args.corpus}: {len(rows)} rows, {Path(args.corpus).stat().st_size} bytes")
        if args.corpus_only:
            return 0
    threshold = args.threshold
    cv = grouped = None
    if args.folds:
        cv = cross_validate(rows, args.folds, seed=args.seed, c=args.c, z=args.z)
        threshold = cv["abstain_threshold"]
        print(json.dumps({"cv": cv}, indent=2), file=sys.stderr)
        if all(repos) and len(set(repos)) >= 2:
            grouped = cross_validate(rows, 0, seed=args.seed, groups=repos, c=args.c, z=args.z)
            threshold = grouped["abstain_threshold"]
            print(json.dumps({"grouped_by_repo": grouped}, indent=2), file=sys.stderr)
    worker = None
    if grouped:
        worker = grouped_worker_threshold(rows, repos, threshold, args.seed, args.c)
        print(f"worker threshold (leave-one-repo-out, default classes): {worker:.4f}")
    start = time.perf_counter()
    model = train(rows, seed=args.seed, threshold=threshold, c=args.c)
    model.meta.update({
        "trained_on": Path(args.data).name,
        "train_seconds": round(time.perf_counter() - start, 1),
        "cv_macro_f1": cv["macro_f1"] if cv else None,
        "cv_coverage_at_90": cv["coverage_at_90"] if cv else None,
        "grouped_macro_f1": grouped["macro_f1"] if grouped else None,
        "grouped_coverage_at_90": grouped["coverage_at_90"] if grouped else None,
        "threshold_from": "leave-one-repo-out" if grouped else ("k-fold" if cv else "--threshold"),
    })  # fmt: skip
    if worker is not None and worker < NEVER:
        model.meta.update({META_THRESHOLD: round(worker, 6), META_GROUPS: DEFAULT_GROUPS})
    save(model, Path(args.out))
    print(f"wrote {args.out}: {len(model.vocab)} features, threshold {threshold:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
