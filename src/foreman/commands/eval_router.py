"""``foreman eval-router --data CSV [--folds K]``: score the classifier; prints JSON.

Keys relied on by release checks: ``macro_f1``, ``per_class``, ``coverage_at_90``,
``abstain_threshold``, ``ms_per_issue``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foreman.commands import probability

if TYPE_CHECKING:
    from foreman.routing.train import Row
    from foreman.settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True, help="CSV with title, body, label columns")
    parser.add_argument(
        "--folds",
        type=int,
        help="k-fold CV of the training procedure (absent or 0: score the model on the CSV)",
    )
    parser.add_argument(
        "--group-by-repo",
        action="store_true",
        help="also leave-one-repo-out CV (needs a repo column)",
    )
    parser.add_argument(
        "--per-repo",
        action="store_true",
        help="also the same evaluation on each repository's rows alone (with --folds: one"
        " model per repository, as the benchmark's published baselines), and the means over"
        " repositories (needs a repo column)",
    )
    parser.add_argument(
        "--min-confidence", type=probability, help="abstain threshold to score (0 to 1)"
    )
    parser.add_argument("--model", help="model file to score (default: the shipped model)")
    parser.add_argument("--seed", type=int, default=0)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from foreman.errors import Location, UsageError
    from foreman.progress import Progress
    from foreman.routing.classifier import Classifier
    from foreman.routing.evaluate import cross_validate, per_repository, read_rows, score_model

    clf = None if args.folds else Classifier.load(Path(args.model) if args.model else None)
    rows, repos = read_rows(Path(args.data), None if clf is None else clf.labels)
    for flag, wanted in (("--group-by-repo", args.group_by_repo), ("--per-repo", args.per_repo)):
        if wanted and not all(repos):
            raise UsageError(
                f"{flag} needs a non-empty 'repo' column", location=Location(args.data)
            )

    bar = Progress()
    stage = {"name": ""}  # what the fold messages belong to (all rows, one repository)

    def folds(text: str) -> None:
        bar(f"{stage['name']}: {text}")

    def repository(text: str) -> None:
        stage["name"] = text
        bar(text)

    def evaluate(data: list[Row]) -> dict[str, Any]:
        if clf is None:
            return cross_validate(data, args.folds, seed=args.seed,
                                  threshold=args.min_confidence, progress=folds)  # fmt: skip
        return score_model(clf.model, data, args.min_confidence)

    try:
        stage["name"] = f"all {len(rows)} rows"
        out = evaluate(rows)
        if args.per_repo:
            out["per_repo"] = per_repository(rows, repos, evaluate, progress=repository)
        if args.group_by_repo:
            stage["name"] = "leave one repository out"
            out["grouped_by_repo"] = cross_validate(
                rows, 0, seed=args.seed, threshold=args.min_confidence, groups=repos,
                progress=folds,
            )  # fmt: skip
    except UsageError as err:
        # cross_validate refuses data it cannot split (too few rows or labels for --folds):
        # say which file that data came from.
        if err.location == Location():
            err.location = Location(args.data)
        raise
    finally:
        bar.done()
    print(json.dumps(out, indent=2, sort_keys=True))
    return 0
