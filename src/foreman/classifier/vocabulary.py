"""The vocabulary: which terms are features, their indices and idf; an issue's terms counted
against it (prediction) or turned into a vector (training)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import repeat

from foreman.classifier.scoring import Counts, Vector, weigh
from foreman.classifier.terms import BLOCKS, Doc, FeatureConfig, terms


@dataclass
class Vocabulary:
    """Term -> feature index per block, and the idf of every index. Each block's indices are
    consecutive, in ``BLOCKS`` order."""

    index: dict[str, dict[str, int]]
    idf: list[float]
    # Each block's terms in index order, the reverse of ``index`` (to explain a decision): a
    # model file lists them so; built from ``index`` on first use when not given.
    ordered: dict[str, list[str]] | None = field(default=None, compare=False, repr=False)

    def __len__(self) -> int:
        return len(self.idf)

    def name(self, i: int) -> tuple[str, str]:
        """The block and term of feature index ``i``."""
        if self.ordered is None:
            self.ordered = {b: sorted(t, key=t.__getitem__) for b, t in self.index.items()}
        for block in BLOCKS:
            terms = self.ordered.get(block, [])
            if 0 <= i < len(terms):
                return block, terms[i]
            i -= len(terms)
        raise IndexError("feature index out of range")


def build_vocabulary(
    docs: list[Doc], *, min_df: int = 2, max_terms: Mapping[str, int] | None = None
) -> Vocabulary:
    """Keep terms seen in ``min_df`` documents, the most frequent ``max_terms[block]`` of each
    block; idf is smoothed: ``log((1 + n) / (1 + df)) + 1``."""
    caps = dict(max_terms or {})
    n = len(docs)
    index: dict[str, dict[str, int]] = {}
    ordered: dict[str, list[str]] = {}
    idf: list[float] = []
    for block in BLOCKS:
        df: Counter[str] = Counter()
        for doc in docs:
            df.update(doc[block].keys())
        kept = sorted((t for t, c in df.items() if c >= min_df), key=lambda t: (-df[t], t))
        if block in caps:
            kept = kept[: caps[block]]
        terms: dict[str, int] = {}
        ordered[block] = sorted(kept)
        for term in ordered[block]:
            terms[term] = len(idf)
            idf.append(math.log((1 + n) / (1 + df[term])) + 1.0)
        index[block] = terms
    return Vocabulary(index, idf, ordered)


def vectorise(doc: Doc, vocab: Vocabulary, weights: Mapping[str, float]) -> Vector:
    """Sublinear tf-idf, L2 per block, block weights, then L2 over the whole vector."""
    counts: Counts = {}
    for block in BLOCKS:
        index = vocab.index[block]
        counts[block] = Counter(
            {i: c for t, c in doc[block].items() if (i := index.get(t)) is not None}
        )
    return weigh(counts, vocab.idf, weights)


def count_terms(title: str, body: str, vocab: Vocabulary, config: FeatureConfig) -> Counts:
    """Per block, how often each vocabulary term occurs in the issue: the prediction side of
    ``extract``. Each term is looked up as it streams by and only known ones are counted (a
    typical issue yields ~1,400 terms, ~30 % of them outside the vocabulary)."""
    counts: Counts = {}
    for block, stream in terms(title, body, config).items():
        found = Counter(map(vocab.index[block].get, stream, repeat(-1)))  # all C-level
        found.pop(-1, None)  # -1: not in the vocabulary
        counts[block] = found
    return counts
