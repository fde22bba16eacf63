"""The hybrid router: explicit request -> rules -> classifier -> LLM -> fallback.

:func:`route` has no I/O of its own: the classifier, the LLM call and the
permission check are passed in as callables, so the whole decision table is
testable with plain values and the plan command decides what each costs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from foreman.config.models import Config
from foreman.config.workers import known_workers, worker_spec
from foreman.contracts import Layer, Note
from foreman.errors import LLMError
from foreman.events.models import WorkItem
from foreman.routing import rules as rules_layer
from foreman.routing.outsiders import IsTrusted
from foreman.routing.triggers import Request

if TYPE_CHECKING:  # the LLM layer is imported only when it is asked (planner._llm)
    from foreman.routing.classifier import Prediction
    from foreman.routing.llm_router import LLMAnswer

MIN_LLM_CONFIDENCE = 0.5


Classify = Callable[[str, str], "Prediction"]
AskLLM = Callable[[WorkItem, Sequence[str] | None], "LLMAnswer"]
Refusal = Callable[[], str | None]  # why the LLM may not be asked (None: it may), S16


@dataclass(frozen=True)
class Pick:
    """One worker a routing layer chose for the item, and why (the gate's proposals are
    writes: :class:`foreman.gate.model.Proposal`)."""

    worker: str
    layer: Layer
    reason: str
    confidence: float | None = None
    focus: str = ""  # extra instruction: rule brief, command text, LLM focus
    evidence: tuple[str, ...] = ()  # what the deciding rule or classifier saw, in words


@dataclass
class Routed:
    picks: list[Pick] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    llm_calls: int = 0
    llm_tokens: int = 0
    undecided: list[str] = field(default_factory=list)  # why layers passed (fallback reason)
    warnings: list[str] = field(default_factory=list)  # for the maintainer (the run's log)
    evidence: tuple[str, ...] = ()  # the classifier's, when it was asked (shown with fallbacks)
    llm_missing: bool = False  # the LLM layer was reached but had no API key (U03)


def route(
    item: WorkItem,
    config: Config,
    *,
    paths: Sequence[str] | None = None,
    request: Request | None = None,
    classify: Classify | None = None,
    ask_llm: AskLLM | None = None,
    is_trusted: IsTrusted | None = None,
    llm_refusal: Refusal | None = None,
) -> Routed:
    out = Routed()
    known = known_workers(config)
    fallback = config.routing.fallback
    number = item.number

    def note(kind: str, text: str) -> None:
        out.notes.append(Note(kind=kind, text=text, item=number))

    if request is not None and request.worker is not None:
        if request.worker not in known:
            note(
                "refused", f"Unknown worker `{request.worker}`. Known: {', '.join(sorted(known))}."
            )
            return out
        out.picks.append(
            Pick(
                request.worker,
                _layer(request.source),
                f"{request.source} by @{request.requester}",
                1.0,
                request.text,
            )
        )
    else:
        _route_layers(item, config, paths, classify, ask_llm, out, llm_refusal)
        if not out.picks:
            reason = "; ".join(out.undecided) or "no layer decided"
            out.picks.append(Pick(fallback, "fallback", reason, evidence=out.evidence))

    # Safety net: code-writing workers only for trusted people on same-repo code.
    checked: dict[str, bool] = {}
    safe: list[Pick] = []
    for p in out.picks:
        if not worker_spec(config, p.worker).writes_code:
            safe.append(p)
            continue
        why = _refusal(item, request, is_trusted, checked)
        if why is None:
            safe.append(p)
        else:
            note(
                "refused",
                f"`{p.worker}` not started: {why}. A maintainer can run "
                f"`{config.triggers.slash_command} {p.worker}`.",
            )
            safe.append(Pick(fallback, "fallback", f"{p.worker} refused: {why}"))
    out.picks = _dedupe(safe)[: config.routing.max_tasks_per_event]
    return out


def _layer(source: str) -> Layer:
    return "command" if source == "command" else "label" if source == "label" else "dispatch"


def _refusal(
    item: WorkItem, request: Request | None, is_trusted: IsTrusted | None, cache: dict[str, bool]
) -> str | None:
    if item.pull is not None and item.pull.is_fork:
        return "pull requests from forks get read-only handling"
    if request is not None and request.source == "dispatch":
        return None  # running workflow_dispatch already requires write access
    login = request.requester if request is not None else (item.author.login if item.author else "")
    if not login:
        return "the requester is unknown"
    if login.lower() == item.repo.split("/")[0].lower():
        return None  # a user-owned repository's owner has admin rights; no API call needed
    if request is None and item.author is not None and item.author.association == "OWNER":
        return None  # the author owns the repository: admin rights, no API call needed
    if is_trusted is None:
        return f"could not verify @{login}'s permission (no token)"
    if login not in cache:
        cache[login] = is_trusted(login)
    return None if cache[login] else f"@{login} does not have write access"


def _route_layers(
    item: WorkItem,
    config: Config,
    paths: Sequence[str] | None,
    classify: Classify | None,
    ask_llm: AskLLM | None,
    out: Routed,
    llm_refusal: Refusal | None = None,
) -> None:
    routing = config.routing
    known = known_workers(config)
    if item.is_pull_request and paths is None and rules_layer.needs_paths(routing.rules):
        out.undecided.append("rules on changed paths not evaluated (no GitHub token)")
    hits = rules_layer.evaluate(
        routing.rules, item, paths=paths, mode=routing.mode, slow=out.warnings
    )
    for hit in hits:
        if hit.rule.worker in known:
            out.picks.append(
                Pick(
                    hit.rule.worker,
                    "rules",
                    hit.reason,
                    1.0,
                    hit.rule.brief or "",
                    evidence=hit.evidence,
                )
            )
    if out.picks:
        return
    if classify is not None and routing.classifier.enabled and not item.is_pull_request:
        pred = classify(item.title, item.body)
        worker = routing.classifier.classes.get(pred.label or "")
        out.evidence = tuple(pred.evidence)
        if pred.label is not None and worker in known:
            reason = f"classified as {pred.label} ({pred.confidence:.2f})"
            if pred.model:
                reason += f" by {pred.model}"
            out.picks.append(
                Pick(worker, "classifier", reason, pred.confidence, evidence=out.evidence)
            )
            return
        guess = max(pred.probabilities, key=pred.probabilities.__getitem__, default="?")
        if pred.label is None and pred.worker is not None and pred.worker in known:
            # Its classes share a worker: decided for it, and no class named (the triage
            # worker would label by it).
            reason = (
                f"classified for {pred.worker} ({pred.worker_confidence:.2f}), its class unsure"
                f" (best guess {guess} at {pred.confidence:.2f})"
            )
            if pred.model:
                reason += f" by {pred.model}"
            pick = Pick(
                pred.worker, "classifier", reason, pred.worker_confidence, evidence=out.evidence
            )
            out.picks.append(pick)
            return
        out.undecided.append(
            f"classifier unsure (best guess {guess} at {pred.confidence:.2f})"
            if pred.label is None
            else f"classifier class {pred.label} maps to no worker"
        )
    if ask_llm is None or not routing.llm.enabled or config.budgets.router_llm_calls < 1:
        off = not routing.llm.enabled or config.budgets.router_llm_calls < 1
        unset = (
            "ANTHROPIC_API_KEY not set"
            if config.llm.provider == "anthropic"
            else f"no {config.llm.provider} credentials"
        )
        out.undecided.append("LLM routing off" if off else f"no LLM ({unset})")
        out.llm_missing = not off
        return
    why = llm_refusal() if llm_refusal is not None else None
    if why is not None:
        from foreman.routing.outsiders import NOTE

        out.undecided.append(f"LLM not asked: {why}")
        out.notes.append(Note(kind="info", item=item.number, text=NOTE))
        return
    out.llm_calls += 1
    try:
        answer = ask_llm(item, paths)
    except LLMError as err:
        out.notes.append(
            Note(
                kind="ask-human",
                item=item.number,
                text=f"Automatic routing failed ({err.title}); please triage.",
            )
        )
        out.picks.append(Pick(routing.fallback, "fallback", f"LLM failed: {err.title}"))
        return
    out.llm_tokens += answer.input_tokens + answer.output_tokens
    for t in answer.tasks:
        if t.worker not in known:  # cannot validate, but never trust the model blindly
            continue
        if t.confidence < MIN_LLM_CONFIDENCE:
            out.notes.append(
                Note(
                    kind="ask-human",
                    item=item.number,
                    text=f"Routing is unsure ({t.confidence:.2f}): {t.reason}",
                )
            )
            out.picks.append(Pick(routing.fallback, "llm", t.reason, t.confidence, t.focus))
            continue
        out.picks.append(Pick(t.worker, "llm", t.reason, t.confidence, t.focus))


def _dedupe(picks: list[Pick]) -> list[Pick]:
    seen: set[str] = set()
    out: list[Pick] = []
    for p in picks:
        if p.worker not in seen:
            seen.add(p.worker)
            out.append(p)
    return out
