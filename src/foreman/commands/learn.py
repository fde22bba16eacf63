"""``foreman learn``: fit the classifier on this repository's closed, labelled issues.

Writes a model file (default ``.github/foreman-model.json.gz``) that the router
uses when ``routing.classifier.model`` names it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING

from foreman import actions
from foreman.commands import output_file, positive_int
from foreman.errors import AuthError, UsageError
from foreman.names import repo_problem

if TYPE_CHECKING:
    from foreman.config.models import Config
    from foreman.github.reads import Reader
    from foreman.progress import Report
    from foreman.routing.learn import Collected
    from foreman.routing.train import Model
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
        " summary (routing.classifier.learn)",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    from foreman.config import find_config, load_config
    from foreman.github.reads import Reader
    from foreman.progress import Progress
    from foreman.routing.learn import collect

    if args.folds == 1 or args.folds < 0:
        raise UsageError("--folds must be 0 (no cross-validation) or at least 2")
    root = Path(args.root)
    out = _output_path(root, args.out)  # before any API call or training
    config = load_config(find_config(root, args.config or settings.foreman.config))
    repo = args.repo or _env_repository(settings.github.repository)
    reader = Reader.from_settings(settings.github, repo)
    if not reader.available:
        raise AuthError("foreman learn needs a GitHub token (GITHUB_TOKEN) to read the issues")
    if args.combine:
        return _combined(args, config, reader, repo, out, settings.github.ref)
    bar = Progress()
    try:
        got = collect(reader, config.routing.classifier, max_issues=args.max_issues, progress=bar)
        model, threshold, cv = _fit(got, args, bar)
    finally:
        bar.done()
    model.meta.update({"trained_on": repo, "counts": got.counts(), "cv": cv})
    _write_model(model, out)
    print(
        json.dumps(
            {
                "model": str(out),
                "rows": len(got.rows),
                "classes": got.counts(),
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


def _combined(
    args: argparse.Namespace, config: Config, reader: Reader, repo: str, out: Path, ref: str
) -> int:
    from datetime import datetime

    from foreman.commands import learn_repo
    from foreman.progress import Progress
    from foreman.routing.feedback import Feedback
    from foreman.routing.learn import collect

    feedback = Feedback(
        config.gate.labels.handled,
        config.routing.classifier.learn.keep_days,
        datetime.now(UTC),
    )
    bar = Progress()
    try:
        got = collect(
            reader,
            config.routing.classifier,
            max_issues=args.max_issues,
            progress=bar,
            feedback=feedback,
        )
        learned, message = learn_repo.fit(got, config, repo, bar, ref=ref)
    finally:
        bar.done()
    written = None
    if learned is not None and learned.model is not None:
        _write_model(learned.model, out)
        written = out
    actions.set_output("model", str(written) if written else "")  # the cache save step's cue
    actions.annotate("notice", message, title="foreman learn")
    print(learn_repo.report(learned, message, got, written))
    return 0


def _fit(
    got: Collected, args: argparse.Namespace, progress: Report
) -> tuple[Model, float, dict[str, object] | None]:
    """The model, its abstain threshold and the CV numbers (``None`` without ``--folds``)."""
    from foreman.routing.classifier import Classifier
    from foreman.routing.evaluate import cross_validate
    from foreman.routing.train import train

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
        result = cross_validate(got.rows, folds, progress=progress)
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
    progress(f"training the model on {len(got.rows)} issues")
    return train(got.rows, threshold=threshold), threshold, cv


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


def _write_model(model: Model, out: Path) -> None:
    """Write through a temporary file renamed over ``out``: a failed write leaves any model
    already there intact, and a failure is a usage error naming the file, not a traceback."""
    from foreman.routing.classifier import save

    # Same directory (so the rename is atomic) and same suffix (save() gzips a .gz name).
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp{out.suffix}")
    try:
        if not out.parent.is_dir():
            out.parent.mkdir()  # the default's .github (checked by _output_path)
        save(model, tmp)
        tmp.replace(out)
    except OSError as err:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise UsageError(f"cannot write {out}: {err.strerror or err}") from None
