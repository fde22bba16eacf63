"""``foreman eval-router``: the classifier scored on a CSV of labelled issues.

Keys relied on by release checks: ``macro_f1``, ``per_class``, ``coverage_at_90``,
``abstain_threshold``, ``ms_per_issue``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foreman.classifier.evaluate import cross_validate, per_repository, score_model
from foreman.classifier.model import load
from foreman.classifier.rows import read_rows
from foreman.errors import Location, UsageError
from foreman.progress import Progress

if TYPE_CHECKING:
    from foreman.classifier.train import Row


@dataclass(frozen=True)
class Evaluation:
    data: Path
    folds: int | None  # k-fold CV of the training procedure; None or 0: score the model
    seed: int = 0
    min_confidence: float | None = None  # the abstain threshold to score
    model: Path | None = None  # None: the shipped model
    per_repo: bool = False
    group_by_repo: bool = False


def evaluate_csv(ask: Evaluation) -> dict[str, Any]:
    """The scores (with ``per_repo`` and ``grouped_by_repo`` when asked)."""
    model = None if ask.folds else load(ask.model)
    rows, repos = read_rows(ask.data, None if model is None else model.labels)
    for flag, wanted in (("--group-by-repo", ask.group_by_repo), ("--per-repo", ask.per_repo)):
        if wanted and not all(repos):
            raise UsageError(
                f"{flag} needs a non-empty 'repo' column", location=Location(str(ask.data))
            )

    bar = Progress()
    stage = {"name": ""}  # what the fold messages belong to (all rows, one repository)

    def folds(text: str) -> None:
        bar(f"{stage['name']}: {text}")

    def repository(text: str) -> None:
        stage["name"] = text
        bar(text)

    def evaluate(data: list[Row]) -> dict[str, Any]:
        if model is None:
            return cross_validate(data, ask.folds or 0, seed=ask.seed,
                                  threshold=ask.min_confidence, progress=folds)  # fmt: skip
        return score_model(model, data, ask.min_confidence)

    try:
        stage["name"] = f"all {len(rows)} rows"
        out = evaluate(rows)
        if ask.per_repo:
            out["per_repo"] = per_repository(rows, repos, evaluate, progress=repository)
        if ask.group_by_repo:
            stage["name"] = "leave one repository out"
            out["grouped_by_repo"] = cross_validate(
                rows, 0, seed=ask.seed, threshold=ask.min_confidence, groups=repos,
                progress=folds,
            )  # fmt: skip
    except UsageError as err:
        # cross_validate refuses data it cannot split (too few rows or labels for --folds):
        # say which file that data came from.
        if err.location == Location():
            err.location = Location(str(ask.data))
        raise
    finally:
        bar.done()
    return out
