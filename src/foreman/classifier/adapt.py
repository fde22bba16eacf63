"""Fit a repository's own model: its labelled issues, weighted up, plus the shipped corpus.

The abstain threshold comes from a time-ordered split of the repository's
items: fit on the shipped corpus and the older items, pick the confidence at
which the newest items (the calibration slice) are decided at >= 90 %
precision. k-fold CV would mix old and new issues and promise more than later
issues deliver (issues drift); the newest slice is the closest stand-in for
next week's. The shipped model is scored on the same slice ("before"), the
calibration fit gives "after", and the final model is fitted on everything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from foreman.classifier.corpus import Corpus
from foreman.classifier.evaluate import NEVER, coverage_at, macro_f1
from foreman.classifier.model import IssueModel
from foreman.classifier.opening import PRECISION as PRECISION  # thresholds are chosen for it
from foreman.classifier.terms import extract
from foreman.classifier.train import EPOCHS, train_docs
from foreman.progress import Report, quiet


@dataclass(frozen=True)
class OwnRow:
    title: str
    body: str
    label: str
    created_at: str  # ISO 8601; orders the rows in time


@dataclass
class Scores:
    """A model on the calibration slice: at its threshold, and at the best one for 90 %."""

    rows: int
    macro_f1: float
    decided: float  # share decided at the model's threshold
    precision: float  # of those decided
    coverage_at_90: float

    def as_dict(self) -> dict[str, Any]:
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in vars(self).items()}


@dataclass
class Learned:
    model: IssueModel | None  # None: the repository's model would not beat the shipped one
    threshold: float
    before: Scores
    after: Scores
    own_rows: int
    calibration_rows: int
    reason: str = ""  # why there is no model
    meta: dict[str, Any] = field(default_factory=dict)


def split(rows: Sequence[OwnRow], share: float, least: int) -> tuple[list[OwnRow], list[OwnRow]]:
    """Older rows to fit on, and the newest ``share`` of them (at least ``least``) to
    calibrate on."""
    ordered = sorted(rows, key=lambda r: r.created_at)
    n = min(len(ordered) - 1, max(least, round(len(ordered) * share)))
    return ordered[: len(ordered) - n], ordered[len(ordered) - n :]


def _predict(model: IssueModel, rows: Sequence[OwnRow]) -> tuple[list[str], list[float]]:
    best = [model.best(r.title, r.body) for r in rows]
    return [label for label, _ in best], [p for _, p in best]


def score(model: IssueModel, rows: Sequence[OwnRow], threshold: float) -> Scores:
    gold = [r.label for r in rows]
    pred, conf = _predict(model, rows)
    correct = [g == p for g, p in zip(gold, pred, strict=True)]
    decided = [i for i, c in enumerate(conf) if c >= threshold]
    labels = sorted(set(gold) | set(model.labels))
    return Scores(
        rows=len(rows),
        macro_f1=macro_f1(gold, pred, labels)[0],
        decided=len(decided) / len(rows) if rows else 0.0,
        precision=sum(correct[i] for i in decided) / len(decided) if decided else 0.0,
        coverage_at_90=coverage_at(conf, correct, PRECISION)[0],
    )


def threshold_for(model: IssueModel, rows: Sequence[OwnRow]) -> float:
    """The lowest confidence at which ``rows`` are decided at >= 90 % precision (``NEVER``
    when no threshold reaches it)."""
    pred, conf = _predict(model, rows)
    correct = [p == r.label for p, r in zip(pred, rows, strict=True)]
    cov, thr = coverage_at(conf, correct, PRECISION)
    return thr if cov > 0 else NEVER


def fit(
    corpus: Corpus,
    own: Sequence[OwnRow],
    *,
    weight: float,
    extra: Sequence[OwnRow] = (),
    seed: int = 0,
    epochs: int = EPOCHS,
) -> IssueModel:
    """The corpus's rows and ``extra`` (weight 1) and ``own`` (weight ``weight``) in one
    model."""
    rows = [*own, *extra]
    docs = list(corpus.docs) + [extract(r.title, r.body, corpus.features) for r in rows]
    gold = list(corpus.labels) + [r.label for r in rows]
    sw = [1.0] * len(corpus.docs) + [weight] * len(own) + [1.0] * len(extra)
    return train_docs(
        docs, gold, sample_weight=sw, seed=seed, epochs=epochs, features=corpus.features
    )


def learn(
    corpus: Corpus,
    own: Sequence[OwnRow],
    shipped: IssueModel,
    *,
    weight: float,
    extra: Sequence[OwnRow] = (),
    calibration_share: float = 0.25,
    least: int = 30,
    progress: Report = quiet,
) -> Learned:
    older, newest = split(own, calibration_share, least)
    progress(f"calibration fit: shipped corpus + {len(older)} older issues")
    trial = fit(corpus, older, weight=weight)
    threshold = threshold_for(trial, newest)
    before = score(shipped, newest, shipped.threshold)
    after = score(trial, newest, threshold)
    out = Learned(None, threshold, before, after, len(own), len(newest))
    if threshold >= NEVER:
        out.reason = (
            f"no confidence threshold decides the newest {len(newest)} issues at"
            f" {PRECISION:.0%} precision"
        )
        return out
    if after.decided <= before.decided:
        out.reason = (
            f"the repository's model would decide {after.decided:.0%} of the newest"
            f" {len(newest)} issues, the shipped model {before.decided:.0%}"
        )
        return out
    progress(f"final fit: shipped corpus + {len(own) + len(extra)} issues")
    model = fit(corpus, own, weight=weight, extra=extra)
    model.threshold = threshold
    model.meta.update(
        {
            "own_rows": len(own),
            "extra_rows": len(extra),
            "own_weight": weight,
            "corpus": corpus.source,
            "threshold_from": f"time-ordered split: the newest {len(newest)} issues",
            "before": before.as_dict(),
            "after": after.as_dict(),
        }
    )
    out.model = model
    return out
