"""What the two loops share: which PRs are the foreman's, who made them, how many rounds.

A foreman PR is a same-repository PR whose head branch starts with ``gate.branch_prefix``.
The gate's first commit on it carries ``Foreman-Task: <task id>`` (the task id ends with the
worker's name) and each later round adds one commit with a ``Foreman-Patch`` trailer, so the
PR's commit list says both who made it and how many rounds were run.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from foreman.config import Config
from foreman.config.workers import known_workers
from foreman.contracts import TASK_TRAILER, TRAILER, Note, Plan
from foreman.events.models import WorkItem
from foreman.routing.brief import item_ref

_TRAILER = re.compile(rf"^{TASK_TRAILER}: (.+)$", re.MULTILINE)
_PATCH = re.compile(rf"^{TRAILER}: \S+$", re.MULTILINE)
REVIEW_EVENTS = frozenset({"pull_request_review", "pull_request_review_comment"})


@dataclass(frozen=True)
class Origin:
    task_id: str
    worker: str
    issue: int | None  # the issue the first task came from, if it did


def is_foreman_pull(item: WorkItem, config: Config) -> bool:
    pull = item.pull
    return (
        pull is not None
        and not pull.is_fork
        and (pull.head_repo or item.repo).lower() == item.repo.lower()
        and pull.head_ref.startswith(config.gate.branch_prefix)
    )


def origin(messages: Sequence[str], config: Config) -> Origin | None:
    """Who made the PR: the ``Foreman-Task`` of its first commit carrying one."""
    names = sorted(known_workers(config), key=len, reverse=True)
    for message in messages:
        m = _TRAILER.search(message)
        if m is None:
            continue
        task_id = m.group(1).split(",")[0].strip()
        worker = next((w for w in names if task_id == w or task_id.endswith("-" + w)), None)
        if worker is None:
            return None
        issue = re.match(r"issue-(\d+)-", task_id)
        return Origin(task_id, worker, int(issue.group(1)) if issue else None)
    return None


def rounds_done(messages: Sequence[str]) -> int:
    """Rounds after the first commit: the gate's commits minus the one that opened the PR."""
    return max(0, sum(1 for m in messages if _PATCH.search(m)) - 1)


def loop_skip(item: WorkItem, reason: str, *, dry_run: bool, notes: list[Note] | None = None
              ) -> Plan:  # fmt: skip
    return Plan(
        repo=item.repo,
        event_name=item.event_name,
        action=item.action,
        items=[item_ref(item)] if item.number else [],
        notes=notes or [],
        skipped=None if notes else reason,
        dry_run=dry_run,
    )


def round_limit(item: WorkItem, config: Config, done: int, why: str, *, dry_run: bool) -> Plan:
    """At the cap: no worker; the gate labels the PR for a human and says so (F07)."""
    cap = config.loops.max_rounds
    text = (
        f"{why}, but this pull request has had {done} round(s) of changes, the limit"
        f" (loops.max_rounds: {cap}). The foreman stops here: a person takes it from here"
        f" (label {config.loops.human_label})."
    )
    note = Note(kind="ask-human", text=text, item=item.number, human_label=True)
    return loop_skip(item, text, dry_run=dry_run, notes=[note])
