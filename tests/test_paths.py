"""foreman.paths: the one glob matcher, against a brute-force reference, and never exponential."""

from __future__ import annotations

import random
import subprocess
import sys
from functools import cache

import pytest

from foreman.paths import matches, matches_any, normalize


def _tokens(pattern: str) -> list[str]:
    """The glob syntax, spelt out: "**/", "**", "*", "?" or one literal character."""
    pat = pattern.strip().lstrip("/")
    if pat.endswith("/"):
        pat += "**"
    out, i = [], 0
    while i < len(pat):
        tok = next(t for t in ("**/", "**", "*", "?", pat[i]) if pat.startswith(t, i))
        out.append(tok)
        i += len(tok)
    return out


def reference(path: str, pattern: str) -> bool:
    """Try every split of the path, recursively (memoised only so the test stays quick)."""
    toks, text = _tokens(pattern), normalize(path)

    @cache
    def match(t: int, i: int) -> bool:
        if t == len(toks):
            return i == len(text)
        tok, rest = toks[t], text[i:]
        if tok == "*":  # any run without "/"
            return any(match(t + 1, i + n) for n in range(len(rest) + 1) if "/" not in rest[:n])
        if tok == "**":  # anything
            return any(match(t + 1, i + n) for n in range(len(rest) + 1))
        if tok == "**/":  # nothing, or anything that ends with "/"
            return match(t + 1, i) or any(
                match(t + 1, i + n) for n in range(1, len(rest) + 1) if rest[n - 1] == "/"
            )
        if tok == "?":
            return rest[:1] not in ("", "/") and match(t + 1, i + 1)
        return rest[:1] == tok and match(t + 1, i + 1)

    return match(0, 0)


PIECES = ["a", "b", "/", "*", "**", "?"]


def _agree(pattern: str, paths: list[str]) -> int:
    hits = 0
    for path in paths:
        got = matches(path, pattern)
        assert got == reference(path, pattern), (path, pattern)
        hits += got
    return hits


def test_matcher_agrees_with_the_brute_force_reference_on_random_globs() -> None:
    rng = random.Random(20240611)
    hits = 0
    for _ in range(4000):
        pattern = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 9)))
        paths = ["".join(rng.choice("ab/") for _ in range(rng.randint(0, 10))) for _ in range(8)]
        hits += _agree(pattern, paths)
    assert 2000 < hits < 30_000  # both answers well represented among the 32 000 checks


def test_matcher_agrees_with_the_reference_on_long_paths() -> None:
    # Long runs without "/" exercise every shift of the "*" step, not only the first few.
    rng = random.Random(7)
    hits = 0
    for _ in range(400):
        pattern = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 7)))
        alphabet = rng.choice(["ab", "aaaab/", "ab/"])
        paths = [
            "".join(rng.choice(alphabet) for _ in range(rng.randint(20, 90))) for _ in range(4)
        ]
        hits += _agree(pattern, paths)
    assert 100 < hits < 1500


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        # Where a lazy atomic group would commit too early (the next star cannot take up the rest).
        ("**/a*b", "ax/ab", True),
        ("**a*b", "ax/ab", True),
        ("*a**/b", "aa/x/b", True),
        ("**a**/a*b", "xa/ya/ab", True),
        ("*a*a*b", "aaa/ab", False),
        ("a*/b", "ax/b", True),
        ("a*/b", "a/x/b", False),
        ("**/", "x/y", True),
        ("docs/", "docs/a/b.md", True),
        ("/src/*.py", "src/a.py", True),
        ("src/*.py", "src/a/b.py", False),
        ("**/*.md", "README.md", True),
        ("**/*.md", "docs/a/b.md", True),
        ("docs/**/*.md", "docs/x.md", True),
        ("docs/**", "docs", False),
        ("?", "", False),
        ("?", "/", False),
        ("", "", True),
        ("**", "", True),
        ("*", "a/b", False),
        ("src/app.py", "./src/app.py", True),
        ("src/app.py", "src\\app.py", True),
    ],
)
def test_glob_semantics(pattern: str, path: str, expected: bool) -> None:
    assert matches(path, pattern) is expected
    assert reference(path, pattern) is expected


def test_matches_any() -> None:
    assert matches_any("docs/a.md", ["src/**", "**/*.md"])
    assert not matches_any("docs/a.txt", ["src/**", "**/*.md"])
    assert not matches_any("docs/a.md", [])


PATHOLOGICAL = """
from foreman.paths import matches
star = "*a" * 14 + "*b"            # the reviewer's gate.protected_paths entry
many = "**/a" * 12 + "**b"        # ** and **/ that no atomic group could make safe
name = "a" * 3000 + ".py"
deep = "/".join(["a"] * 1500)
print(matches(name, star), matches(name + "b", star))
print(matches(deep, many), matches(deep + "b", many))
"""


def test_many_stars_against_long_paths_finish() -> None:
    # Backtracking takes minutes to hours on these; a subprocess keeps a regression from
    # hanging the suite.
    out = subprocess.run(
        [sys.executable, "-c", PATHOLOGICAL], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "True", "False", "True"]
