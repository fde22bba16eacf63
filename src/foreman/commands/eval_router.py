"""``foreman eval-router --data CSV [--folds K]``: score the classifier
(:mod:`foreman.classifier.eval_csv`); prints JSON."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from foreman.commands import probability

if TYPE_CHECKING:
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
    from foreman.classifier.eval_csv import Evaluation, evaluate_csv

    ask = Evaluation(
        Path(args.data),
        args.folds,
        seed=args.seed,
        min_confidence=args.min_confidence,
        model=Path(args.model) if args.model else None,
        per_repo=args.per_repo,
        group_by_repo=args.group_by_repo,
    )
    print(json.dumps(evaluate_csv(ask), indent=2, sort_keys=True))
    return 0
