"""The foreman's own labels as training data, once people have had the time to disagree.

An issue the gate handled carries ``gate.labels.handled``; its class labels may be the
foreman's (the triage worker's ``bug`` / ``enhancement`` / ``question``) or a person's.
The issue's events (``GET /repos/{owner}/{repo}/issues/{number}/events``, one call per
handled issue) say who added each label and who removed one:

* a class label a person added last is a person's: it counts, and when the foreman had
  applied another class that a person removed, it is a *correction* (it counts, with the
  repository's weight, against what the foreman said);
* a class label only the foreman (a bot account) added counts once it has stayed
  ``keep_days`` without a person removing it, at weight 1 (as one shipped row: it is the
  model's own opinion, confirmed only by silence); younger ones wait (*pending*);
* a label a person removed and replaced by nothing teaches nothing: the model is never
  taught a class someone took away; the issue is counted as *removed*.

Kept (``foreman``), corrected and removed labels together say how often the foreman's class
labels held once people had seen them: the learn job reports that share (:func:`held`), the
live check of a threshold that was chosen on past issues.

The learn job calibrates its threshold on people's labels only, never on the foreman's
own: its past decisions would agree with it and promise a precision it does not have.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any


def is_bot(actor: Any) -> bool:
    """A bot account (the workflow token's github-actions[bot], a GitHub App's bot)."""
    if actor is None:
        return True  # a deleted account cannot vouch for a label
    login = str(getattr(actor, "login", "") or "")
    return str(getattr(actor, "type", "") or "") == "Bot" or login.endswith("[bot]")


def when(value: Any) -> datetime:
    """An API timestamp (a datetime, naive = UTC, or ISO 8601 text) as an aware datetime."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


@dataclass(frozen=True)
class Feedback:
    marker: str  # gate.labels.handled: the foreman has labelled this issue
    keep_days: int
    now: datetime

    def touched(self, labels: Iterable[str]) -> bool:
        return self.marker.lower() in {x.lower() for x in labels}

    def judge(
        self, events: Iterable[Any], mapping: Mapping[str, str], classes: set[str]
    ) -> tuple[str, set[str]]:
        """(origin, the classes that count) for an issue whose class labels are ``classes``:
        origin ``person``, ``correction``, ``foreman`` or ``pending``; with no class label
        left, ``removed`` (a person took the foreman's away) or ``""`` (the foreman never
        applied one: nothing to judge)."""
        last_add: dict[str, tuple[bool, datetime]] = {}  # class -> (by a bot, when)
        bot_classes: set[str] = set()  # classes the foreman applied at some point
        removed_by_person: set[str] = set()
        for ev in events:
            kind = getattr(ev, "event", "")
            label = getattr(ev, "label", None)
            name = str(getattr(label, "name", "") or "").lower()
            if kind not in ("labeled", "unlabeled") or name not in mapping:
                continue
            cls, bot = mapping[name], is_bot(getattr(ev, "actor", None))
            if kind == "labeled":
                last_add[cls] = (bot, when(ev.created_at))
                if bot:
                    bot_classes.add(cls)
            elif not bot:
                removed_by_person.add(cls)
        if not classes:
            return ("removed" if bot_classes & removed_by_person else ""), set()
        persons = {c for c in classes if c in last_add and not last_add[c][0]}
        persons |= {c for c in classes if c not in last_add}  # added before any event record
        if persons:
            corrected = bot_classes & removed_by_person
            return ("correction" if corrected - persons else "person"), persons
        cutoff = self.now - timedelta(days=self.keep_days)
        if all(last_add[c][1] <= cutoff for c in classes):
            return "foreman", set(classes)
        return "pending", set()


def held(counts: Mapping[str, int]) -> tuple[int, int] | None:
    """(kept, judged): of the foreman's class labels people have had ``keep_days`` to
    judge, how many they kept (corrected or removed: not kept); ``None`` with none judged."""
    kept = counts.get("foreman", 0)
    judged = kept + counts.get("correction", 0) + counts.get("removed", 0)
    return (kept, judged) if judged else None
