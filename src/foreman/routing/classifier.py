"""Layer 2 of the router: the embedded issue classifier decides, or abstains when unsure.

The model, its training and its files are :mod:`foreman.classifier`'s; this layer asks it
for a label and its evidence and abstains below the threshold. Before the shipped model,
the rules every tracker shares (:mod:`foreman.classifier.shared_rules`) may decide.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from foreman.classifier.model import IssueModel, load
from foreman.classifier.shared_rules import decide


@dataclass(frozen=True)
class Prediction:
    label: str | None  # None: abstained
    confidence: float
    probabilities: dict[str, float]
    evidence: tuple[str, ...] = ()  # terms in words that favour the label (or best guess)
    model: str = ""  # which model decided, for the reason ("": the shipped one)
    # No class decided, but the worker its classes share (foreman.classifier.routes):
    worker: str | None = None
    worker_confidence: float = 0.0


class Classifier:
    def __init__(self, model: IssueModel, name: str = "", *, shared_rules: bool = False) -> None:
        self.model = model
        self.name = name  # e.g. "the model learned for owner/name on <date>"
        self.shared_rules = shared_rules  # the cross-tracker rules decide first

    @classmethod
    def load(cls, path: Path | None = None, *, shared_rules: bool = True) -> Classifier:
        """A model file (``.json`` or ``.json.gz``), or the shipped model (with the rules
        every tracker shares in front of it unless ``shared_rules`` is off: a model fitted on
        a project knows it better)."""
        return cls(load(path), shared_rules=shared_rules and path is None)

    @classmethod
    def learned(cls, path: Path, repo: str, *, shared_rules: bool = True) -> Classifier | None:
        """The learn job's model for ``repo``, named after it (its copy of the shipped model,
        kept for its opening-label counts: unnamed, with the shared rules in front unless
        ``shared_rules`` is off, as the shipped model routes); ``None`` (with a notice or
        warning) when there is none or it cannot be used."""
        from foreman.classifier.learned import load_learned

        found = load_learned(path, repo)
        if found is None:
            return None
        model, name = found
        if model.meta.get("shipped"):  # the shipped model carrying opening-label counts
            return cls(model, shared_rules=shared_rules)
        return cls(model, name)

    @property
    def labels(self) -> list[str]:
        return list(self.model.labels)

    @property
    def threshold(self) -> float:
        return self.model.threshold

    def by_opening_label(
        self, labels: Sequence[str], mapping: Mapping[str, str]
    ) -> Prediction | None:
        """The class of the one class label (``mapping``: repository label -> class) an
        issue was opened with, when this model's learn job measured that opening labels of
        that class held here (:mod:`foreman.classifier.opening`); ``None`` otherwise."""
        from foreman.classifier.opening import trusted

        lower = {k.lower(): v for k, v in mapping.items()}
        named = {lower[x.lower()]: x for x in labels if x.lower() in lower}
        if len(named) != 1:
            return None
        ((cls, label),) = named.items()
        counts = trusted(self.model.meta, cls) if cls in self.model.labels else None
        if counts is None:
            return None
        held, came = counts
        probabilities = {c: float(c == cls) for c in self.model.labels}
        name = (
            f"the label '{label}' it was opened with (of the {came} issues opened with a"
            f" {cls} label here, {held} kept it)"
        )
        return Prediction(cls, 1.0, probabilities, (f"opened with label {label}",), name)

    def predict(
        self,
        title: str,
        body: str,
        *,
        min_confidence: float | None = None,
        evidence: int = 0,
        classes: Mapping[str, str] | None = None,
    ) -> Prediction:
        """The label (``None``: abstained below the threshold), and with ``evidence``, up to
        that many of the issue's terms that favour the label (or best guess), in words.
        A shared rule that matches decides with confidence 1 and names itself. With
        ``classes`` (class -> worker) and a model that has worker thresholds for them
        (:mod:`foreman.classifier.routes`; ``min_confidence`` replaces them too), an issue no
        class decides may still get its worker."""
        if self.shared_rules:
            rule = decide(title or "", body or "")
            if rule is not None:
                probabilities = {c: float(c == rule.label) for c in self.model.labels}
                name = f"the cross-tracker rule '{rule.name}'"
                return Prediction(rule.label, 1.0, probabilities, (rule.name,), name)
        counts = self.model.counts(title or "", body or "")
        probs = self.model.proba_of(counts)
        best = max(range(len(probs)), key=probs.__getitem__)
        threshold = self.model.threshold if min_confidence is None else min_confidence
        conf = probs[best]
        label = self.model.labels[best] if conf >= threshold else None
        found: list[str] = []
        if evidence:
            from foreman.classifier.explain import evidence as explain

            found = explain(self.model, counts, self.model.labels[best], evidence)
        probabilities = dict(zip(self.model.labels, probs, strict=True))
        worker, worker_conf = None, 0.0
        if label is None and classes is not None:
            from foreman.classifier.routes import by_worker, groups_for, worker_thresholds

            each = worker_thresholds(self.model.meta, self.model.labels, classes)
            if each is not None:
                groups = groups_for(self.model.labels, classes)
                w, mass = by_worker(self.model.labels, probs, groups)
                at = each.get(w) if min_confidence is None else min_confidence
                if at is not None and mass >= at:
                    worker, worker_conf = w, mass
        return Prediction(label, conf, probabilities, tuple(found), self.name, worker, worker_conf)
