"""Seeded GitHub faults for the soak: a few per event window, of every kind we handle.

At each event's arrival the faults left from the previous window expire (the
content limit stays) and, with probability ``rate``, one or two new ones are
injected on routes that event is likely to use. Kinds: 5xx on reads, 5xx on
writes, 5xx after the write happened (``apply=True``), 429 with and without
``Retry-After``, 403 secondary limits with and without it, a primary limit with
a far reset (stops the gate: the run is re-run), and slow answers.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from tests.fakes.github import (
    FakeGitHub,
    Fault,
    primary_rate_limit,
    secondary_rate_limit,
    too_many_requests,
)
from tests.soak.infra import ContentLimit

# Routes each kind of event is likely to use (every gate re-reads the item and upserts its
# status comment; PR events push onto the PR; labels and writers' commands open PRs).
ITEM_READS = ("issues/get", "issues/list-comments")
ITEM_WRITES = ("issues/create-comment", "issues/update-comment", "issues/add-labels")
ROUTES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "pr-opened": (("pulls/list-files", "pulls/get", "git/get-commit", "git/get-tree",
                   "git/get-blob"), ("git/create-tree", "git/create-commit", "git/update-ref")),
    "issue-labeled": (("pulls/list", "repos/get-branch"),
                      ("git/create-tree", "git/create-commit", "git/create-ref", "pulls/create")),
    "comment-writer": (("repos/get-collaborator-permission-level", "pulls/list"),
                       ("git/create-ref", "pulls/create", "pulls/update")),
    "issue-opened": (("repos/get-collaborator-permission-level",), ()),
    "issue-edited": (("pulls/list",), ("pulls/update",)),
}  # fmt: skip
KINDS = (
    "5xx-read", "5xx-write", "5xx-after-write", "429", "429-retry-after",
    "403-secondary", "403-secondary-retry-after", "403-primary", "slow",
)  # fmt: skip


def make_fault(kind: str, rng: random.Random, event: str = "") -> Fault:
    reads, writes = ROUTES.get(event, ((), ()))
    read, write = rng.choice(ITEM_READS + reads), rng.choice(ITEM_WRITES + writes)
    anything = rng.choice((read, write))
    if kind == "5xx-read":
        return Fault(status=rng.choice((500, 502, 503)), method="GET", route=read,
                     times=rng.choice((1, 2)))  # fmt: skip
    if kind == "5xx-write":
        return Fault(status=rng.choice((500, 502)), route=write)
    if kind == "5xx-after-write":
        return Fault(status=502, route=write, apply=True)
    if kind == "429":
        return too_many_requests(route=anything)
    if kind == "429-retry-after":
        return too_many_requests(retry_after=rng.choice((1, 5)), route=anything)
    if kind == "403-secondary":
        return secondary_rate_limit(route=anything)
    if kind == "403-secondary-retry-after":
        return secondary_rate_limit(retry_after=rng.choice((2, 20)), route=anything)
    if kind == "403-primary":
        return primary_rate_limit(reset_in=3600, route=anything)
    return Fault(status=None, delay=rng.uniform(0.01, 0.05), route=read, times=2)


@dataclass
class FaultMixer:
    fake: FakeGitHub
    limit: ContentLimit
    rng: random.Random
    rate: float = 0.8
    injected: Counter[str] = field(default_factory=Counter)
    hit: Counter[str] = field(default_factory=Counter)
    live: list[tuple[str, Fault]] = field(default_factory=list)
    stopped: bool = False

    def arrive(self, index: int, event: str = "", *, total: int = 0) -> None:
        """A new event window: the old faults expire, new ones may be injected."""
        self._expire()
        if self.rate and event == "issue-opened" and index >= total // 2 and not self.stopped:
            self.stopped = True  # once: a far primary limit stops a gate; the run is re-run
            self._inject(
                "403-primary", primary_rate_limit(reset_in=3600, route="issues/add-labels")
            )
        if index == 0 or self.rng.random() >= self.rate:
            return
        for _ in range(self.rng.choice((1, 1, 2))):
            kind = self.rng.choice(KINDS)
            self._inject(kind, make_fault(kind, self.rng, event))

    def _inject(self, kind: str, fault: Fault) -> None:
        self.fake.inject(fault)
        self.injected[kind] += 1
        self.live.append((kind, fault))

    def _expire(self) -> None:
        for kind, fault in self.live:
            self.hit[kind] += fault.hits
        self.live.clear()
        self.fake.clear_faults()
        self.fake.inject(self.limit)

    def finish(self) -> None:
        self._expire()
