"""Scoring the classifier: macro-F1, coverage at a precision, the shipped model on labelled
rows, k-fold or leave-one-repository-out CV of the training procedure."""

from __future__ import annotations

import math
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from foreman.classifier.model import IssueModel
from foreman.classifier.train import EPOCHS, C, Row, train
from foreman.errors import UsageError
from foreman.progress import Report, quiet

# min_confidence values of the abstain curve: share decided and precision at each.
CURVE = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95)


def macro_f1(
    gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]
) -> tuple[float, dict[str, dict[str, float]]]:
    per: dict[str, dict[str, float]] = {}
    f1s = []
    for label in labels:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == p == label)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if p == label and g != label)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == label and p != label)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[label] = {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4)}
        f1s.append(f1)
    return sum(f1s) / len(f1s), per


def coverage_at(
    confidence: Sequence[float], correct: Sequence[bool], precision: float = 0.9
) -> tuple[float, float]:
    """Largest share of rows decided (most confident first) at >= ``precision``, and the
    confidence threshold that decides exactly those rows (rows of equal confidence are
    decided together, as a threshold decides them)."""
    order = sorted(range(len(confidence)), key=lambda i: -confidence[i])
    hits = 0
    best_n, best_t = 0, 1.0
    for n, i in enumerate(order, start=1):
        hits += correct[i]
        tied = n < len(order) and confidence[order[n]] == confidence[i]
        if not tied and hits / n >= precision:
            best_n, best_t = n, confidence[i]
    return (best_n / len(order) if order else 0.0), best_t


NEVER = 1.01  # a threshold no probability reaches: the model abstains on everything


def wilson_lower(hits: int, n: int, z: float) -> float:
    """The lower end of the Wilson score interval for ``hits`` of ``n``, ``z`` standard
    deviations wide: a precision measured on few rows, discounted by how few they are
    (``z`` 0: the measured precision itself)."""
    if n == 0:
        return 0.0
    p = hits / n
    z2 = z * z
    margin = z * math.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n))
    return (p + z2 / (2.0 * n) - margin) / (1.0 + z2 / n)


def threshold_at(
    confidence: Sequence[float], correct: Sequence[bool], precision: float, z: float
) -> float | None:
    """The lowest confidence at which the rows decided (at or above it) reach ``precision``
    by :func:`wilson_lower`; ``None`` when no confidence does. Rows of equal confidence are
    decided together, as a threshold decides them."""
    order = sorted(range(len(confidence)), key=lambda i: -confidence[i])
    hits = 0
    best: float | None = None
    for n, i in enumerate(order, start=1):
        hits += correct[i]
        tied = n < len(order) and confidence[order[n]] == confidence[i]
        if not tied and wilson_lower(hits, n, z) >= precision:
            best = confidence[i]
    return best


def folds(labels: Sequence[str], k: int, seed: int = 0) -> list[list[int]]:
    """Stratified fold assignment: row indices per fold."""
    rng = random.Random(seed)  # noqa: S311 - seeded shuffling, not cryptography
    out: list[list[int]] = [[] for _ in range(k)]
    by_label: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        by_label.setdefault(label, []).append(i)
    pos = 0
    for label in sorted(by_label):
        idx = by_label[label]
        rng.shuffle(idx)
        for i in idx:
            out[pos % k].append(i)
            pos += 1
    return out


def _score(
    gold: list[str], pred: list[str], conf: list[float], labels: Sequence[str], threshold: float
) -> dict[str, Any]:
    f1, per = macro_f1(gold, pred, labels)
    correct = [g == p for g, p in zip(gold, pred, strict=True)]
    cov, thr = coverage_at(conf, correct)
    share, prec = _decided(conf, correct, threshold)
    return {
        "macro_f1": round(f1, 4),
        "per_class": per,
        "coverage_at_90": round(cov, 4),
        "threshold_at_90": round(thr, 4),
        "abstain_threshold": round(threshold, 4),
        "decided_share": round(share, 4),
        "decided_precision": round(prec, 4),
        "abstain_curve": [_curve_point(conf, correct, t) for t in CURVE],
        "confusion": _confusion(gold, pred, labels),
    }


def _confusion(
    gold: list[str], pred: list[str], labels: Sequence[str]
) -> dict[str, dict[str, int]]:
    """Gold label -> predicted label -> rows, over every row (before abstaining)."""
    pairs = Counter(zip(gold, pred, strict=True))
    return {g: {p: pairs[g, p] for p in labels} for g in labels}


def _curve_point(conf: Sequence[float], correct: Sequence[bool], t: float) -> dict[str, float]:
    share, prec = _decided(conf, correct, t)
    return {"min_confidence": t, "decided": round(share, 4), "precision": round(prec, 4)}


def _decided(
    conf: Sequence[float], correct: Sequence[bool], threshold: float
) -> tuple[float, float]:
    """Share of rows at or above ``threshold``, and the precision of those."""
    decided = [i for i, c in enumerate(conf) if c >= threshold]
    prec = sum(correct[i] for i in decided) / len(decided) if decided else 0.0
    return len(decided) / len(conf), prec


