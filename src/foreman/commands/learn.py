"""``foreman learn``: fit the classifier on this repository's closed, labelled issues.

Writes a model file (default ``.github/foreman-model.json.gz``) that the router
uses when ``routing.classifier.model`` names it.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from foreman.commands import positive_int


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--repo", help="owner/name (default: $GITHUB_REPOSITORY)")
    parser.add_argument("--out", default=".github/foreman-model.json.gz", help="model file")
    parser.add_argument("--config", help="config file (default: .github/foreman.yml)")
    parser.add_argument("--root", default=".", help="repository checkout (default: .)")
    parser.add_argument(
        "--max-issues",
        type=positive_int,
        default=2000,
        help="stop after this many labelled issues (newest first)",
    )
    parser.add_argument(
        "--min-per-class", type=positive_int, default=10, help="labelled issues needed per class"
    )
    parser.add_argument(
        "--folds",
        type=int,
        default=5,
        help="k-fold CV on the collected issues picks the abstain threshold (90 %% precision);"
        " 0 skips it and keeps the shipped model's threshold (default: 5)",
    )


def run(args: argparse.Namespace) -> int:
    from foreman import actions
    from foreman.config import find_config, load_config
    from foreman.errors import UsageError
    from foreman.routing.classifier import Classifier, save
    from foreman.routing.evaluate import cross_validate
    from foreman.routing.fetch import Reader
    from foreman.routing.learn import collect
    from foreman.routing.train import train

    if args.folds == 1 or args.folds < 0:
        raise UsageError("--folds must be 0 (no cross-validation) or at least 2")
    root = Path(args.root)
    config = load_config(find_config(root, args.config))
    repo = args.repo or os.environ.get("GITHUB_REPOSITORY", "")
    if repo.count("/") != 1:
        raise UsageError("name the repository: --repo owner/name or GITHUB_REPOSITORY")
    reader = Reader.from_env(repo)
    if not reader.available:
        raise UsageError("foreman learn needs a GitHub token (GITHUB_TOKEN)")
    got = collect(reader, config.routing.classifier, max_issues=args.max_issues)
    counts = got.counts()
    thin = [c for c, n in counts.items() if n < args.min_per_class]
    if len(counts) < 2 or thin:
        raise UsageError(
            f"not enough labelled issues to learn from: {counts or 'none'} (need at least "
            f"{args.min_per_class} in each of two or more classes; map labels with "
            "routing.classifier.learn_labels)"
        )
    cv: dict[str, object] | None = None
    if args.folds:
        # Same repository in training and use: k-fold CV is the right estimate here.
        folds = max(2, min(args.folds, *counts.values()))
        result = cross_validate(got.rows, folds)
        threshold = float(result["threshold_at_90"])
        cv = {k: result[k] for k in ("folds", "macro_f1", "coverage_at_90", "threshold_at_90")}
        if not result["coverage_at_90"]:
            actions.annotate(
                "warning",
                "no confidence threshold reaches 90 % precision on these issues: the learned"
                " model will abstain on every issue (set routing.classifier.min_confidence"
                " to accept less precise decisions)",
            )
    else:
        threshold = Classifier.load().threshold
    model = train(got.rows, threshold=threshold)
    model.meta.update({"trained_on": repo, "counts": counts, "cv": cv})
    out = root / args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    save(model, out)
    print(
        json.dumps(
            {
                "model": str(out),
                "rows": len(got.rows),
                "classes": counts,
                "abstain_threshold": round(threshold, 4),
                "cv": cv,
                "skipped_ambiguous": got.skipped_ambiguous,
                "skipped_unlabelled": got.skipped_unlabelled,
                "stopped_early": got.stopped_early,
                "rest_calls": reader.calls,
            },
            indent=2,
        )
    )
    return 0
