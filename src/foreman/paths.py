"""Repository-relative path globs, one implementation for rules, workers and the gate.

``*`` and ``?`` never cross ``/``; ``**`` spans any number of directories
(``docs/**`` matches everything under docs/, ``**/*.md`` every markdown file);
``**/`` is empty or any directories (``**/a.md`` matches ``a.md`` too).

Matching follows every possible reading of the pattern at once (the set of path positions
each step can reach, held as the bits of an int) instead of backtracking as a regular
expression would: time is O(len(pattern) * len(path)) however many stars a pattern has, so
``*a*a*a*a*a*a*a*a*b`` against a long file name is as quick as ``*.md``.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

# One step of a compiled pattern: ("lit", text) or one of the wildcards below.
_ONE, _STAR, _ANY, _DIRS = "?", "*", "**", "**/"
_Op = tuple[str, str]


@lru_cache(maxsize=512)
def _compile(pattern: str) -> tuple[_Op, ...]:
    pat = pattern.strip().lstrip("/")
    if pat.endswith("/"):
        pat += "**"
    out: list[_Op] = []
    i = 0
    while i < len(pat):
        if pat.startswith("**/", i):
            op, i = _DIRS, i + 3
        elif pat.startswith("**", i):
            op, i = _ANY, i + 2
        elif pat[i] in "*?":
            op, i = pat[i], i + 1
        else:
            j = i
            while j < len(pat) and pat[j] not in "*?":
                j += 1
            out.append(("lit", pat[i:j]))
            i = j
            continue
        out.append(("op", op))
    return tuple(out)


class _Path:
    # A plain class, not a dataclass: this module is imported by every plan (rules), and
    # making a dataclass costs more than the rest of the module.
    __slots__ = ("after_slash", "end", "full", "masks", "text")

    def __init__(
        self, text: str, end: int, full: int, after_slash: int, masks: tuple[int, ...]
    ) -> None:
        self.text = text
        self.end = end  # len(text): a match must reach this position
        self.full = full  # every position 0..end
        self.after_slash = after_slash  # positions just after a "/"
        # Kogge-Stone masks for "*": a step of k may go from position r-k to r only when
        # text[r-k:r] holds no "/"; masks[0] is for k = 1, masks[1] for k = 2, then 4, 8, ...
        self.masks = masks


@lru_cache(maxsize=1024)
def _path(text: str) -> _Path:
    end = len(text)
    after = 0
    i = text.find("/")
    while i >= 0:
        after |= 1 << (i + 1)
        i = text.find("/", i + 1)
    full = (1 << (end + 1)) - 1
    step = full & ~after & ~1  # r-1 -> r: text[r-1] is not "/"
    masks = []
    k = 1
    while step and k <= end:
        masks.append(step)
        step &= step << k
        k <<= 1
    return _Path(text, end, full, after, tuple(masks))


def _run(ops: tuple[_Op, ...], p: _Path) -> bool:
    reach = 1  # bit i set: the steps so far can consume exactly text[:i]
    for kind, arg in ops:
        if kind == "lit":
            top = reach.bit_length() - 1 + len(arg)
            found = 0
            i = p.text.find(arg, (reach & -reach).bit_length() - 1, top)
            while i >= 0:
                found |= 1 << i
                i = p.text.find(arg, i + 1, top)
            reach = (reach & found) << len(arg)
        elif arg == _STAR:  # any run without "/": a few shifts whatever the length
            for k, mask in enumerate(p.masks):
                reach |= (reach << (1 << k)) & mask
        elif arg == _ONE:
            reach = (reach << 1) & p.masks[0] if p.masks else 0
        else:
            low = (reach & -reach).bit_length() - 1  # the first reachable position
            if arg == _ANY:  # anything: every position from there on
                reach = p.full >> low << low
            else:  # _DIRS: stay, or go just past any "/" from there on
                reach |= p.after_slash >> (low + 1) << (low + 1)
        if not reach:
            return False
    return bool(reach >> p.end & 1)


def normalize(path: str) -> str:
    return path.replace("\\", "/").lstrip("/").removeprefix("./")


def matches(path: str, pattern: str) -> bool:
    return _run(_compile(pattern), _path(normalize(path)))


def matches_any(path: str, patterns: Iterable[str]) -> bool:
    return any(matches(path, p) for p in patterns)
