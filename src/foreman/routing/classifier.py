"""Layer 2: the embedded issue classifier. Pure Python at run time; abstains when unsure.

The shipped model (``model.json.gz`` next to this file) was trained on real
GitHub issues labelled bug / feature / question (``scripts/train_classifier.py``);
``foreman learn`` writes a repository's own model in the same format.
"""

from __future__ import annotations

import base64
import gzip
import json
import sys
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from foreman.errors import ForemanError, Location
from foreman.routing.features import BLOCKS, FeatureConfig, Vocabulary
from foreman.routing.train import MODEL_VERSION, Model

SHIPPED = "model.json.gz"


class ModelError(ForemanError):
    title = "invalid classifier model"


@dataclass(frozen=True)
class Prediction:
    label: str | None  # None: abstained
    confidence: float
    probabilities: dict[str, float]
    evidence: tuple[str, ...] = ()  # terms in words that favour the label (or best guess)
    model: str = ""  # which model decided, for the reason ("": the shipped one)

    @property
    def abstained(self) -> bool:
        return self.label is None


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


def to_json(model: Model) -> dict[str, Any]:
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


def save(model: Model, path: Path) -> None:
    data = json.dumps(to_json(model), separators=(",", ":"), sort_keys=True).encode()
    if path.suffix == ".gz":
        data = gzip.compress(data, mtime=0)
    path.write_bytes(data)


def _from_json(data: Any, source: str) -> Model:
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
        return Model(
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


class Classifier:
    def __init__(self, model: Model, name: str = "") -> None:
        self.model = model
        self.name = name  # e.g. "the model learned for owner/name on <date>"

    @classmethod
    def load(cls, path: Path | None = None) -> Classifier:
        """A model file (``.json`` or ``.json.gz``), or the shipped model."""
        try:
            if path is None:
                # Next to this file (importlib.resources would cost the plan ~10 ms of imports).
                raw = Path(__file__).with_name(SHIPPED).read_bytes()
                source = f"foreman/routing/{SHIPPED}"
            else:
                raw = path.read_bytes()
                source = str(path)
            if raw[:2] == b"\x1f\x8b":
                raw = gzip.decompress(raw)
            data = json.loads(raw)
        except (OSError, ValueError, EOFError) as err:
            where = str(path) if path else SHIPPED
            raise ModelError(f"cannot read the model: {err}", location=Location(where)) from None
        return cls(_from_json(data, source))

    @property
    def labels(self) -> list[str]:
        return list(self.model.labels)

    @property
    def threshold(self) -> float:
        return self.model.threshold

    def predict(
        self, title: str, body: str, *, min_confidence: float | None = None, evidence: int = 0
    ) -> Prediction:
        """The label (``None``: abstained below the threshold), and with ``evidence``, up to
        that many of the issue's terms that favour the label (or best guess), in words."""
        counts = self.model.counts(title or "", body or "")
        probs = self.model.proba_of(counts)
        best = max(range(len(probs)), key=probs.__getitem__)
        threshold = self.model.threshold if min_confidence is None else min_confidence
        conf = probs[best]
        label = self.model.labels[best] if conf >= threshold else None
        found = self.model.evidence(counts, self.model.labels[best], evidence) if evidence else []
        probabilities = dict(zip(self.model.labels, probs, strict=True))
        return Prediction(label, conf, probabilities, tuple(found), self.name)
