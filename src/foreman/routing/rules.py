"""Layer 1: config rules. A pure function of the work item and the rules."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from foreman.config.models import Match, Rule
from foreman.events.models import WorkItem
from foreman.paths import matches_any


@dataclass(frozen=True)
class RuleHit:
    index: int
    rule: Rule

    @property
    def reason(self) -> str:
        return f"rule {self.rule.name!r}" if self.rule.name else f"rule #{self.index + 1}"


def needs_paths(rules: Sequence[Rule]) -> bool:
    """True when some rule looks at changed paths (the plan must then know them)."""
    return any(r.when.paths_any or r.when.paths_all for r in rules)


def _search(pattern: str | None, text: str) -> bool:
    return pattern is None or re.search(pattern, text, re.IGNORECASE) is not None


def matches(cond: Match, item: WorkItem, paths: Sequence[str] | None) -> bool:
    """Every condition given must hold; conditions not given are ignored."""
    labels = {label.lower() for label in item.labels}
    author = item.author
    checks = (
        cond.event is None or item.event_name in cond.event,
        cond.action is None or (item.action or "") in cond.action,
        cond.labels_any is None or bool(labels & {x.lower() for x in cond.labels_any}),
        cond.labels_all is None or {x.lower() for x in cond.labels_all} <= labels,
        _search(cond.title, item.title),
        _search(cond.body, item.body),
        cond.author_association is None
        or (author is not None and author.association in cond.author_association),
        cond.authors is None
        or (author is not None and author.login.lower() in {a.lower() for a in cond.authors}),
        cond.is_pull_request is None or cond.is_pull_request == item.is_pull_request,
    )
    if not all(checks):
        return False
    if cond.paths_any is not None or cond.paths_all is not None:
        if not item.is_pull_request or paths is None:
            return False
        if cond.paths_any is not None and not any(matches_any(p, cond.paths_any) for p in paths):
            return False
        if cond.paths_all is not None and not (
            paths and all(matches_any(p, cond.paths_all) for p in paths)
        ):
            return False
    return True


def evaluate(
    rules: Sequence[Rule],
    item: WorkItem,
    *,
    paths: Sequence[str] | None = None,
    mode: str = "first",
) -> list[RuleHit]:
    hits: list[RuleHit] = []
    for i, rule in enumerate(rules):
        if matches(rule.when, item, paths):
            hits.append(RuleHit(i, rule))
            if mode == "first":
                break
    return hits
