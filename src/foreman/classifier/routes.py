"""Deciding the worker when the class is unsure: what the router needs is a worker, not a class.

``routing.classifier.classes`` maps classes to workers, and by default two of the three go
to the same one (feature and question: triage). An issue the model cannot tell between
those two is still, with the summed probability of both, surely triage's. So a model the
learn job fitted carries a second threshold, on that sum: the router decides the worker
when the best worker's probability reaches it, even where no class's does, and names no
class then (the triage worker labels by the class, and there is none to trust).

The learn job chooses one such threshold per worker, as it chooses the class threshold, on
the newest slice of the repository's issues: for each worker, the lowest sum at which the
issues sent to it (by their class or by their worker) are right at least 90 % of the time.
Each worker's own threshold holds when the repository's mix of issues shifts, which one
threshold for all (whose 90 % is an average over the workers) does not. The shipped model has
one for all workers (``worker_threshold``): chosen on other projects, whose mix is not this
repository's. They hold for the mapping they were chosen with (kept in the model); a config
that maps the classes otherwise gets the class threshold alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

META_THRESHOLD = "worker_threshold"  # one for every worker (the shipped model)
META_THRESHOLDS = "worker_thresholds"  # worker -> its own (a learned model)
META_GROUPS = "worker_groups"


def groups_for(labels: Sequence[str], classes: Mapping[str, str]) -> dict[str, str]:
    """The model's classes -> workers of ``classes`` (a class mapped to no worker: itself)."""
    return {c: classes.get(c, c) for c in labels}


def by_worker(
    labels: Sequence[str], probs: Sequence[float], groups: Mapping[str, str]
) -> tuple[str, float]:
    """The most probable worker and its probability: the sum of its classes'."""
    mass: dict[str, float] = {}
    for c, p in zip(labels, probs, strict=True):
        w = groups.get(c, c)
        mass[w] = mass.get(w, 0.0) + p
    best = max(mass, key=mass.__getitem__)
    return best, mass[best]


def chosen(meta: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, float]] | None:
    """(the classes -> workers they were chosen for, worker -> threshold) of a model's
    metadata; ``None`` when it has none (or a malformed one). One threshold for all
    (``worker_threshold``) is given to each worker of the mapping."""
    chosen_for, each, one = (
        meta.get(META_GROUPS),
        meta.get(META_THRESHOLDS),
        meta.get(META_THRESHOLD),
    )
    if not isinstance(chosen_for, dict):
        return None
    if isinstance(each, dict) and all(isinstance(v, (int, float)) for v in each.values()):
        return chosen_for, {str(w): float(v) for w, v in each.items()}
    if isinstance(one, (int, float)):
        return chosen_for, {str(w): float(one) for w in chosen_for.values()}
    return None


def worker_thresholds(
    meta: Mapping[str, Any], labels: Sequence[str], classes: Mapping[str, str]
) -> dict[str, float] | None:
    """The model's worker thresholds when they were chosen for the mapping ``classes`` gives
    its labels now; ``None`` otherwise (none, malformed, another mapping)."""
    found = chosen(meta)
    return found[1] if found is not None and found[0] == groups_for(labels, classes) else None
