"""``foreman learn``: fit the classifier on this repository's closed, labelled issues.

Writes a model file (default ``.github/foreman-model.json.gz``) that the router
uses when ``routing.classifier.model`` names it.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--repo", help="owner/name (default: $GITHUB_REPOSITORY)")
    parser.add_argument("--out", default=".github/foreman-model.json.gz", help="model file")
    parser.add_argument("--config", help="config file (default: .github/foreman.yml)")
    parser.add_argument("--root", default=".", help="repository checkout (default: .)")
    parser.add_argument("--max-issues", type=int, default=2000)
    parser.add_argument("--min-per-class", type=int, default=10)


def run(args: argparse.Namespace) -> int:
    from foreman.config import find_config, load_config
    from foreman.errors import UsageError
    from foreman.routing.classifier import save
    from foreman.routing.fetch import Reader
    from foreman.routing.learn import collect
    from foreman.routing.train import train

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
    model = train(got.rows)
    model.meta.update({"trained_on": repo, "counts": counts})
    out = root / args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    save(model, out)
    print(
        json.dumps(
            {
                "model": str(out),
                "rows": len(got.rows),
                "classes": counts,
                "skipped_ambiguous": got.skipped_ambiguous,
                "skipped_unlabelled": got.skipped_unlabelled,
                "stopped_early": got.stopped_early,
                "rest_calls": reader.calls,
            },
            indent=2,
        )
    )
    return 0
