"""The classifier's model: labels, vocabulary and per-class weights; class probabilities of an
issue; the model file (``.json`` or ``.json.gz``) it is saved to and loaded from.

The shipped model (``model.json.gz`` next to this file) was trained on real GitHub issues
labelled bug / feature / question (``scripts/train_classifier.py``); ``foreman learn``
writes a repository's own model in the same format.
"""

from __future__ import annotations

import base64
import gzip
import json
import sys
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from operator import add
from pathlib import Path
from typing import Any

from foreman.classifier.scoring import Counts, Table, fold, gather, softmax, weighted_sums
from foreman.classifier.terms import BLOCKS, FeatureConfig
from foreman.classifier.vocabulary import Vocabulary, count_terms
from foreman.errors import ForemanError, Location

SHIPPED = "model.json.gz"
MODEL_VERSION = 2  # 2: idf and weights as base64 float32 arrays


class ModelError(ForemanError):
    title = "invalid classifier model"


@dataclass
class IssueModel:
    """A multinomial logistic regression over an issue's counted terms."""

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
        """:func:`~foreman.classifier.scoring.fold` over the whole vocabulary (a few ms, once
        per model), and the biases minus the first class's."""
        idf2, rows = fold(self.vocab.idf, self.weights)
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
            # A process that predicts once (the plan) folds only this issue's terms: ~0.1 ms
            # instead of the whole vocabulary's ~6 ms. The next prediction folds everything.
            idx = sorted(set().union(*counts.values()))
            get = gather(idx)
            idf2_at, rows_at = fold(get(self.vocab.idf), [get(w) for w in self.weights])
            idf2 = dict(zip(idx, idf2_at, strict=True))
            rows = [dict(zip(idx, row, strict=True)) for row in rows_at]
            bias = self._bias
        else:
            idf2, rows, bias = self._folded
        self._predicted = True
        sums = weighted_sums(counts, idf2, rows, self.features.weights)
        return softmax([0.0, *map(add, bias, sums)])

    def best(self, title: str, body: str) -> tuple[str, float]:
        """The most probable label and its probability."""
        probs = self.proba(title, body)
        k = max(range(len(probs)), key=probs.__getitem__)
        return self.labels[k], probs[k]


def _pack(values: list[float]) -> str:
    """Little-endian float32, base64: a tenth of the JSON text and ~10x faster to read."""
    arr = array("f", values)
    if sys.byteorder == "big":
        arr.byteswap()
    return base64.b64encode(arr.tobytes()).decode("ascii")


def _unpack(text: str, size: int, what: str) -> list[float]:
    arr = array("f")
    arr.frombytes(base64.b64decode(text.encode("ascii"), validate=True))
    if sys.byteorder == "big":
        arr.byteswap()
    if len(arr) != size:
        raise ValueError(f"{what} holds {len(arr)} numbers, expected {size}")
    return arr.tolist()


def to_json(model: IssueModel) -> dict[str, Any]:
    return {
        "format": "agent-foreman-classifier",
        "version": MODEL_VERSION,
        "labels": model.labels,
        "features": model.features.to_dict(),
        # Terms of each block in index order (indices run on across blocks).
        "vocabulary": {
            b: sorted(terms, key=terms.__getitem__) for b, terms in model.vocab.index.items()
        },
        "idf": _pack(model.vocab.idf),
        "weights": _pack([w for row in model.weights for w in row]),  # label-major
        "bias": model.bias,
        "threshold": model.threshold,
        "meta": model.meta,
    }


def save(model: IssueModel, path: Path) -> None:
    data = json.dumps(to_json(model), separators=(",", ":"), sort_keys=True).encode()
    if path.suffix == ".gz":
        data = gzip.compress(data, mtime=0)
    path.write_bytes(data)


def _from_json(data: Any, source: str) -> IssueModel:
    try:
        if data.get("format") != "agent-foreman-classifier":
            raise ValueError("not an agent-foreman classifier model")
        if data.get("version") != MODEL_VERSION:
            raise ValueError(f"model version {data.get('version')!r}, expected {MODEL_VERSION}")
        index: dict[str, dict[str, int]] = {}
        ordered: dict[str, list[str]] = {}
        offset = 0
        for block in BLOCKS:
            terms = ordered[block] = data["vocabulary"].get(block, [])
            if not set(map(type, terms)) <= {str}:
                raise ValueError(f"vocabulary block {block!r} holds a term that is not a string")
            index[block] = dict(zip(terms, range(offset, offset + len(terms)), strict=True))
            offset += len(terms)
        labels = [str(x) for x in data["labels"]]
        bias = [float(x) for x in data["bias"]]
        if not (len(labels) == len(bias) >= 2):
            raise ValueError("labels and bias disagree in length")
        vocab = Vocabulary(index, _unpack(data["idf"], offset, "idf"), ordered)
        flat = _unpack(data["weights"], offset * len(labels), "weights")
        weights = [flat[k * offset : (k + 1) * offset] for k in range(len(labels))]
        return IssueModel(
            labels,
            vocab,
            weights,
            bias,
            FeatureConfig.from_dict(data["features"]),
            float(data["threshold"]),
            dict(data.get("meta") or {}),
        )
    except (AttributeError, KeyError, TypeError, ValueError) as err:
        raise ModelError(f"cannot use this model: {err}", location=Location(source)) from None


def load(path: Path | None = None) -> IssueModel:
    """A model file (``.json`` or ``.json.gz``), or the shipped model."""
    try:
        if path is None:
            # Next to this file (importlib.resources would cost the plan ~10 ms of imports).
            raw = Path(__file__).with_name(SHIPPED).read_bytes()
            source = f"foreman/classifier/{SHIPPED}"
        else:
            raw = path.read_bytes()
            source = str(path)
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        data = json.loads(raw)
    except (OSError, ValueError, EOFError) as err:
        where = str(path) if path else SHIPPED
        raise ModelError(f"cannot read the model: {err}", location=Location(where)) from None
    return _from_json(data, source)
