"""Issue text -> sparse feature vector, shared by training and prediction.

An issue becomes four *blocks* of counted terms:

- ``T`` title words and word pairs, the first title word (``^word``), a
  bracketed prefix (``[bug]`` -> ``[]bug``) and a ``scope:`` prefix;
- ``W`` body words and word pairs, markdown headings (``#...``) and
  HTML-comment openings (``<!--...``: issue templates leave them behind);
- ``S`` structure: counts (log-bucketed) of code blocks, stack-trace lines,
  error words, question marks, question / feature / bug phrasing, body length,
  a title ending in ``?``, and the first words answering a template heading
  (``### Issue type`` -> ``bug``);
- ``C`` character 3..5-grams of the title and the start of the body.

Text is lower-cased; URLs become ``_url_`` plus their host, and hex numbers,
version strings and numbers become ``_hex_``, ``_ver_`` and ``_num_``.
Each block is weighted ``(1 + log tf) * idf``, L2-normalised and scaled by its
block weight; the whole vector is then L2-normalised again.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from itertools import chain, islice, pairwise, repeat
from operator import getitem, itemgetter, mul
from typing import Any

BLOCKS = ("T", "W", "S", "C")
Doc = dict[str, Counter[str]]  # block -> term counts
Vector = tuple[list[int], list[float]]  # (feature indices, values)
Counts = dict[str, Counter[int]]  # block -> feature index -> count

_URL = re.compile(r"https?://([\w.-]+)\S*")
_HEX = re.compile(r"\b0x[0-9a-f]+\b")
# ``\bv?\d+(?:\.\d+)+\w*`` and ``\b\d+\b``, written to start with a character class so that
# the regex engine skips ahead to candidate characters (a leading ``\b`` is tried at every
# position: twice the time). ``(?<!\w.)`` after the first character is the ``\b`` before it.
_VER = re.compile(r"[v\d](?<!\w.)(?:(?<=v)\d+|(?<!v)\d*)(?:\.\d+)+\w*")
_NUM = re.compile(r"\d(?<!\w.)\d*\b")
_WORD = re.compile(r"[a-z_][a-z0-9_']*|\d+|[?!]")
# Patterns start with a literal, so that the regex engine skips ahead to where they can match
# (a leading ``\w+`` would make them quadratic, a leading ``^`` or ``\b`` tries every position).
# Line starts are matched as ``\n`` in "\n" + text: the same matches as ``^`` under re.M, because
# no match ends just after a newline.
_TRACE = re.compile(
    r"traceback \(most recent call last\)|\n[ \t]*at [\w$.<>]+ ?\(|file \"[^\"\n]+\", line \d+"
    r"|\.(?:js|ts|py|cpp|cc|h|java):\d+"
)
# Counted with str.count: no word's end is another's start, so the counts never overlap.
_ERROR_WORDS = ("error", "exception", "fault", "crash", "abort", "assert")


class _Phrases:
    r"""Counts matches of ``\b(?:alternative|...)\b``, for alternatives that start with a letter.

    Written for speed, with the same matches: the regex starts with each alternative's first
    letter and tests the word boundary after it (``(?<!\w.)``), so that the engine skips ahead
    to those letters instead of trying a leading ``\b`` at every position; and it is tried
    only where one of the alternatives' leading literals occurs (``what is`` -> ``what is``,
    ``can (?:i|we)`` -> ``can i``, ``can we``, ``repro(?:duce)?`` -> ``repro``, ``doesn'?t``
    -> ``doesn``): a match starts nowhere else."""

    def __init__(self, *alternatives: str) -> None:
        if not all(a[:1].isalpha() for a in alternatives):
            raise ValueError("every alternative must start with a letter")
        self.alternatives = alternatives
        self.regex = re.compile(
            "(?:" + "|".join(a[0] + r"(?<!\w.)" + a[1:] for a in alternatives) + r")\b"
        )
        self.literals = tuple(lit for a in alternatives for lit in _literals(a))

    def count(self, text: str) -> int:
        """``len(self.regex.findall(text))``, with the regex tried only where one of the
        literals occurs: every match starts with one, so ``str.find`` (C, no per-character
        branch) finds all the places a match can start, and the matches are taken from left
        to right as ``findall`` takes them, none overlapping."""
        starts: set[int] = set()
        find = text.find
        for literal in self.literals:
            i = find(literal)
            while i >= 0:
                starts.add(i)
                i = find(literal, i + 1)
        found, end = 0, 0
        match = self.regex.match  # at a position, with the text before it in view (\b)
        for i in sorted(starts):
            if i >= end and (m := match(text, i)) is not None:
                found, end = found + 1, m.end()
        return found


_GROUP = re.compile(r"([^()\[\]{}?*+|\\.^$]*)\(\?:([^()]*)\)(?![?*{])(.*)", re.S)


def _literals(alternative: str) -> tuple[str, ...]:
    """Strings of which a match of ``alternative`` contains one: its leading literal, and when
    a group follows it (not an optional one), one per branch (``how (?:do|can)`` -> ``how do``,
    ``how can``: far rarer in text than ``how ``)."""
    if m := _GROUP.fullmatch(alternative):
        head, branches, rest = m.groups()
        return tuple(_leading_literal(head + b + rest) for b in branches.split("|"))
    return (_leading_literal(alternative),)


def _leading_literal(alternative: str) -> str:
    """The plain characters an alternative starts with, without one a quantifier follows."""
    end = 0
    while end < len(alternative) and alternative[end] not in "()[]{}?*+|\\.^$":
        end += 1
    if end < len(alternative) and alternative[end] in "?*{":
        end -= 1
    return alternative[:end]


_ASK = _Phrases(
    "how (?:do|can|to|should)",
    "is (?:it|there) (?:possible|a way)",
    "can (?:i|we|you|someone)",
    "what is",
    "why (?:is|does|do)",
    "any (?:idea|help|suggestion)",
    "help me",
    "please help",
    "does anyone",
    "i (?:want|need|am trying|'m trying) to",
)
_WISH = _Phrases(
    "would be (?:nice|great|useful|good)",
    "feature request",
    "add (?:support|an? option)",
    "it would",
    "allow",
    "support for",
    r"propos\w+",
    r"suggest\w*",
    "instead of",
    "enhancement",
)
_BROKEN = _Phrases(
    "steps to reproduce",
    "expected (?:behaviou?r|result)",
    "actual (?:behaviou?r|result)",
    "describe the bug",
    "repro(?:duce)?",
    "regression",
    "broken",
    "doesn'?t work",
    "does not work",
    "not working",
    "crash(?:es|ed)?",
)
_HEADING = re.compile(r"\n\s*#+\s*([^\n]{1,60})")
_COMMENT = re.compile(r"<!--(.{0,36})", re.S)
_ANSWER = re.compile(
    r"\n\s*(?:#+ [^\n]*|\*\*[^*\n]{1,80}\*\*:?)\s*\n(?:\s*\n)*\s*([^\n#*<][^\n]{0,40})"
)
_BRACKET = re.compile(r"\s*\[([^\]]{1,30})\]")
_SCOPE = re.compile(r"\s*([\w -]{1,20}):")


@dataclass(frozen=True)
class FeatureConfig:
    """How text becomes features; saved in the model so prediction matches training."""

    # Body words and structure come from this many leading characters. 2,000 instead, with the
    # training script: 5-fold CV macro-F1 / coverage at 90 % 0.783 / 0.575 (4,000: 0.787 /
    # 0.595), leave-one-repo-out 0.621 / 0.111 (0.619 / 0.089): no clear gain, kept.
    body_chars: int = 4000
    # Character n-grams come from the title and this many body characters. 5-fold CV on the
    # 1,500-issue set (scikit-learn LR on the same vectors): 150: 0.789, 300: 0.791, 600: 0.782.
    # With the training script (seed 0; k-fold macro-F1 / coverage at 90 %, leave-one-repo-out
    # the same): 300: 0.787 / 0.595, 0.619 / 0.089; 150: 0.788 / 0.563, 0.632 / 0.037; the
    # title only (0): 0.751 / 0.448, 0.595 / 0.0.
    char_chars: int = 300
    # n-gram lengths. With scikit-learn LR (mean of 4 CV seeds, macro-F1 / coverage at 90 %)
    # 3-5: 0.786 / 0.571, 4-5: 0.786 / 0.571, 5: 0.788 / 0.577, 6: 0.788 / 0.586; but with the
    # training script (seed 0, k-fold and leave-one-repo-out) 3-5: 0.787 / 0.595, LORO 0.619 /
    # 0.089; 4-5: 0.787 / 0.567, LORO 0.605 / 0.030; 5: 0.783 / 0.567, LORO 0.609 / 0.001;
    # 3-4: 0.784 / 0.609, LORO 0.622 / 0.069 (14 % fewer instructions per prediction).
    # The 3-grams are what carries over to a repository the model has not seen.
    char_min: int = 3
    char_max: int = 5
    weights: Mapping[str, float] = field(
        default_factory=lambda: {"T": 0.7, "W": 1.0, "S": 0.5, "C": 1.5}
    )

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["weights"] = dict(self.weights)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FeatureConfig:
        return cls(
            body_chars=int(data["body_chars"]),
            char_chars=int(data["char_chars"]),
            char_min=int(data["char_min"]),
            char_max=int(data["char_max"]),
            weights={str(k): float(v) for k, v in dict(data["weights"]).items()},
        )


def normalise(text: str) -> str:
    """Lower-case and replace URLs, hex numbers, versions and numbers by placeholders."""
    text = text.lower()
    if "http" in text:  # (the placeholders: skip a pass over the text where they cannot match)
        text = _URL.sub(lambda m: " _url_ _host_" + m.group(1).replace(".", "_") + " ", text)
    if "0x" in text:
        text = _HEX.sub(" _hex_ ", text)
    return _NUM.sub(" _num_ ", _VER.sub(" _ver_ ", text))


_TF = [0.0] + [1.0 + math.log(c) for c in range(1, 256)]  # sublinear tf of small counts


def _bucket(count: int) -> int:
    return 0 if count <= 0 else min(5, 1 + int(math.log2(count)))


def _pairs(words: list[str]) -> map[str]:
    return map(" ".join, pairwise(words))


_SLICES: dict[int, list[slice]] = {}  # n -> slice(i, i + n) for i = 0, 1, ...


def _char_grams(text: str, lo: int, hi: int) -> Iterable[str]:
    """All ``lo``..``hi``-grams of ``text``: ``getitem`` over cached slice objects, all C-level
    (15 % fewer instructions than joining shifted copies with ``zip``)."""
    grams: list[Iterable[str]] = []
    for n in range(max(1, lo), hi + 1):
        count = len(text) - n + 1
        if count > 0:
            slices = _SLICES.setdefault(n, [])
            if len(slices) < count:  # grown as needed (a plan predicts one issue)
                start, end = len(slices), max(count, 2 * len(slices))
                slices += map(slice, range(start, end), range(start + n, end + n))
            grams.append(map(getitem, repeat(text), islice(slices, count)))
    return chain.from_iterable(grams)


def terms(title: str, body: str, config: FeatureConfig) -> dict[str, Iterable[str]]:
    """The terms of one issue, per block, in a fixed order (lazily: prediction only looks up
    the ones in the vocabulary)."""
    title_low = title.strip().lower()
    body = body[: config.body_chars]
    body_low = body.lower()
    title_norm = normalise(title)

    title_words = _WORD.findall(title_norm)
    t = [title_words, _pairs(title_words)]
    if title_words:
        t.append(["^" + title_words[0]])
    if m := _BRACKET.match(title_low):
        t.append(["[]" + m.group(1)])
    if m := _SCOPE.match(title_low):
        t.append([":" + m.group(1).strip()])

    body_words = _WORD.findall(normalise(body))
    lines = "\n" + body_low  # see _TRACE
    headings = ["#" + h.strip() for h in _HEADING.findall(lines)]
    comments = ["<!--" + " ".join(c.split()) for c in _COMMENT.findall(body_low)]

    both = body_low + " " + title_low
    s = [
        f"code{_bucket(body.count('```') // 2)}",
        f"trace{_bucket(len(_TRACE.findall(lines)))}",
        f"error{_bucket(sum(map(body_low.count, _ERROR_WORDS)))}",
        f"qmark{_bucket(body_low.count('?'))}",
        f"ask{_bucket(_ASK.count(both))}",
        f"wish{_bucket(_WISH.count(both))}",
        f"broken{_bucket(_BROKEN.count(both))}",
        f"len{_bucket(len(body) // 100)}",
    ]
    if title_low.endswith("?"):
        s.append("title?")
    for answer in _ANSWER.findall(lines):
        words = _WORD.findall(normalise(answer))[:2]
        if words:
            s.append("=" + " ".join(words))

    head = title_norm + " " + normalise(body[: config.char_chars])
    chars = _char_grams(" " + " ".join(head.split()) + " ", config.char_min, config.char_max)
    return {
        "T": chain.from_iterable(t),
        "W": chain(body_words, _pairs(body_words), headings, comments),
        "S": s,
        "C": chars,
    }


_SIGNALS = {  # S-block term -> what it says, present (count bucket >= 1) and absent (0)
    "code": ("code blocks", "no code block"),
    "trace": ("a stack trace", "no stack trace"),
    "error": ("error words", "no error words"),
    "qmark": ("question marks", "no question mark"),
    "ask": ("question phrasing", "no question phrasing"),
    "wish": ("feature-request phrasing", "no feature-request phrasing"),
    "broken": ("bug-report phrasing", "no bug-report phrasing"),
}
_SHOWN = re.compile(r"[^a-z0-9 _'.?-]+")
_ALNUM = re.compile(r"[a-z0-9]")


_PLACEHOLDERS = {  # placeholder -> inside quoted text, and as a term of its own
    "_num_": ("N", "a number"),
    "_ver_": ("X.Y", "a version number"),
    "_hex_": ("0x..", "a hex number"),
    "_url_": ("URL", "a link"),
}


def _shown(text: str) -> str:
    """Issue text made safe and short for a decision's evidence: no markup or mention characters,
    placeholders as what they stand for."""
    shown = ""
    for word in _SHOWN.sub(" ", text).split():
        word = _PLACEHOLDERS[word][0] if word in _PLACEHOLDERS else word
        if len(shown) + len(word) > 30:
            return shown or word[:30]
        shown += (" " if shown else "") + word
    return shown if _ALNUM.search(shown) else ""


def _quoted(term: str) -> str | None:
    if term in _PLACEHOLDERS:
        return _PLACEHOLDERS[term][1]
    if term.startswith("_host_"):
        return f"a link to {_shown(term[6:].replace('_', '.'))}"
    return f'"{shown}"' if (shown := _shown(term)) else None


_MARKED = {  # term prefix (see ``terms``; none starts a word) -> how the rest reads
    "=": 'template answer "{}"',
    "^": 'title starts "{}"',
    "[]": 'title prefix "[{}]"',
    ":": 'title prefix "{}:"',
    "#": 'heading "{}"',
}


def describe(block: str, term: str) -> str | None:
    """A term in words, for the evidence of a routing decision (``trace2`` -> "a stack trace",
    ``#steps to reproduce`` -> 'heading "steps to reproduce"'); ``None`` for character n-grams
    that are not a whole word, for the body length and for text with no letter or digit."""
    if block == "C":  # an n-gram may start with any character
        return _quoted(term.strip()) if term[:1] == term[-1:] == " " else None
    for prefix, template in _MARKED.items():
        if term.startswith(prefix):
            shown = _shown(term[len(prefix) :])
            return template.format(shown) if shown else None
    if block == "S":
        if term == "title?":
            return "a title ending in ?"
        kind = term.rstrip("0123456789")
        if kind in _SIGNALS and kind != term:
            return _SIGNALS[kind][term[len(kind) :] == "0"]
        return None
    if term.startswith("<!--"):
        return "an issue-template comment"
    quoted = _quoted(term)
    return f"title {quoted}" if quoted and block == "T" and quoted[:1] == '"' else quoted


def extract(title: str, body: str, config: FeatureConfig) -> Doc:
    """Count the terms of one issue, per block (training: the vocabulary is not known yet)."""
    return {block: Counter(stream) for block, stream in terms(title, body, config).items()}


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
