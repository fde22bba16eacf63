"""The scoring kernel: counted terms -> the weighted vector, and its dot products with the
model's rows without building the vector (what a prediction costs).

Each block is weighted ``(1 + log tf) * idf``, L2-normalised and scaled by its block weight;
the whole vector is then L2-normalised again.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import repeat
from operator import itemgetter, mul, sub

from foreman.classifier.terms import BLOCKS

Vector = tuple[list[int], list[float]]  # (feature indices, values)
Counts = dict[str, Counter[int]]  # block -> feature index -> count

_TF = [0.0] + [1.0 + math.log(c) for c in range(1, 256)]  # sublinear tf of small counts


def _tf(count: int) -> float:
    return 1.0 + math.log(count)


Table = Sequence[float] | Mapping[int, float]  # feature index -> value


def gather(idx: Sequence[int]) -> Callable[[Table], Sequence[float]]:
    """The values at ``idx`` of a table, in one C call (``map(seq.__getitem__, idx)`` pays a
    Python-level call per item)."""
    if len(idx) == 1:
        only = idx[0]
        return lambda seq: (seq[only],)
    return itemgetter(*idx) if idx else lambda seq: ()


def _weighted_blocks(
    counts: Mapping[str, Counter[int]], weights: Mapping[str, float]
) -> Iterator[tuple[float, Counter[int]]]:
    """Block weight and term counts of each block that has weight and terms."""
    for block in BLOCKS:
        weight = weights.get(block, 0.0)
        found = counts.get(block)
        if weight > 0.0 and found:
            yield weight, found


def weigh(
    counts: Mapping[str, Counter[int]], idf: list[float], weights: Mapping[str, float]
) -> Vector:
    """The ``vectorise`` vector of counted terms: sublinear tf-idf, L2 per block, block
    weights, L2 over the whole."""
    parts: list[tuple[list[int], list[float], float]] = []
    total = 0.0
    for weight, found in _weighted_blocks(counts, weights):
        b_idx = list(found)
        tf = _TF.__getitem__ if max(found.values()) < len(_TF) else _tf
        b_val = list(map(mul, map(tf, found.values()), map(idf.__getitem__, b_idx)))
        norm = math.sqrt(sum(map(mul, b_val, b_val)))
        parts.append((b_idx, b_val, weight / norm))
        total += weight * weight
    idx: list[int] = []
    val: list[float] = []
    if total > 0.0:
        whole = 1.0 / math.sqrt(total)
        for b_idx, b_val, scale in parts:
            idx += b_idx
            val += map(mul, b_val, repeat(scale * whole))
    return idx, val


def weighted_sums(
    counts: Mapping[str, Counter[int]],
    idf2: Table,
    rows: Sequence[Table],
    weights: Mapping[str, float],
) -> list[float]:
    """The dot product of the ``vectorise`` vector with each row of ``(weight * idf)`` values,
    without building the vector: per block, sum(tf * row) over its terms, scaled as
    ``weigh`` scales that block (``idf2`` holds the squared idf, for the block norm)."""
    sums = [0.0] * len(rows)
    total = 0.0
    for weight, found in _weighted_blocks(counts, weights):
        # Most terms occur once (tf 1) and need no multiplication; the others add
        # tf - 1 = log(count) times their row, and tf² - 1 times their idf².
        get = gather(list(found))
        norm2 = sum(get(idf2))
        block_sums = [sum(get(row)) for row in rows]
        if multi := [i for i, c in found.items() if c > 1]:
            extra = [math.log(found[i]) for i in multi]
            get = gather(multi)
            norm2 += sum(map(mul, [e * (e + 2.0) for e in extra], get(idf2)))
            block_sums = [
                x + sum(map(mul, extra, get(row))) for x, row in zip(block_sums, rows, strict=True)
            ]
        scale = weight / math.sqrt(norm2)
        sums = [x + scale * y for x, y in zip(sums, block_sums, strict=True)]
        total += weight * weight
    if total > 0.0:
        whole = 1.0 / math.sqrt(total)
        sums = [x * whole for x in sums]
    return sums


def fold(
    idf: Sequence[float], weights: Sequence[Sequence[float]]
) -> tuple[list[float], list[list[float]]]:
    """idf squared, and each class's weights after the first minus the first class's, times
    idf: the rows :func:`weighted_sums` takes (softmax is the same when every score moves by
    the same amount, so a prediction looks up one row less per term)."""
    w0 = weights[0]
    return list(map(mul, idf, idf)), [list(map(mul, map(sub, w, w0), idf)) for w in weights[1:]]


def softmax(scores: Sequence[float]) -> list[float]:
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]
