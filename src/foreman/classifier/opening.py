"""Labels an issue is opened with (an issue form's ``labels:``, a writer labelling as they
file it), and how often they held: the learn job's measure, the plan's licence to route by
them.

An issue form that applies ``bug`` says what its author chose, not what the issue is: on
some trackers people file questions as bug reports. So the plan decides by an opening
label only where this repository's own history says such labels held. The learn job reads
the events of its newest labelled issues (``GET /repos/{owner}/{repo}/issues/{number}/
events``, one call each, at most :data:`CHECKS`): a class label a person added within
:data:`WINDOW` of the issue's creation is an opening label (GitHub records the labels an
issue is created with as ``labeled`` events at its creation time; a bot's label comes from
another workflow, later, and is never in the ``opened`` event). It *held* when the issue's
class label now (people's, or the foreman's that people kept) is the same class.

Per class, ``came`` issues came labelled with it and ``held`` of them kept it. The plan
trusts a class's opening label when at least :data:`MIN_CAME` issues came with it and at
least :data:`~foreman.classifier.adapt.PRECISION` of them held, the precision the
classifier's threshold is chosen for. No history, too little, or too many changed: the
label is not used and the classifier decides as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from foreman.classifier.feedback import is_bot, when

CHECKS = 200  # the newest labelled issues whose events the learn job reads for this
WINDOW = timedelta(seconds=60)
MIN_CAME = 20
PRECISION = 0.9  # what the classifier's thresholds are chosen for, too (adapt imports it)
META_KEY = "opening_labels"


def classes_at_opening(
    events: Iterable[Any], created_at: Any, mapping: Mapping[str, str]
) -> set[str]:
    """The classes (``mapping``: repository label -> class) a person labelled the issue with
    within :data:`WINDOW` of ``created_at`` (either side), and did not take away in that
    window."""
    start: datetime = when(created_at)
    found: set[str] = set()
    for ev in events:
        at = when(ev.created_at)
        if at > start + WINDOW:
            break  # events come oldest first: read no further page
        if at < start - WINDOW:
            continue  # (cannot happen on GitHub; a clock or a copied history)
        label = getattr(ev, "label", None)
        cls = mapping.get(str(getattr(label, "name", "") or "").lower())
        if cls is None or is_bot(getattr(ev, "actor", None)):
            continue
        if ev.event == "labeled":
            found.add(cls)
        elif ev.event == "unlabeled":
            found.discard(cls)
    return found


@dataclass
class Opening:
    """Per class: [issues that came labelled with it, of those, still that class now]."""

    checked: int = 0  # issues whose events were read
    by_class: dict[str, list[int]] = field(default_factory=dict)

    def add(self, opened_with: set[str], now: str) -> None:
        self.checked += 1
        if len(opened_with) == 1:  # several classes at once: the author did not choose
            (cls,) = opened_with
            counts = self.by_class.setdefault(cls, [0, 0])
            counts[0] += 1
            counts[1] += cls == now

    def as_meta(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "classes": {c: {"came": n, "held": h} for c, (n, h) in sorted(self.by_class.items())},
        }

    def sentences(self) -> list[str]:
        """The learn summary's lines: per class, how often an opening label held, and
        whether the plan will route by it."""
        if not self.checked:
            return []
        came = sum(n for n, _ in self.by_class.values())
        lines = [
            f"Labels issues were opened with (the newest {self.checked} labelled issues):"
            f" {came} came with one class label."
        ]
        for cls, (n, h) in sorted(self.by_class.items()):
            verdict = trusted_counts(n, h)
            lines.append(
                f"- {cls}: held on {h} of {n} ({h / n:.0%}): "
                + (
                    "the plan routes issues opened with it by the label"
                    if verdict
                    else (
                        f"fewer than {MIN_CAME}, the classifier decides them"
                        if n < MIN_CAME
                        else f"below {PRECISION:.0%}, the classifier decides them"
                    )
                )
            )
        return lines


def trusted_counts(came: int, held: int) -> bool:
    return came >= MIN_CAME and held >= PRECISION * came


def trusted(meta: Mapping[str, Any], cls: str) -> tuple[int, int] | None:
    """(held, came) for ``cls`` when a model's metadata (the learn job's :data:`META_KEY`)
    says opening labels of that class held often enough; ``None`` otherwise (no such
    record, malformed, too few, too many changed)."""
    record = meta.get(META_KEY)
    if not isinstance(record, dict):
        return None
    classes = record.get("classes")
    counts = classes.get(cls) if isinstance(classes, dict) else None
    if not isinstance(counts, dict):
        return None
    came, held = counts.get("came"), counts.get("held")
    if not isinstance(came, int) or not isinstance(held, int) or not 0 <= held <= came:
        return None
    return (held, came) if trusted_counts(came, held) else None
