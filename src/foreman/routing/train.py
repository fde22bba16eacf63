"""Training and evaluating the embedded classifier, in pure Python (stdlib only).

A multinomial logistic regression on the sparse vectors of
:mod:`foreman.routing.features`, fitted by averaged stochastic gradient
descent with L2 regularisation. Pure Python so that ``foreman learn`` can fit a
repository's own model inside the Action, with no numpy or scikit-learn.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from operator import add, itemgetter, mul, sub
from typing import Any

from foreman.routing.features import (
    Counts,
    Doc,
    FeatureConfig,
    Table,
    Vector,
    Vocabulary,
    build_vocabulary,
    count_terms,
    describe,
    extract,
    gather,
    vectorise,
    weigh,
    weighted_sums,
)

MODEL_VERSION = 2  # 2: idf and weights as base64 float32 arrays
LEARNING_RATE = 4.0  # step size of the first epoch (vectors have unit norm)
# Passes over the data. 5-fold CV on the 1,500-issue set, macro-F1: 8 epochs 0.780-0.784
# (seeds 0-2), 14 epochs 0.785-0.793 (seeds 0-5, mean 0.788), 20 epochs no better (seeds
# 0-2, mean 0.787) and 40 % slower.
EPOCHS = 14
# Inverse L2 strength. Training script, seed 0, k-fold macro-F1 / coverage at 90 % and
# leave-one-repo-out the same: 3: 0.783 / 0.536, 0.644 / 0.103; 10: 0.787 / 0.595, 0.619 /
# 0.089; 30: 0.785 / 0.556, 0.613 / 0.089. Stronger regularisation carries over to a new
# repository a little better but drops k-fold coverage below 0.55.
C = 10.0
# Most frequent terms kept per block. 5-fold CV macro-F1 (scikit-learn LR on the same vectors):
# W 10,000 / C 20,000: 0.791; 5,000 / 8,000: 0.792 with half the features (faster load and
# prediction); 3,000 / 4,000: 0.787.
MAX_TERMS = {"W": 5000, "C": 8000}
Row = tuple[str, str, str]  # title, body, label


@dataclass
class Model:
    labels: list[str]
    vocab: Vocabulary
    weights: list[list[float]]  # per class, dense over the vocabulary
    bias: list[float]
    features: FeatureConfig = field(default_factory=FeatureConfig)
    threshold: float = 0.6
    meta: dict[str, Any] = field(default_factory=dict)

    _predicted: bool = field(default=False, init=False, repr=False, compare=False)

    @cached_property
    def _folded(self) -> tuple[list[float], list[list[float]], list[float]]:
        """idf squared and, for each class after the first, its weights minus the first class's
        times idf, over the whole vocabulary (a few ms, once per model); and the biases minus
        the first class's. Softmax is the same when every score moves by the same amount, so a
        prediction looks up one row less per term."""
        idf2, rows = _fold(self.vocab.idf, self.weights)
        return idf2, rows, self._bias

    @property
    def _bias(self) -> list[float]:
        return [b - self.bias[0] for b in self.bias[1:]]

    def counts(self, title: str, body: str) -> Counts:
        """The issue's vocabulary terms, counted per block (what :meth:`proba_of` scores)."""
        return count_terms(title, body, self.vocab, self.features)

    def proba(self, title: str, body: str) -> list[float]:
        return self.proba_of(self.counts(title, body))

    def proba_of(self, counts: Counts) -> list[float]:
        """Class probabilities of an issue's term counts."""
        idf2: Table
        rows: Sequence[Table]
        if not self._predicted and "_folded" not in self.__dict__:
            # A process that predicts once (the plan) folds only this terms: ~0.1 ms
            # instead of the whole vocabulary's ~6 ms. The next prediction folds everything.
            idx = sorted(set().union(*counts.values()))
            get = gather(idx)
            idf2_at, rows_at = _fold(get(self.vocab.idf), [get(w) for w in self.weights])
            idf2 = dict(zip(idx, idf2_at, strict=True))
            rows = [dict(zip(idx, row, strict=True)) for row in rows_at]
            bias = self._bias
        else:
            idf2, rows, bias = self._folded
        self._predicted = True
        sums = weighted_sums(counts, idf2, rows, self.features.weights)
        return softmax([0.0, *map(add, bias, sums)])

    def evidence(self, counts: Counts, label: str, top: int = 3) -> list[str]:
        """In words (:func:`describe`), the issue's terms (``counts``, as :meth:`proba_of` takes
        them) that raised ``label``'s score most above the runner-up class's, strongest first:
        the evidence a routing decision shows."""
        k = self.labels.index(label)
        idx, val = weigh(counts, self.vocab.idf, self.features.weights)
        get = gather(idx)
        scores = [
            b + sum(map(mul, val, get(w))) for w, b in zip(self.weights, self.bias, strict=True)
        ]
        runner = max((c for c in range(len(scores)) if c != k), key=scores.__getitem__)
        push = map(mul, val, map(sub, get(self.weights[k]), get(self.weights[runner])))
        out: list[str] = []
        seen: set[str] = set()  # 'title "x"' and 'title starts "x"' say one thing
        # Sorted by the amount alone: ties stay in the order of terms.
        for amount, i in sorted(zip(push, idx, strict=True), key=itemgetter(0), reverse=True):
            if amount <= 0.0 or len(out) == top:
                break
            text = describe(*self.vocab.name(i))
            said = text and text.removeprefix("title starts ").removeprefix("title ")
            if text is not None and said and said not in seen:
                seen.add(said)
                out.append(text)
        return out


