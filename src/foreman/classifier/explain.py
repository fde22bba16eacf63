"""Why a prediction: the issue's terms that pushed the label's score up, in words."""

from __future__ import annotations

import re
from operator import itemgetter, mul, sub
from typing import TYPE_CHECKING

from foreman.classifier.scoring import Counts, gather, weigh

if TYPE_CHECKING:
    from foreman.classifier.model import IssueModel

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


def evidence(model: IssueModel, counts: Counts, label: str, top: int = 3) -> list[str]:
    """In words (:func:`describe`), the issue's terms (``counts``, as
    :meth:`~foreman.classifier.model.IssueModel.proba_of` takes them) that raised ``label``'s
    score most above the runner-up class's, strongest first: the evidence a routing decision
    shows."""
    k = model.labels.index(label)
    idx, val = weigh(counts, model.vocab.idf, model.features.weights)
    get = gather(idx)
    scores = [
        b + sum(map(mul, val, get(w))) for w, b in zip(model.weights, model.bias, strict=True)
    ]
    runner = max((c for c in range(len(scores)) if c != k), key=scores.__getitem__)
    push = map(mul, val, map(sub, get(model.weights[k]), get(model.weights[runner])))
    out: list[str] = []
    seen: set[str] = set()  # 'title "x"' and 'title starts "x"' say one thing
    # Sorted by the amount alone: ties stay in the issue's order of terms.
    for amount, i in sorted(zip(push, idx, strict=True), key=itemgetter(0), reverse=True):
        if amount <= 0.0 or len(out) == top:
            break
        text = describe(*model.vocab.name(i))
        said = text and text.removeprefix("title starts ").removeprefix("title ")
        if text is not None and said and said not in seen:
            seen.add(said)
            out.append(text)
    return out
