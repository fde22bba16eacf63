"""``foreman learn``: a model fitted on a repository's closed, labelled issues alone, its
abstain threshold from k-fold CV on them, written to a model file."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foreman import actions
from foreman.errors import UsageError

if TYPE_CHECKING:
    from foreman.classifier.collect import Collected
    from foreman.classifier.feedback import Feedback
    from foreman.classifier.model import IssueModel
    from foreman.config.models import Config
    from foreman.github.reads import Reader
    from foreman.progress import Report


@dataclass(frozen=True)
class Source:
    """Where the labelled issues come from: a repository, read through ``reader``."""

    reader: Reader
    repo: str
    is_pull_request: Callable[[Any], bool]
    max_issues: int

    def collect(
        self, config: Config, progress: Report, feedback: Feedback | None = None
    ) -> Collected:
        """The repository's labelled issues (:func:`~.collect.collect`)."""
        from foreman.classifier.collect import collect

        return collect(
            self.reader,
            config.routing.classifier,
            max_issues=self.max_issues,
            is_pull_request=self.is_pull_request,
            progress=progress,
            feedback=feedback,
        )


def learn_alone(
    source: Source, config: Config, out: Path, *, min_per_class: int, folds: int
) -> str:
    """Collect, fit, write the model to ``out``; the JSON report printed on stdout."""
    from foreman.progress import Progress

    bar = Progress()
    try:
        got = source.collect(config, bar)
        model, threshold, cv = _fit(got, min_per_class, folds, bar)
    finally:
        bar.done()
    model.meta.update({"trained_on": source.repo, "counts": got.counts(), "cv": cv})
    write_model(model, out)
    return json.dumps(
        {
            "model": str(out),
            "rows": len(got.rows),
            "classes": got.counts(),
            "abstain_threshold": round(threshold, 4),
            "cv": cv,
            "skipped_ambiguous": got.skipped_ambiguous,
            "skipped_unlabelled": got.skipped_unlabelled,
            "stopped_early": got.stopped_early,
            "rest_calls": source.reader.calls,
        },
        indent=2,
    )


def _fit(
    got: Collected, min_per_class: int, folds: int, progress: Report
) -> tuple[IssueModel, float, dict[str, object] | None]:
    """The model, its abstain threshold and the CV numbers (``None`` when ``folds`` is 0)."""
    from foreman.classifier.evaluate import cross_validate
    from foreman.classifier.model import load
    from foreman.classifier.train import train

    counts = got.counts()
    thin = [c for c, n in counts.items() if n < min_per_class]
    if len(counts) < 2 or thin:
        raise UsageError(
            f"not enough labelled issues to learn from: {counts or 'none'} (need at least "
            f"{min_per_class} in each of two or more classes; map labels with "
            "routing.classifier.learn_labels)"
        )
    cv: dict[str, object] | None = None
    if folds:
        # Same repository in training and use: k-fold CV is the right estimate here.
        n = max(2, min(folds, *counts.values()))
        result = cross_validate(got.rows, n, progress=progress)
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
        threshold = load().threshold
    progress(f"training the model on {len(got.rows)} issues")
    return train(got.rows, threshold=threshold), threshold, cv


def write_model(model: IssueModel, out: Path) -> None:
    """Write through a temporary file renamed over ``out``: a failed write leaves any model
    already there intact, and a failure is a usage error naming the file, not a traceback.
    ``out``'s directory may be missing when its parent exists (the default's ``.github``)."""
    from foreman.classifier.model import save

    # Same directory (so the rename is atomic) and same suffix (save() gzips a .gz name).
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp{out.suffix}")
    try:
        if not out.parent.is_dir():
            out.parent.mkdir()
        save(model, tmp)
        tmp.replace(out)
    except OSError as err:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise UsageError(f"cannot write {out}: {err.strerror or err}") from None
