"""``foreman learn --combine``: the learn job's fit (scheduled, model kept in the Actions cache).

The repository's labelled issues (people's labels, corrections, and the foreman's own
labels people kept: :mod:`.feedback`), weighted ``own_weight``, plus the shipped corpus;
the threshold from a time-ordered split of people's labels (:mod:`.adapt`). Too few
issues, or a model that would decide less than the shipped one, is a notice and exit 0
with no model written: the plan keeps the shipped model (a weekly job that fails until a
repository has history would be noise).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foreman import actions
from foreman.classifier.adapt import PRECISION, Learned, OwnRow, Scores, learn, score
from foreman.classifier.evaluate import NEVER
from foreman.classifier.feedback import Feedback, held
from foreman.classifier.learned import describe, shipped_fingerprint
from foreman.classifier.opening import META_KEY
from foreman.classifier.routes import chosen

if TYPE_CHECKING:
    from foreman.classifier.collect import Collected
    from foreman.classifier.learn import Source
    from foreman.classifier.model import IssueModel
    from foreman.config.models import Config
    from foreman.progress import Report

SUMMARY_TITLE = "### agent-foreman: the repository's own classifier"


def own_rows(got: Collected) -> tuple[list[OwnRow], list[OwnRow]]:
    """(people's rows, the foreman's kept rows)."""
    people: list[OwnRow] = []
    foreman: list[OwnRow] = []
    for (title, body, label), created, origin in zip(
        got.rows, got.created, got.origins, strict=True
    ):
        (foreman if origin == "foreman" else people).append(OwnRow(title, body, label, created))
    return people, foreman


def learn_combined(
    source: Source, config: Config, out: Path, *, ref: str
) -> tuple[str, Path | None]:
    """Collect (the foreman's own labels judged by :class:`~.feedback.Feedback`), fit, write
    the model to ``out`` when there is one: the JSON report printed on stdout (the step
    summary written on the way) and the model file, ``None`` when none was written.
    ``ref``: the branch the model was learned on."""
    from foreman.classifier.learn import write_model
    from foreman.progress import Progress

    feedback = Feedback(
        config.gate.labels.handled,
        config.routing.classifier.learn.keep_days,
        datetime.now(UTC),
    )
    bar = Progress()
    try:
        got = source.collect(config, bar, feedback)
        last = last_model(out, source.repo)
        checked = since_last(last, got) if last is not None else None
        in_use = describe(last.meta) if last is not None else "the shipped model"
        learned, message = fit(got, config, source.repo, ref, bar, in_use)
    finally:
        bar.done()
    written = None
    if learned is not None and learned.model is not None:
        write_model(learned.model, out)
        written = out
    elif (counted := with_opening_counts(last, got, source.repo, ref)) is not None:
        write_model(counted, out)
        written = out
        message += " (with the opening-label counts measured today)"
    actions.annotate("notice", message, title="foreman learn")
    if checked is not None and checked.short:
        actions.annotate("warning", checked.sentence(), title="foreman learn")
    return report(Outcome(learned, message, got, written, checked)), written


# Refitted more often than every this many labelled issues, a repository's model keeps up
# with its issues (docs/classifier.md, section 8: the five projects' later issues routed
# 75.6 / 71.8 / 69.6 % at 90.5 / 90.8 / 89.7 % refitted every 10 / 25 / 50).
REFIT_EVERY = 25


@dataclass(frozen=True)
class SinceLast:
    """The model the job learned last time, on the issues opened after it was learned."""

    learned_at: str
    scores: Scores
    routed: bool = False  # scored as it routes: by class or by worker, right when the worker is

    @property
    def short(self) -> bool:
        """It decided at least 10 of them, below the precision its threshold was chosen for."""
        decided = round(self.scores.decided * self.scores.rows)
        return decided >= 10 and self.scores.precision < PRECISION

    def sentence(self) -> str:
        s = self.scores
        text = (
            f"The model learned on {self.learned_at[:10]}, on the {s.rows} issues opened since"
            " (labelled by people, or by the foreman and kept): it decided"
            f" {s.decided:.0%} of them at {s.precision:.0%} precision"
            f"{' (to the right worker)' if self.routed else ''}, with a threshold chosen"
            f" for {PRECISION:.0%}."
        )
        if self.short:
            text += (
                " Below its promise: issues drift, and a threshold chosen today may promise too"
                " much as well; routing.classifier.min_confidence sets a stricter one."
            )
        if s.rows > REFIT_EVERY:
            text += (
                f" More than {REFIT_EVERY} labelled issues between two learn runs: a model"
                f" refitted every {REFIT_EVERY} issues or fewer keeps up with them (on the"
                " five projects of the shipped training data, refitting every 10 / 25 / 50"
                " issues routed 76 / 72 / 70 % of their later issues without the LLM, at"
                " 90.5 / 90.8 / 89.7 % to the right worker). A more frequent `learn-schedule`"
                " (daily) refits sooner."
            )
        return text


def last_model(path: Path, repo: str) -> IssueModel | None:
    """The file at ``path`` before this run writes it (the workflow restores the newest
    learned model from the Actions cache there), when it is a readable model learned for
    ``repo``: the one the plan routes with until a new one is saved."""
    from foreman.classifier.model import ModelError, load

    if not path.is_file():
        return None
    try:
        model = load(path)
    except ModelError:
        return None  # the plan warns about an unusable model; this run replaces it
    return model if str(model.meta.get("repository", "")).lower() == repo.lower() else None


def with_opening_counts(
    last: IssueModel | None, got: Collected, repo: str, ref: str
) -> IssueModel | None:
    """With no new model, the model the plan keeps, carrying today's opening-label counts
    (:mod:`.opening`; they travel in the model's metadata): last time's model, or a copy of
    the shipped model marked ``shipped`` (the plan routes with it as with the shipped one).
    ``None`` when no class's opening labels are trusted, today or by the last model's counts
    (a trust withdrawn is written too)."""
    from foreman.classifier.model import load
    from foreman.classifier.opening import trusted

    if not got.opening.checked:
        return None
    counts = {META_KEY: got.opening.as_meta(), "opening_at": _now()}
    shipped = load()
    now = {c for c in shipped.labels if trusted(counts, c)}
    before = {c for c in shipped.labels if last is not None and trusted(last.meta, c)}
    if not now and not before:
        return None  # no label to route by, now or before: nothing to change
    if last is not None and not last.meta.get("shipped"):
        last.meta.update(counts)
        return last
    # A fresh copy of the shipped model (last time's may be another release's).
    shipped.meta.update(
        {
            "repository": repo,
            "ref": ref,
            "learned_at": counts["opening_at"],
            "shipped": True,
            "shipped_sha256": shipped_fingerprint(),
        }
    )
    shipped.meta.update(counts)
    return shipped


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def since_last(model: IssueModel, got: Collected) -> SinceLast | None:
    """The out-of-sample check of the last model's promise: scored at its own threshold on
    the labelled issues created after it was learned, which it never saw. ``None`` when
    there are none, it does not say when it was learned, or it is the shipped model's copy
    (:func:`with_opening_counts`: its threshold was never this repository's promise)."""
    if model.meta.get("shipped"):
        return None
    when = str(model.meta.get("learned_at", ""))
    people, kept = own_rows(got)
    newer = [
        r for r in (*people, *kept) if r.created_at[:19] > when[:19] and r.label in model.labels
    ]
    if not when or not newer:
        return None
    by_worker = chosen(model.meta)
    if by_worker is not None:  # it routes by worker too: scored as it routes
        groups, wt = by_worker
        return SinceLast(when, score(model, newer, model.threshold, groups, wt), True)
    return SinceLast(when, score(model, newer, model.threshold))


def fit(
    got: Collected,
    config: Config,
    repo: str,
    ref: str,
    progress: Report,
    in_use: str = "the shipped model",
) -> tuple[Learned | None, str]:
    """The learned model (or why there is none) and the message that says so; ``in_use``:
    the model the plan keeps when there is none."""
    from foreman.classifier.corpus import load
    from foreman.classifier.model import load as load_model

    cfg = config.routing.classifier.learn
    people, kept = own_rows(got)
    shipped = load_model()
    known = set(shipped.labels)
    people = [r for r in people if r.label in known]
    kept = [r for r in kept if r.label in known]
    have = len(people) + len(kept)
    if len(people) < cfg.min_issues:
        return None, (
            f"not enough labelled issues yet ({len(people)} of {cfg.min_issues} labelled by"
            f" people{f', plus {len(kept)} the foreman labelled' if kept else ''}):"
            f" {in_use} stays in use"
        )
    corpus = load()
    # The foreman's kept labels join the final fit at weight 1, never the calibration.
    learned = learn(
        corpus,
        people,
        shipped,
        weight=cfg.own_weight,
        extra=kept,
        progress=progress,
        classes=config.routing.classifier.classes,
    )
    if learned.model is None:
        return learned, f"no new repository model: {learned.reason}; {in_use} stays in use"
    learned.model.meta.update(
        {
            "repository": repo,
            "ref": ref,
            "learned_at": _now(),
            "foreman_rows": len(kept),
            "feedback": got.feedback,
            META_KEY: got.opening.as_meta(),
        }
    )
    return learned, (
        f"learned from {have} of {repo}'s issues: decides {learned.after.decided:.0%} of the"
        f" newest {learned.calibration_rows} (shipped model: {learned.before.decided:.0%})"
    )


@dataclass(frozen=True)
class Outcome:
    """What a learn run found and did: the report's and the step summary's matter."""

    learned: Learned | None  # None: too few issues to fit
    message: str
    got: Collected
    out: Path | None  # the model written, None: none
    checked: SinceLast | None  # the last model on the issues opened since, None: none


def worker_sentence(thresholds: dict[str, float]) -> str:
    """``debug at 0.912, triage at 0.803`` (a worker no sum decides: ``by its class alone``)."""
    return ", ".join(
        f"{w} at {t:.3f}" if t < NEVER else f"{w} by its class alone" for w, t in thresholds.items()
    )


def summary(outcome: Outcome) -> str:
    learned, got, out, checked = outcome.learned, outcome.got, outcome.out, outcome.checked
    lines = [SUMMARY_TITLE, "", outcome.message, ""]
    if checked is not None:
        lines += [checked.sentence(), ""]
    if learned is not None:
        b, a = learned.before, learned.after
        lines += [
            f"On the newest {learned.calibration_rows} issues labelled by people (held out of"
            " the fit that chose the threshold):",
            "",
            "| model | decided without the LLM | of those, to the right worker | macro-F1 |",
            "|---|---:|---:|---:|",
            f"| shipped (before) | {b.decided:.0%} | {b.precision:.0%} | {b.macro_f1:.3f} |",
            f"| this repository's (after) | {a.decided:.0%} | {a.precision:.0%}"
            f" | {a.macro_f1:.3f} |",
            "",
        ]
        if learned.worker_thresholds is not None:
            lines += [
                "Where it cannot tell two classes of the same worker apart (by default feature"
                " and question: both triage's), it decides the worker once their summed"
                " probability reaches the worker's threshold, chosen the same way for each"
                " worker, and names no class: " + worker_sentence(learned.worker_thresholds) + ".",
                "",
            ]
    if got.feedback:
        lines.append(
            "Issues the foreman labelled: "
            + ", ".join(f"{k} {v}" for k, v in sorted(got.feedback.items()))
            + " (pending: younger than routing.classifier.learn.keep_days)"
        )
        if (counts := held(got.feedback)) is not None:
            kept, judged = counts
            lines += [
                "",
                f"The foreman's class labels people have judged: {kept} of {judged} kept"
                f" ({kept / judged:.0%}); the rest corrected or removed. Thresholds are chosen"
                " on past issues; this is how the labels held on new ones (every layer's:"
                " rules, classifier and LLM).",
            ]
    if opening := got.opening.sentences():
        lines += [*([""] if lines[-1] else []), *opening, ""]
        if out is None:
            lines += [
                "No new model is written, so these counts are not kept: the plan goes on with"
                " the counts in the model it uses (the shipped model has none).",
                "",
            ]
    if out is not None:
        lines.append(f"Model written to `{out}` (the workflow saves it to the Actions cache).")
    return "\n".join(lines) + "\n"


def report(outcome: Outcome) -> str:
    """The JSON printed on stdout (the step summary written on the way)."""
    learned, got, out, checked = outcome.learned, outcome.got, outcome.out, outcome.checked
    data: dict[str, Any] = {
        "model": str(out) if out else None,
        "message": outcome.message,
        "rows": len(got.rows),
        "classes": got.counts(),
        "feedback": got.feedback,
        "held": held(got.feedback),
        "opening_labels": got.opening.as_meta(),
        "since_last": (
            {"learned_at": checked.learned_at, **checked.scores.as_dict()} if checked else None
        ),
    }
    if learned is not None:
        data |= {
            "abstain_threshold": round(learned.threshold, 4),
            "worker_thresholds": (
                {w: round(t, 4) if t < NEVER else None for w, t in wt.items()}
                if (wt := learned.worker_thresholds) is not None
                else None
            ),
            "before": learned.before.as_dict(),
            "after": learned.after.as_dict(),
        }
    actions.add_summary(summary(outcome))
    return json.dumps(data, indent=2)
