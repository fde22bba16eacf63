"""Deciding the worker when the class is unsure: what the router needs is a worker, not a class.

``routing.classifier.classes`` maps classes to workers, and by default two of the three go
to the same one (feature and question: triage). An issue the model cannot tell between
those two is still, with the summed probability of both, surely triage's. So a model the
learn job fitted carries a second threshold, on that sum: the router decides the worker
when the best worker's probability reaches it, even where no class's does, and names no
class then (the triage worker labels by the class, and there is none to trust).

The learn job chooses it as it chooses the class threshold, on the newest slice of the
repository's issues: the lowest sum at which those issues, decided by their class or by
their worker, go to the right worker at least 90 % of the time. It holds for the mapping
it was chosen with (kept in the model); a config that maps the classes otherwise gets the
class threshold alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

META_THRESHOLD = "worker_threshold"
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


def chosen(meta: Mapping[str, Any]) -> tuple[dict[str, str], float] | None:
    """(the classes -> workers it was chosen for, the worker threshold) of a model's
    metadata; ``None`` when it has none (or a malformed one)."""
    value, chosen_for = meta.get(META_THRESHOLD), meta.get(META_GROUPS)
    if not isinstance(value, (int, float)) or not isinstance(chosen_for, dict):
        return None
    return chosen_for, float(value)


def worker_threshold(
    meta: Mapping[str, Any], labels: Sequence[str], classes: Mapping[str, str]
) -> float | None:
    """The model's worker threshold when it was chosen for the mapping ``classes`` gives its
    labels now; ``None`` otherwise (none, malformed, another mapping)."""
    found = chosen(meta)
    return found[1] if found is not None and found[0] == groups_for(labels, classes) else None
