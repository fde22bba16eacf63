"""The shipped training data in compact form: each row's label and counted terms.

The repository's own model is fitted on its labelled issues *together with* the
data the shipped model was trained on. The project ships no CSV; it ships this:
for every training row, its label and the counts of the terms that made the
shipped vocabulary (``min_df`` 2, the usual per-block caps), as
term ids and counts over one term table, varint-packed and xz-compressed. Rows lose only
the terms no vocabulary would keep; a repository's own rows add their own terms.
``scripts/train_classifier.py --corpus`` writes it next to the model.
"""

from __future__ import annotations

import json
import lzma
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from foreman.classifier.terms import BLOCKS, Doc, FeatureConfig, extract
from foreman.classifier.train import MAX_TERMS
from foreman.classifier.vocabulary import build_vocabulary
from foreman.errors import ForemanError, Location

SHIPPED = "corpus.bin.xz"
FORMAT = "agent-foreman-corpus"
VERSION = 1


class CorpusError(ForemanError):
    title = "invalid training corpus"


@dataclass
class Corpus:
    """Training rows as counted terms: ``docs[i]`` has label ``labels[i]``."""

    features: FeatureConfig
    labels: list[str]
    docs: list[Doc]
    source: str = ""


def build(rows: Sequence[tuple[str, str, str]], features: FeatureConfig, source: str) -> Corpus:
    """Rows (title, body, label) -> their docs restricted to the vocabulary they make."""
    docs = [extract(t, b, features) for t, b, _ in rows]
    vocab = build_vocabulary(docs, min_df=2, max_terms=MAX_TERMS)
    kept = [
        {
            blk: Counter({t: c for t, c in doc[blk].items() if t in vocab.index[blk]})
            for blk in BLOCKS
        }
        for doc in docs
    ]
    return Corpus(features, [r[2] for r in rows], kept, source)


def _varint(n: int, out: bytearray) -> None:
    while n >= 128:
        out.append(n & 127 | 128)
        n >>= 7
    out.append(n)


def to_bytes(corpus: Corpus) -> bytes:
    """A JSON header (with the term table, most frequent first), a NUL, then per row: class,
    number of terms, the term ids' gaps (ascending), each count minus one, as varints."""
    freq: Counter[str] = Counter()
    for doc in corpus.docs:
        for blk in BLOCKS:
            freq.update(blk + t for t in doc[blk])
    names = [k for k, _ in sorted(freq.items(), key=lambda kv: (-kv[1], kv[0]))]
    table = {k: i for i, k in enumerate(names)}
    classes = sorted(set(corpus.labels))
    out = bytearray()
    for label, doc in zip(corpus.labels, corpus.docs, strict=True):
        ids = sorted((table[blk + t], n) for blk in BLOCKS for t, n in doc[blk].items())
        _varint(classes.index(label), out)
        _varint(len(ids), out)
        prev = 0
        for i, _ in ids:
            _varint(i - prev, out)
            prev = i
        for _, n in ids:
            _varint(n - 1, out)
    header = {
        "format": FORMAT,
        "version": VERSION,
        "source": corpus.source,
        "features": corpus.features.to_dict(),
        "classes": classes,
        "rows": len(corpus.docs),
        "terms": names,
    }
    return json.dumps(header, separators=(",", ":")).encode() + b"\0" + bytes(out)


def save(corpus: Corpus, path: Path) -> None:
    path.write_bytes(lzma.compress(to_bytes(corpus), preset=9))


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def varint(self) -> int:
        n = shift = 0
        while True:
            byte = self.data[self.pos]
            self.pos += 1
            n |= (byte & 127) << shift
            if byte < 128:
                return n
            shift += 7


def load(path: Path | None = None) -> Corpus:
    """A corpus file, or the shipped one (next to this module)."""
    where = path or Path(__file__).with_name(SHIPPED)
    try:
        raw = lzma.decompress(where.read_bytes())
        cut = raw.index(b"\0")
        head = json.loads(raw[:cut])
        if head.get("format") != FORMAT or head.get("version") != VERSION:
            raise ValueError(f"not a version {VERSION} {FORMAT} file")
        names = [str(x) for x in head["terms"]]
        classes = [str(x) for x in head["classes"]]
        reader = _Reader(raw[cut + 1 :])
        labels: list[str] = []
        docs: list[Doc] = []
        for _ in range(int(head["rows"])):
            labels.append(classes[reader.varint()])
            size = reader.varint()
            ids, at = [], 0
            for _ in range(size):
                at += reader.varint()
                ids.append(at)
            doc: Doc = {blk: Counter() for blk in BLOCKS}
            for i in ids:
                key = names[i]
                doc[key[0]][key[1:]] = reader.varint() + 1
            docs.append(doc)
        if reader.pos != len(reader.data):
            raise ValueError("trailing data after the last row")
        source = str(head["source"])
        return Corpus(FeatureConfig.from_dict(head["features"]), labels, docs, source)
    except (OSError, EOFError, ValueError, KeyError, IndexError, TypeError, AttributeError) as err:
        raise CorpusError(f"cannot read the corpus: {err}", location=Location(str(where))) from None
    except lzma.LZMAError as err:
        raise CorpusError(f"cannot read the corpus: {err}", location=Location(str(where))) from None