def _fold(
    idf: Sequence[float], weights: Sequence[Sequence[float]]
) -> tuple[list[float], list[list[float]]]:
    w0 = weights[0]
    return list(map(mul, idf, idf)), [list(map(mul, map(sub, w, w0), idf)) for w in weights[1:]]


def softmax(scores: Sequence[float]) -> list[float]:
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]


def _sgd(
    xs: list[Vector],
    ys: list[int],
    dim: int,
    k: int,
    *,
    c: float,
    epochs: int,
    seed: int,
    sample_weight: Sequence[float] | None = None,
) -> tuple[list[list[float]], list[float]]:
    """Averaged SGD on the softmax loss; weights kept as ``scale * v`` for cheap decay. A row's
    ``sample_weight`` scales its gradient (the L2 term counts the total weight as rows)."""
    n = len(xs)
    sw = list(sample_weight) if sample_weight is not None else [1.0] * n
    lam = 1.0 / (c * sum(sw))
    v = [[0.0] * dim for _ in range(k)]
    b = [0.0] * k
    scale = 1.0
    avg = [[0.0] * dim for _ in range(k)]
    avg_b = [0.0] * k
    averaged = 0
    rng = random.Random(seed)  # noqa: S311 - seeded shuffling, not cryptography
    order = list(range(n))
    start_avg = epochs * 3 // 8  # average the iterates of the last 5/8 of the epochs
    for epoch in range(epochs):
        rng.shuffle(order)
        eta = LEARNING_RATE / (1 + epoch)
        for i in order:
            idx, val = xs[i]
            s = [scale * sum(map(mul, map(v[c_].__getitem__, idx), val)) + b[c_] for c_ in range(k)]
            p = softmax(s)
            scale *= 1.0 - eta * lam * sw[i]
            for c_ in range(k):
                g = (p[c_] - (1.0 if ys[i] == c_ else 0.0)) * sw[i]
                if -1e-4 < g < 1e-4:
                    continue
                b[c_] -= eta * g
                step = -eta * g / scale
                row = v[c_]
                for j, x in zip(idx, val, strict=True):
                    row[j] += step * x
            if scale < 1e-3:
                v = [[w * scale for w in row] for row in v]
                scale = 1.0
        if epoch >= start_avg:
            averaged += 1
            for c_ in range(k):
                a, row = avg[c_], v[c_]
                for j in range(dim):
                    a[j] += (row[j] * scale - a[j]) / averaged
                avg_b[c_] += (b[c_] - avg_b[c_]) / averaged
    return avg, avg_b


def train(
    rows: Iterable[Row],
    *,
    seed: int = 0,
    epochs: int = EPOCHS,
    c: float = C,
    features: FeatureConfig | None = None,
    threshold: float = 0.6,
) -> Model:
    data = list(rows)
    cfg = features or FeatureConfig()
    docs = [extract(t, b, cfg) for t, b, _ in data]
    return train_docs(
        docs, [r[2] for r in data], seed=seed, epochs=epochs, c=c, features=cfg, threshold=threshold
    )


def train_docs(
    docs: Sequence[Doc],
    gold: Sequence[str],
    *,
    sample_weight: Sequence[float] | None = None,
    seed: int = 0,
    epochs: int = EPOCHS,
    c: float = C,
    features: FeatureConfig | None = None,
    threshold: float = 0.6,
) -> Model:
    """:func:`train` on issues already counted (:func:`extract`), each row weighted by
    ``sample_weight`` (default 1): how a repository's own rows count more than the shipped
    corpus's (:mod:`foreman.routing.corpus`)."""
    if not docs:
        raise ValueError("no training rows")
    cfg = features or FeatureConfig()
    labels = sorted(set(gold))
    if len(labels) < 2:
        raise ValueError(f"need at least two classes, got {labels}")
    vocab = build_vocabulary(list(docs), min_df=2, max_terms=MAX_TERMS)
    xs = [vectorise(d, vocab, cfg.weights) for d in docs]
    ys = [labels.index(label) for label in gold]
    dense, bias = _sgd(
        xs, ys, len(vocab), len(labels), c=c, epochs=epochs, seed=seed, sample_weight=sample_weight
    )
    weights = [[round(w, 5) for w in row] for row in dense]
    meta = {
        "rows": len(docs),
        "per_label": {label: ys.count(k) for k, label in enumerate(labels)},
        "seed": seed,
        "epochs": epochs,
        "c": c,
        "learning_rate": LEARNING_RATE,
        "features": len(vocab),
    }
    return Model(labels, vocab, weights, bias, cfg, threshold, meta)


# -- metrics -----------------------------------------------------------------------------


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
    confidence threshold that decides exactly those rows."""
    order = sorted(range(len(confidence)), key=lambda i: -confidence[i])
    hits = 0
    best_n, best_t = 0, 1.0
    for n, i in enumerate(order, start=1):
        hits += correct[i]
        if hits / n >= precision:
            best_n, best_t = n, confidence[i]
    return (best_n / len(order) if order else 0.0), best_t


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