def _predict(model: IssueModel, rows: Sequence[Row]) -> tuple[list[str], list[float], float]:
    pred, conf = [], []
    start = time.perf_counter()
    for title, body, _ in rows:
        label, p = model.best(title, body)
        pred.append(label)
        conf.append(p)
    ms = (time.perf_counter() - start) * 1000 / max(1, len(rows))
    return pred, conf, ms


def score_model(
    model: IssueModel, rows: list[Row], threshold: float | None = None
) -> dict[str, Any]:
    pred, conf, ms = _predict(model, rows)
    out = _score(
        [r[2] for r in rows],
        pred,
        conf,
        model.labels,
        model.threshold if threshold is None else threshold,
    )
    return {"rows": len(rows), "folds": 0, **out, "ms_per_issue": round(ms, 3)}


def _check_training_sets(rows: list[Row], parts: list[list[int]], kind: str) -> None:
    """Every model trained in cross-validation needs rows of two labels outside its part."""
    counts = Counter(r[2] for r in rows)
    for n, part in enumerate(parts, 1):
        left = counts - Counter(rows[i][2] for i in part)
        if len(left) < 2:
            have = ", ".join(f"{label} {c}" for label, c in sorted(counts.items()))
            raise UsageError(
                f"cross-validation needs rows of at least two labels outside every {kind}, but"
                f" {kind} {n} of {len(parts)} leaves {_labels(left)}; the data has {len(rows)}"
                f" row(s) ({have}): add rows or use fewer folds"
            )


def _labels(counts: Counter[str]) -> str:
    if not counts:
        return "no rows"
    return "only " + ", ".join(f"{label!r} ({c})" for label, c in sorted(counts.items()))


def cross_validate(
    rows: list[Row],
    k: int,
    *,
    seed: int = 0,
    threshold: float | None = None,
    groups: list[str] | None = None,
    epochs: int = EPOCHS,
    c: float = C,
    z: float = 0.0,
    progress: Report = quiet,
) -> dict[str, Any]:
    """k-fold stratified CV (or leave-one-group-out when ``groups`` is given). Without a
    ``threshold``, the abstain threshold scored is the lowest at which the held-out rows
    reach 90 % precision, discounted by ``z`` (:func:`threshold_at`)."""
    if groups is not None:
        names = sorted(set(groups))
        if len(names) < 2:
            raise UsageError("grouped CV needs at least two groups (repos)")
        parts = [[i for i, g in enumerate(groups) if g == name] for name in names]
    else:
        if k < 2:
            raise UsageError("--folds must be at least 2")
        if k > len(rows):
            # Checked before folds() makes k lists: a huge k would exhaust memory, and an
            # empty fold would train a model on every row and test it on none.
            raise UsageError(
                f"--folds {k} is more than the {len(rows)} row(s) of data (every fold needs a"
                " row to test on): use fewer folds or add rows"
            )
        parts = folds([r[2] for r in rows], k, seed)
    _check_training_sets(rows, parts, "group" if groups is not None else "fold")
    gold: list[str] = []
    pred: list[str] = []
    conf: list[float] = []
    labels: list[str] = sorted({r[2] for r in rows})
    ms_total = 0.0
    for number, part in enumerate(parts, 1):
        held = set(part)
        progress(f"fold {number}/{len(parts)}: training on {len(rows) - len(part)} issues")
        model = train(
            [r for i, r in enumerate(rows) if i not in held], seed=seed, epochs=epochs, c=c
        )
        test = [rows[i] for i in part]
        p, confidence, ms = _predict(model, test)
        ms_total += ms * len(test)
        gold += [r[2] for r in test]
        pred += p
        conf += confidence
    correct = [g == p for g, p in zip(gold, pred, strict=True)]
    if threshold is not None:
        chosen = threshold
    elif z:
        chosen = threshold_at(conf, correct, 0.9, z) or NEVER
    else:
        chosen = coverage_at(conf, correct)[1]
    out = _score(gold, pred, conf, labels, chosen)
    return {
        "rows": len(rows),
        "folds": len(parts),
        **out,
        "ms_per_issue": round(ms_total / len(rows), 3),
    }


def per_repository(
    rows: Sequence[Row],
    repos: Sequence[str],
    evaluate: Callable[[list[Row]], dict[str, Any]],
    progress: Report = quiet,
) -> dict[str, Any]:
    """``evaluate`` run on each repository's rows on their own, and the means over the
    repositories of its ``macro_f1`` and ``coverage_at_90``: how the NLBSE'24 benchmark's
    published baselines are scored (one classifier per repository, macro-F1 averaged). A
    problem with one repository's rows (too few for the folds) names that repository."""
    by_repo: dict[str, list[Row]] = {}
    for row, repo in zip(rows, repos, strict=True):
        by_repo.setdefault(repo, []).append(row)
    results: dict[str, dict[str, Any]] = {}
    for number, repo in enumerate(sorted(by_repo), 1):
        progress(f"repository {number}/{len(by_repo)}: {repo}")
        try:
            results[repo] = evaluate(by_repo[repo])
        except UsageError as err:
            err.message = f"repository {repo!r} ({len(by_repo[repo])} row(s)): {err.message}"
            raise
    n = len(results)
    return {
        "repos": n,
        "macro_f1": round(sum(r["macro_f1"] for r in results.values()) / n, 4),
        "coverage_at_90": round(sum(r["coverage_at_90"] for r in results.values()) / n, 4),
        "by_repo": results,
    }
