"""Issue text -> counted terms, per block: the same for training and prediction.

An issue becomes four *blocks* of terms:

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
version strings and numbers become ``_hex_``, ``_ver_`` and ``_num_``. How the
counted terms become a weighted vector: :mod:`.vocabulary` and :mod:`.scoring`.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from itertools import chain, islice, pairwise, repeat
from operator import getitem
from typing import Any

from foreman.classifier.phrases import Phrases

BLOCKS = ("T", "W", "S", "C")
Doc = dict[str, Counter[str]]  # block -> term counts

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

_ASK = Phrases(
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
_WISH = Phrases(
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
_BROKEN = Phrases(
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

    # Body words and structure come from this many leading characters.
    body_chars: int = 4000
    # Character n-grams come from the title and this many body characters.
    char_chars: int = 300
    # n-gram lengths: the 3-grams are what carries over to a repository the model has not
    # seen (docs/classifier.md).
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


def extract(title: str, body: str, config: FeatureConfig) -> Doc:
    """Count the terms of one issue, per block (training: the vocabulary is not known yet)."""
    return {block: Counter(stream) for block, stream in terms(title, body, config).items()}
