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

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from foreman.classifier.corpus import Corpus
from foreman.classifier.evaluate import NEVER, coverage_at, macro_f1, threshold_at
from foreman.classifier.model import IssueModel
from foreman.classifier.opening import PRECISION as PRECISION  # thresholds are chosen for it
from foreman.classifier.routes import (
    META_GROUPS,
    META_THRESHOLDS,
    by_worker,
    groups_for,
    worker_thresholds,
)
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
    """A model on the calibration slice: at its threshold(s), and at the best one for 90 %.
    Scored with the classes' workers (``groups``): decided by its class or its worker, and
    precise when it goes to the right worker; without: by class alone."""

    rows: int
    macro_f1: float
    decided: float  # share decided at the model's threshold(s)
    precision: float  # of those decided
    coverage_at_90: float  # by class, at the best class threshold
    # By worker (with groups): the most decided, by a threshold on the summed probability of a
    # worker's classes, at 90 % to the right worker; without groups: coverage_at_90.
    worker_coverage_at_90: float = 0.0

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
    # worker -> its threshold, when the model has them (:mod:`.routes`)
    worker_thresholds: dict[str, float] | None = None


def split(rows: Sequence[OwnRow], share: float, least: int) -> tuple[list[OwnRow], list[OwnRow]]:
    """Older rows to fit on, and the newest ``share`` of them (at least ``least``) to
    calibrate on."""
    ordered = sorted(rows, key=lambda r: r.created_at)
    n = min(len(ordered) - 1, max(least, round(len(ordered) * share)))
    return ordered[: len(ordered) - n], ordered[len(ordered) - n :]


def _predict(model: IssueModel, rows: Sequence[OwnRow]) -> tuple[list[str], list[float]]:
    best = [model.best(r.title, r.body) for r in rows]
    return [label for label, _ in best], [p for _, p in best]


@dataclass(frozen=True)
class RoutedRows:
    """Rows as the router sees them: each one's class and worker (best guesses), their
    probabilities, and the gold class and worker. Built from class probabilities, so a
    benchmark's cached predictions route as a model's do."""

    gold: list[str] = field(default_factory=list)
    pred: list[str] = field(default_factory=list)
    conf: list[float] = field(default_factory=list)
    worker: list[str] = field(default_factory=list)
    worker_conf: list[float] = field(default_factory=list)
    gold_worker: list[str] = field(default_factory=list)

    @classmethod
    def of(
        cls,
        labels: Sequence[str],
        scored: Iterable[tuple[str, Sequence[float]]],
        groups: Mapping[str, str],
    ) -> RoutedRows:
        """From (gold class, class probabilities in ``labels`` order) pairs."""
        out = cls()
        for gold, probs in scored:
            k = max(range(len(probs)), key=probs.__getitem__)
            w, m = by_worker(labels, probs, groups)
            out.gold.append(gold)
            out.pred.append(labels[k])
            out.conf.append(probs[k])
            out.worker.append(w)
            out.worker_conf.append(m)
            out.gold_worker.append(groups.get(gold, gold))
        return out

    def __add__(self, other: RoutedRows) -> RoutedRows:
        pairs = zip(vars(self).values(), vars(other).values(), strict=True)
        return RoutedRows(*(a + b for a, b in pairs))

    def decisions(
        self,
        threshold: float,
        groups: Mapping[str, str],
        worker_thresholds: Mapping[str, float] | None = None,
    ) -> tuple[list[bool], list[bool]]:
        """(decided, went to the right worker) per row: by the class at ``threshold``, else
        by the worker at its threshold in ``worker_thresholds`` (none: not by worker)."""
        each = worker_thresholds or {}
        by_class = [c >= threshold for c in self.conf]
        decided = [
            c or m >= each.get(w, NEVER)
            for c, w, m in zip(by_class, self.worker, self.worker_conf, strict=True)
        ]
        return decided, [
            w == g for w, g in zip(self.sent(by_class, groups), self.gold_worker, strict=True)
        ]

    def sent(self, by_class: Sequence[bool], groups: Mapping[str, str]) -> list[str]:
        """The worker each row goes to: its class's where ``by_class``, else its best worker."""
        return [
            groups.get(p, p) if c else w
            for c, p, w in zip(by_class, self.pred, self.worker, strict=True)
        ]

    def _lowest(self, threshold: float, groups: Mapping[str, str], worker: str | None) -> float:
        """The lowest summed probability at which the rows sent to ``worker`` (``None``: all
        rows), decided by their class (at ``threshold``) or by their worker, go to the right
        worker at >= 90 %; ``NEVER`` when none does."""
        by_class = [c >= threshold for c in self.conf]
        sent = self.sent(by_class, groups)
        rank: list[float] = []  # rows their class decides first whatever their sum (1 + sum)
        right: list[bool] = []
        for c, m, w, g in zip(by_class, self.worker_conf, sent, self.gold_worker, strict=True):
            if worker is None or w == worker:
                rank.append(m + c)
                right.append(w == g)
        thr = threshold_at(rank, right, PRECISION, 0.0)  # rows of equal sums decided together
        return thr if thr is not None and thr <= 1.0 else NEVER

    def worker_threshold(self, threshold: float, groups: Mapping[str, str]) -> float:
        """One threshold for every worker: the lowest summed probability of a worker's
        classes at which these rows, decided by their class (at ``threshold``) or by their
        worker, go to the right worker at >= 90 %; ``threshold`` itself when the class
        decides every row (nothing to calibrate on, and a worker as sure as a class is as
        sure); ``NEVER`` when none does."""
        if self.conf and all(c >= threshold for c in self.conf):
            return threshold
        return self._lowest(threshold, groups, None)

    def worker_thresholds(self, threshold: float, groups: Mapping[str, str]) -> dict[str, float]:
        """Each worker's own: :meth:`worker_threshold` on the rows sent to it alone, so each
        worker's decisions are right at >= 90 %, not their average."""
        if self.conf and all(c >= threshold for c in self.conf):
            return dict.fromkeys(sorted(set(groups.values())), threshold)
        return {w: self._lowest(threshold, groups, w) for w in sorted(set(groups.values()))}


