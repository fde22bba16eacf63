"""``foreman learn``: fit the classifier on this repository's closed, labelled issues.

Writes a model file (default ``.github/foreman-model.json.gz``) that the router
uses when ``routing.classifier.model`` names it.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from foreman import actions
from foreman.commands import output_file, positive_int
from foreman.errors import AuthError, UsageError
from foreman.names import repo_problem

if TYPE_CHECKING:
    from foreman.settings import Settings

DEFAULT_OUT = ".github/foreman-model.json.gz"


def repository(text: str) -> str:
    """``owner/name`` spelled as GitHub allows (so ``/`` or ``../x`` never reach the API)."""
    if problem := repo_problem(text):
        raise argparse.ArgumentTypeError(
            problem if problem.startswith("expected") else f"{text[:100]!r}: {problem}"
        )
    return text


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--repo", type=repository, help="owner/name (default: $GITHUB_REPOSITORY)")
    parser.add_argument(
        "--out",
        default=DEFAULT_OUT,
        help="model file, relative to --root; its directory must exist, except that the"
        f" default's .github is created (default: {DEFAULT_OUT})",
    )
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
    parser.add_argument(
        "--combine",
        action="store_true",
        help="the learn job's fit: open and closed issues (the foreman's own labels once people"
        " kept them), weighted up, together with the shipped training data; the threshold"
        " from a time-ordered split; too few issues is a notice, not an error; writes the step"
        " summary (routing.classifier.learn). A model already at --out, learned for this"
        " repository, is first scored on the issues opened since it was learned",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    from foreman.classifier.learn import Source, learn_alone
    from foreman.classifier.learn_job import learn_combined
    from foreman.config import find_config, load_config
    from foreman.github.reads import Reader, is_pull_request

    if args.folds == 1 or args.folds < 0:
        raise UsageError("--folds must be 0 (no cross-validation) or at least 2")
    root = Path(args.root)
    out = _output_path(root, args.out)  # before any API call or training
    config = load_config(find_config(root, args.config or settings.foreman.config))
    repo = args.repo or _env_repository(settings.github.repository)
    reader = Reader.from_settings(settings.github, repo)
    if not reader.available:
        raise AuthError("foreman learn needs a GitHub token (GITHUB_TOKEN) to read the issues")
    source = Source(reader, repo, is_pull_request, args.max_issues)
    if args.combine:
        report, written = learn_combined(source, config, out, ref=settings.github.ref)
        actions.set_output("model", str(written) if written else "")  # the cache save step's cue
        print(report)
    else:
        print(learn_alone(source, config, out, min_per_class=args.min_per_class, folds=args.folds))
    return 0


def _env_repository(value: str) -> str:
    if not value:
        raise UsageError("name the repository: --repo owner/name or GITHUB_REPOSITORY")
    try:
        return repository(value)
    except argparse.ArgumentTypeError as err:
        raise UsageError(f"GITHUB_REPOSITORY: {err} (or pass --repo owner/name)") from None


def _output_path(root: Path, out: str) -> Path:
    """``--out`` under ``--root``: a file (not a directory) in a writable directory that
    exists; only the default's ``.github`` may be missing (it is created at the end)."""
    path = root / out
    try:
        output_file(str(path))
    except argparse.ArgumentTypeError as err:
        missing_github = out == DEFAULT_OUT and not path.parent.exists()
        if not (missing_github and path.parent.parent.is_dir()):
            raise UsageError(f"argument --out: {err}") from None
    existing = path.parent if path.parent.is_dir() else path.parent.parent
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UsageError(
            f"argument --out: cannot write {path}: the directory {existing} is not writable"
        )
    return path
