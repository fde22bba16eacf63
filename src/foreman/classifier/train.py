"""Fitting the classifier, in pure Python (stdlib only).

A multinomial logistic regression on the sparse vectors of :mod:`.vocabulary`, fitted by
averaged stochastic gradient descent with L2 regularisation. Pure Python so that
``foreman learn`` can fit a repository's own model inside the Action, with no numpy or
scikit-learn. How the settings below were chosen: docs/classifier.md.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from operator import mul

from foreman.classifier.model import IssueModel
from foreman.classifier.scoring import Vector, softmax
from foreman.classifier.terms import Doc, FeatureConfig, extract
from foreman.classifier.vocabulary import build_vocabulary, vectorise

LEARNING_RATE = 4.0  # step size of the first epoch (vectors have unit norm)
EPOCHS = 14  # passes over the data
C = 10.0  # inverse L2 strength
MAX_TERMS = {"W": 5000, "C": 8000}  # most frequent terms kept per block
Row = tuple[str, str, str]  # title, body, label


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
) -> IssueModel:
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
) -> IssueModel:
    """:func:`train` on issues already counted (:func:`extract`), each row weighted by
    ``sample_weight`` (default 1): how a repository's own rows count more than the shipped
    corpus's (:mod:`.corpus`)."""
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
    return IssueModel(labels, vocab, weights, bias, cfg, threshold, meta)
