"""Scoring the classifier: the shipped model on a CSV, or k-fold CV of the training procedure."""

from __future__ import annotations

import csv
import io
import sys
import time
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Any

from foreman.errors import Location, UsageError
from foreman.jsontext import NotUTF8, decode
from foreman.progress import Report, quiet
from foreman.routing.train import EPOCHS, Model, Row, coverage_at, folds, macro_f1, train

NEEDED = ("title", "body", "label")
# min_confidence values of the abstain curve: share decided and precision at each.
CURVE = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95)


def read_rows(path: Path, labels: Collection[str] | None = None) -> tuple[list[Row], list[str]]:
    """(title, body, label) rows and each row's repo ('' when there is no repo column).

    The file must be UTF-8 (a leading byte-order mark is dropped); a byte that is not is an
    error naming the line it is on. With ``labels``, a row whose label is not one of them is
    an error (file and line)."""
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise UsageError(f"cannot read CSV: {err.strerror}", location=Location(str(path))) from None
    try:
        text = decode(raw)
    except NotUTF8 as err:
        offset = err.offset
        raise UsageError(
            f"CSV is not UTF-8 text: byte {offset} (0x{raw[offset]:02x}) is not valid UTF-8;"
            " save the file as UTF-8",
            location=Location(str(path), raw.count(b"\n", 0, offset) + 1),
        ) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        missing = [c for c in NEEDED if c not in (reader.fieldnames or [])]
        if missing:
            raise UsageError(
                f"CSV lacks column(s) {', '.join(missing)}", location=Location(str(path), 1)
            )
        rows: list[Row] = []
        repos: list[str] = []
        end = reader.line_num  # a record may span lines: report the one it starts on
        for rec in reader:
            line, end = end + 1, reader.line_num
            label = (rec.get("label") or "").strip()
            if not label:
                raise UsageError("empty label", location=Location(str(path), line))
            if labels is not None and label not in labels:
                raise UsageError(
                    f"unknown label {label!r} (the model knows {', '.join(labels)})",
                    location=Location(str(path), line),
                )
            rows.append((rec.get("title") or "", rec.get("body") or "", label))
            repos.append(rec.get("repo") or "")
    except csv.Error as err:
        where = Location(str(path), reader.line_num or None)
        raise UsageError(f"malformed CSV: {err}", location=where) from None
    if not rows:
        raise UsageError("CSV has no rows", location=Location(str(path)))
    return rows, repos


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


def _predict(model: Model, rows: Sequence[Row]) -> tuple[list[str], list[float], float]:
    pred, conf = [], []
    start = time.perf_counter()
    for title, body, _ in rows:
        probs = model.proba(title, body)
        best = max(range(len(probs)), key=probs.__getitem__)
        pred.append(model.labels[best])
        conf.append(probs[best])
    ms = (time.perf_counter() - start) * 1000 / max(1, len(rows))
    return pred, conf, ms


def score_model(model: Model, rows: list[Row], threshold: float | None = None) -> dict[str, Any]:
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
    progress: Report = quiet,
) -> dict[str, Any]:
    """k-fold stratified CV (or leave-one-group-out when ``groups`` is given)."""
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
        model = train([r for i, r in enumerate(rows) if i not in held], seed=seed, epochs=epochs)
        test = [rows[i] for i in part]
        p, c, ms = _predict(model, test)
        ms_total += ms * len(test)
        gold += [r[2] for r in test]
        pred += p
        conf += c
    cov_thr = coverage_at(conf, [g == p for g, p in zip(gold, pred, strict=True)])[1]
    chosen = cov_thr if threshold is None else threshold
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
