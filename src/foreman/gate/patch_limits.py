"""What a patch may cost the gate (S18): hunks per file, lines carried, placement work.

A patch's price is not only its changed lines. Context lines are read and compared
too, and a hunk whose header points far from where its text is makes the gate search
for it. Unbounded, one-context-line hunks with headers past the end of a 6,000-line
file kept the gate busy for seconds per bundle while changing nothing. So:

* :func:`size_problem` (policy, before anything is applied): at most
  :data:`MAX_HUNKS_PER_FILE` hunks per file, every hunk changes a line (``git diff``
  never writes one that does not), and every line a patch carries, context included,
  counts against ``PATCH_LINES_FACTOR`` x ``gate.max_changed_lines``;
* :class:`Work` (:func:`.patch.apply`): a hunk is looked for within
  :data:`MAX_OFFSET` lines of where its header puts it, and placing one patch's hunks
  (every file of it) compares at most :data:`MAX_SEARCH` lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

MAX_OFFSET = 1000  # lines a hunk may sit from where its header says
MAX_SEARCH = 1_000_000  # lines compared while placing one patch's hunks (all its files)
MAX_HUNKS_PER_FILE = 200
# Lines a patch may carry, context included, per changed line allowed: git's 3 lines of
# context each side of a change fit; a patch that is mostly context does not.
PATCH_LINES_FACTOR = 4


class _Hunk(Protocol):
    @property
    def lines(self) -> Sequence[str]: ...


class _FilePatch(Protocol):
    """What the size check reads of a parsed file (:class:`.patch.FilePatch`, which imports
    this module: the limits stay below the parser)."""

    @property
    def path(self) -> str: ...

    @property
    def hunks(self) -> Sequence[_Hunk]: ...


class PatchError(ValueError):
    """The patch cannot be parsed, or does not apply."""


@dataclass
class Work:
    """Lines compared while placing hunks: the bounded cost of applying a patch."""

    compared: int = 0
    budget: int = MAX_SEARCH

    def spend(self, lines: int, path: str) -> None:
        self.compared += lines
        if self.compared > self.budget:
            raise PatchError(
                f"{path}: placing the patch's hunks needed more than {self.budget:,} line"
                " comparisons (hunks far from where their headers put them); refused"
            )


def size_problem(patches: Sequence[_FilePatch], max_changed_lines: int) -> str | None:
    """Why the patch is too big to check (context lines count), or None."""
    for fp in patches:
        if len(fp.hunks) > MAX_HUNKS_PER_FILE:
            return f"{fp.path}: {len(fp.hunks)} hunks; at most {MAX_HUNKS_PER_FILE} per file"
        for n, hunk in enumerate(fp.hunks, 1):
            if all(line[0] == " " for line in hunk.lines):
                return f"{fp.path}: hunk {n} changes no line (only context)"
    carried = sum(len(h.lines) for fp in patches for h in fp.hunks)
    limit = PATCH_LINES_FACTOR * max_changed_lines
    if carried > limit:
        return (
            f"the patch carries {carried} lines, context included; the limit is {limit}"
            f" ({PATCH_LINES_FACTOR} x gate.max_changed_lines)"
        )
    return None