def routed(model: IssueModel, rows: Sequence[OwnRow], groups: Mapping[str, str]) -> RoutedRows:
    scored = ((r.label, model.proba(r.title, r.body)) for r in rows)
    return RoutedRows.of(model.labels, scored, groups)


def score(
    model: IssueModel,
    rows: Sequence[OwnRow],
    threshold: float,
    groups: Mapping[str, str] | None = None,
    worker_thresholds: Mapping[str, float] | None = None,
) -> Scores:
    """At ``threshold`` (the class's) and, with ``groups`` (class -> worker), routed: decided
    by the class or, at its threshold in ``worker_thresholds``, by the worker; right when the
    worker is."""
    r = routed(model, rows, groups or {})
    correct = [g == p for g, p in zip(r.gold, r.pred, strict=True)]
    if groups is None:
        decided, right = [c >= threshold for c in r.conf], correct
    else:
        decided, right = r.decisions(threshold, groups, worker_thresholds)
    n = sum(decided)
    labels = sorted(set(r.gold) | set(model.labels))
    by_class_coverage = coverage_at(r.conf, correct, PRECISION)[0]
    by_worker = [w == g for w, g in zip(r.worker, r.gold_worker, strict=True)]
    return Scores(
        rows=len(rows),
        macro_f1=macro_f1(r.gold, r.pred, labels)[0],
        decided=n / len(rows) if rows else 0.0,
        precision=sum(x for x, d in zip(right, decided, strict=True) if d) / n if n else 0.0,
        coverage_at_90=by_class_coverage,
        worker_coverage_at_90=(
            by_class_coverage
            if groups is None
            else coverage_at(r.worker_conf, by_worker, PRECISION)[0]
        ),
    )


def threshold_for(model: IssueModel, rows: Sequence[OwnRow]) -> float:
    """The lowest confidence at which ``rows`` are decided at >= 90 % precision (``NEVER``
    when no threshold reaches it)."""
    pred, conf = _predict(model, rows)
    correct = [p == r.label for p, r in zip(pred, rows, strict=True)]
    cov, thr = coverage_at(conf, correct, PRECISION)
    return thr if cov > 0 else NEVER


def worker_thresholds_for(
    model: IssueModel, rows: Sequence[OwnRow], threshold: float, groups: Mapping[str, str]
) -> dict[str, float]:
    """:meth:`RoutedRows.worker_thresholds` of ``rows`` scored by ``model``."""
    return routed(model, rows, groups).worker_thresholds(threshold, groups)


def pooled_worker_threshold(
    parts: Sequence[tuple[IssueModel, Sequence[OwnRow]]],
    threshold: float,
    groups: Mapping[str, str],
) -> float:
    """:meth:`RoutedRows.worker_threshold` (one for every worker) over rows each scored by
    its own model (cross-validation: each fold's rows by the model fitted without them)."""
    pooled = RoutedRows()
    for model, rows in parts:
        pooled = pooled + routed(model, rows, groups)
    return pooled.worker_threshold(threshold, groups)


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
    classes: Mapping[str, str] | None = None,
) -> Learned:
    """With ``classes`` (class -> worker, ``routing.classifier.classes``) the model also gets
    a threshold per worker (:mod:`.routes`) and both models are scored routed."""
    older, newest = split(own, calibration_share, least)
    progress(f"calibration fit: shipped corpus + {len(older)} older issues")
    trial = fit(corpus, older, weight=weight)
    threshold = threshold_for(trial, newest)
    groups = groups_for(trial.labels, classes) if classes is not None else None
    wt = worker_thresholds_for(trial, newest, threshold, groups) if groups else None
    shipped_wt = worker_thresholds(shipped.meta, shipped.labels, classes) if classes else None
    before = score(shipped, newest, shipped.threshold, groups, shipped_wt)
    after = score(trial, newest, threshold, groups, wt)
    out = Learned(None, threshold, before, after, len(own), len(newest))
    if threshold >= NEVER and (wt is None or min(wt.values(), default=NEVER) >= NEVER):
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
    if groups is not None and wt is not None and min(wt.values(), default=NEVER) < NEVER:
        model.meta.update(
            {META_THRESHOLDS: {w: round(t, 6) for w, t in wt.items()}, META_GROUPS: groups}
        )
        out.worker_thresholds = wt
    out.model = model
    return out
