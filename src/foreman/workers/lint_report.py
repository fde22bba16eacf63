"""What lint-fix says it did: fixed by the linter, fixed by the agent, what remains."""

from __future__ import annotations

from dataclasses import dataclass

from foreman.lintcount import Violation, compare, listing


@dataclass
class LintReport:
    original: list[Violation] | None  # before any fix (None: not counted, e.g. not ruff)
    linted: list[Violation] | None = None  # after the linter's own fixes
    final: list[Violation] | None = None  # after the agent pass, if it was kept
    agent_note: str = ""
    agent_summary: str = ""

    @property
    def by_linter(self) -> list[Violation]:
        if self.original is None or self.linted is None:
            return []
        return compare(self.original, self.linted).fixed

    @property
    def by_agent(self) -> list[Violation]:
        if self.linted is None or self.final is None:
            return []
        return compare(self.linted, self.final).fixed

    def progress(self) -> bool:
        """No new violation and fewer than before: a partial fix worth proposing."""
        if self.original is None or self.final is None:
            return False
        return compare(self.original, self.final).better

    def lines(self) -> list[str]:
        if self.original is None or self.final is None:
            return []
        out = [f"Violations before: {len(self.original)}; after: {len(self.final)}.", ""]
        for title, found in (
            ("Fixed by the linter", self.by_linter),
            ("Fixed by the agent", self.by_agent),
            ("Remaining", self.final),
        ):
            if found:
                out += [f"{title} ({len(found)}):", *listing(found), ""]
        if self.agent_note:
            out += [f"Agent pass: {self.agent_note}.", ""]
        elif self.agent_summary:
            out += ["The agent's summary:", "", self.agent_summary.strip(), ""]
        return out
