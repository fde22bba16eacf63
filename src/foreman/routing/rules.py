"""Layer 1: config rules. A pure function of the work item and the rules."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from foreman.config.models import Match, Rule
from foreman.events.models import WorkItem
from foreman.paths import matches_any
from foreman.timelimit import TimeLimitExceeded, time_limit


@dataclass(frozen=True)
class RuleHit:
    index: int
    rule: Rule
    evidence: tuple[str, ...] = ()  # the conditions it met, in words (see conditions_met)

    @property
    def reason(self) -> str:
        return f"rule {self.rule.name!r}" if self.rule.name else f"rule #{self.index + 1}"


def needs_paths(rules: Sequence[Rule]) -> bool:
    """True when some rule looks at changed paths (the plan must then know them)."""
    return any(r.when.paths_any or r.when.paths_all for r in rules)


# A title or body pattern gets this long per item. The text is the issue author's: a pattern
# that backtracks (``.*a.*b`` on 60 KB of text takes ~30 s) must not stall the plan. Config
# loading refuses nested repetition, whose time grows exponentially; this bounds the rest.
PATTERN_SECONDS = 1.0


class SlowPattern(Exception):
    """A rule's pattern ran out of time on this item's text (the rule is taken as not met)."""

    def __init__(self, key: str, pattern: str) -> None:
        super().__init__(
            f"its {key} pattern /{pattern}/ ran longer than {PATTERN_SECONDS:g} s on this item's"
            f" {key} and was taken as not matching; make the pattern simpler"
        )


def _search(pattern: str | None, text: str, key: str) -> bool:
    if pattern is None:
        return True
    regex = re.compile(pattern, re.IGNORECASE)
    try:
        with time_limit(PATTERN_SECONDS):
            return regex.search(text) is not None
    except TimeLimitExceeded:
        raise SlowPattern(key, pattern) from None


def matches(cond: Match, item: WorkItem, paths: Sequence[str] | None) -> bool:
    """Every condition given must hold; conditions not given are ignored."""
    labels = {label.lower() for label in item.labels}
    author = item.author
    checks = (
        cond.event is None or item.event_name in cond.event,
        cond.action is None or (item.action or "") in cond.action,
        cond.labels_any is None or bool(labels & {x.lower() for x in cond.labels_any}),
        cond.labels_all is None or {x.lower() for x in cond.labels_all} <= labels,
        cond.author_association is None
        or (author is not None and author.association in cond.author_association),
        cond.authors is None
        or (author is not None and author.login.lower() in {a.lower() for a in cond.authors}),
        cond.is_pull_request is None or cond.is_pull_request == item.is_pull_request,
    )
    if not all(checks):
        return False
    # The patterns last: only for an item the cheap conditions let through.
    if not (_search(cond.title, item.title, "title") and _search(cond.body, item.body, "body")):
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


def conditions_met(cond: Match, item: WorkItem, paths: Sequence[str] | None) -> tuple[str, ...]:
    """What a matching rule saw, in words: the config's own spelling (patterns, globs, label
    names as configured) and event fields GitHub defines, never the item's free text or file
    names."""
    labels = {label.lower() for label in item.labels}
    changed = list(paths or ())
    out: list[str] = []
    if cond.event is not None:
        out.append(f"event {item.event_name}")
    if cond.action is not None:
        out.append(f"action {item.action}")
    if cond.labels_any is not None:
        out.append("label " + next((x for x in cond.labels_any if x.lower() in labels), "?"))
    if cond.labels_all is not None:
        out.append("labels " + ", ".join(cond.labels_all))
    if cond.title is not None:
        out.append(f"title matches /{cond.title}/")
    if cond.body is not None:
        out.append(f"body matches /{cond.body}/")
    if cond.author_association is not None and item.author is not None:
        out.append(f"author association {item.author.association}")
    if cond.authors is not None:
        out.append("an author the rule names")
    if cond.is_pull_request is not None:
        out.append("a pull request" if item.is_pull_request else "an issue")
    if cond.paths_any is not None:
        n = sum(1 for p in changed if matches_any(p, cond.paths_any))
        out.append(f"{n} of {len(changed)} changed files match {', '.join(cond.paths_any)}")
    if cond.paths_all is not None:
        out.append(f"all {len(changed)} changed files match {', '.join(cond.paths_all)}")
    return tuple(out)


def evaluate(
    rules: Sequence[Rule],
    item: WorkItem,
    *,
    paths: Sequence[str] | None = None,
    mode: str = "first",
    slow: list[str] | None = None,
) -> list[RuleHit]:
    """The rules that match, in order (the first only under ``mode: first``). A rule whose
    pattern ran out of time does not match; ``slow`` collects what to tell the maintainer."""
    hits: list[RuleHit] = []
    for i, rule in enumerate(rules):
        try:
            hit = matches(rule.when, item, paths)
        except SlowPattern as err:
            if slow is not None:
                slow.append(f"{RuleHit(i, rule).reason}: {err}")
            continue
        if hit:
            hits.append(RuleHit(i, rule, conditions_met(rule.when, item, paths)))
            if mode == "first":
                break
    return hits
