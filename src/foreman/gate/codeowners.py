"""CODEOWNERS of the default-branch checkout: who owns the files a patch changes.

GitHub reads the first of ``.github/CODEOWNERS``, ``CODEOWNERS`` and
``docs/CODEOWNERS``; within it the *last* matching line wins. Patterns follow
gitignore rules, translated here to the project's one glob matcher
(:mod:`foreman.paths`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from foreman.paths import matches

LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")
MAX_BYTES = 3_000_000  # GitHub ignores larger CODEOWNERS files


@dataclass(frozen=True)
class OwnerRule:
    globs: tuple[str, ...]
    owners: tuple[str, ...]


@dataclass
class Owners:
    users: list[str] = field(default_factory=list)
    teams: list[str] = field(default_factory=list)  # "org/team"


def to_globs(pattern: str) -> tuple[str, ...]:
    """gitignore-style pattern -> equivalent :mod:`foreman.paths` globs."""
    anchored = pattern.startswith("/") or "/" in pattern.rstrip("/")
    pat = pattern.strip("/") if pattern != "/" else ""
    if pattern.endswith("/") or pattern.endswith("/**"):
        pat = pat.removesuffix("/**")
        base = pat if anchored else f"**/{pat}"
        return (f"{base}/**",)
    if pattern == "*":
        return ("**",)
    base = pat if anchored else f"**/{pat}"
    if "*" in pat.rsplit("/", 1)[-1]:
        return (base,)  # "docs/*" owns docs/a.md, not docs/sub/b.md
    return (base, f"{base}/**")  # a plain name may be a file or a directory


def parse(text: str) -> list[OwnerRule]:
    rules: list[OwnerRule] = []
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if not line:
            continue
        pattern, *owners = line.split()
        if pattern.startswith("!") or "[" in pattern:
            continue  # not supported by GitHub either
        rules.append(OwnerRule(to_globs(pattern), tuple(owners)))
    return rules


def load(root: Path) -> list[OwnerRule]:
    for rel in LOCATIONS:
        path = root / rel
        if path.is_file() and not path.is_symlink():
            if path.stat().st_size > MAX_BYTES:
                return []
            return parse(path.read_text(encoding="utf-8", errors="replace"))
    return []


def owners_for(rules: list[OwnerRule], files: Iterable[str]) -> Owners:
    """Owners of ``files`` in first-seen order; e-mail owners are skipped."""
    found: dict[str, None] = {}
    for path in files:
        owner_rule = None
        for rule in rules:
            if any(matches(path, g) for g in rule.globs):
                owner_rule = rule
        for owner in owner_rule.owners if owner_rule else ():
            if owner.startswith("@") and len(owner) > 1:
                found.setdefault(owner[1:], None)
    out = Owners()
    for name in found:
        (out.teams if "/" in name else out.users).append(name)
    return out
