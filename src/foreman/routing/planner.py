"""Planning: one event (or an inbox sweep) into a :class:`Plan`. Never writes to GitHub."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foreman import actions
from foreman.config import Config
from foreman.config.models import ClassifierConfig
from foreman.config.workers import known_workers, worker_spec
from foreman.contracts import STATUS_MARKER, Note, Plan
from foreman.events import Unsupported, WorkItem
from foreman.github.reads import Reader
from foreman.routing import unevaluated
from foreman.routing.brief import build_task, item_ref
from foreman.routing.decide import AskLLM, Classify, route
from foreman.routing.outsiders import IsTrusted, from_the_gate, llm_refusal
from foreman.routing.rules import needs_paths
from foreman.routing.triggers import request_from
from foreman.settings import LLMSettings, Settings

EVIDENCE_TERMS = 3  # terms a classifier decision shows as its evidence

if TYPE_CHECKING:
    from foreman.routing.classifier import Prediction
    from foreman.routing.llm_router import LLMAnswer


def _skip(item: WorkItem | None, reason: str, *, dry_run: bool = False) -> Plan:
    if item is None:
        return Plan(skipped=reason, dry_run=dry_run)
    return Plan(
        repo=item.repo,
        event_name=item.event_name,
        action=item.action,
        items=[item_ref(item)] if item.number else [],
        skipped=reason,
        dry_run=dry_run,
    )


def ignore_reason(item: WorkItem, config: Config) -> str | None:
    """Events the foreman must not act on (its own, closed, locked, comments without a command,
    its marker labels: the handled label and the sweep's exclude labels, whoever adds them)."""
    bots = {b.lower() for b in config.triggers.bot_logins}
    actor = item.comment.author if item.comment is not None else item.sender
    if actor.login.lower() in bots or item.sender.login.lower() in bots:
        return f"event by the foreman's own identity @{actor.login}"
    if item.comment is not None and actor.is_bot:
        return f"comment by a bot (@{actor.login})"
    if item.comment is not None and STATUS_MARKER in item.comment.body:
        # The gate's status comment (it quotes worker text), whoever's token posted it: with a
        # person's token as gate-token its author is that person, so the login cannot tell.
        return "comment carries the foreman's status marker: never a command"
    ignored = {a.lower() for a in config.triggers.ignore_authors}
    if actor.login.lower() in ignored or (item.author and item.author.login.lower() in ignored):
        return "author is in triggers.ignore_authors"
    if item.number is not None and item.state != "open":
        return f"#{item.number} is {item.state}"
    if item.locked:
        return f"#{item.number} is locked"
    if item.pull is not None and item.action != "labeled" and from_the_gate(item, config):
        # The gate's own PR (whatever token opened it: with a person's, the sender is them).
        # A trigger label on it is a person's request (the gate never applies one).
        return f"#{item.number} is the foreman's own pull request (branch {item.pull.head_ref})"
    if item.pull is not None and item.pull.draft and item.action != "ready_for_review":
        return f"#{item.number} is a draft pull request"
    if item.action == "labeled" and item.added_label:
        markers = {config.gate.labels.handled, config.loops.human_label,
                   *config.inbox.exclude_labels}  # fmt: skip
        if item.added_label.lower() in {m.lower() for m in markers}:
            return f"label {item.added_label!r} is a foreman marker, not a trigger"
    return None


def make_plan(
    event: WorkItem | Unsupported,
    config: Config,
    *,
    root: Path,
    dry_run: bool,
    settings: Settings,
    learned: Path | None = None,
) -> Plan:
    """``learned``: a model the learn job wrote (restored from the Actions cache), used when
    it was learned for this repository and the config names no model of its own.
    ``settings``: the GitHub token and API (the plan's reads) and the model provider's
    credentials (the LLM router)."""
    if isinstance(event, Unsupported):
        return _skip(None, event.reason)
    item = event
    dry = dry_run or bool(item.dispatch and item.dispatch.dry_run)
    reader = Reader.from_settings(settings.github, item.repo)
    llm = settings.llm
    if item.dispatch is not None and item.dispatch.mode == "inbox":
        from foreman.routing.inbox import sweep_plan

        def plan_one(one: WorkItem) -> Plan:
            return plan_item(
                one, config, reader=reader, root=root, dry_run=dry, learned=learned, llm=llm
            )

        return sweep_plan(item, config, reader=reader, dry_run=dry, plan_one=plan_one)
    if item.needs_fetch and item.dispatch is not None and item.dispatch.number is not None:
        if not reader.available:
            return _skip(
                item, "workflow_dispatch needs a GitHub token to read the item", dry_run=dry
            )
        item = reader.fetch_item(item, item.dispatch.number)
    if item.event_name == "workflow_run":
        from foreman.routing.ci import ci_plan

        plan = ci_plan(item, config, reader=reader, dry_run=dry)
    else:
        plan = plan_item(item, config, reader=reader, root=root, dry_run=dry, learned=learned,
                         llm=llm)  # fmt: skip
    plan.rest_calls = reader.calls
    return plan


def _review_round(item: WorkItem, config: Config, *, reader: Reader, dry_run: bool) -> Plan | None:
    """Feedback on a foreman PR (a review, a line comment, a command): a round, or None."""
    from foreman.routing.loops import REVIEW_EVENTS, is_foreman_pull

    if item.event_name not in REVIEW_EVENTS and item.event_name != "issue_comment":
        return None
    if not is_foreman_pull(item, config):
        if item.event_name in REVIEW_EVENTS:
            return _skip(item, "review feedback on a pull request the foreman did not make",
                         dry_run=dry_run)  # fmt: skip
        return None
    from foreman.routing.review_loop import review_plan

    trusted = _trust(reader, config) if reader.available else None
    return review_plan(item, config, reader=reader, dry_run=dry_run, is_trusted=trusted)


def plan_item(
    item: WorkItem,
    config: Config,
    *,
    reader: Reader,
    root: Path,
    dry_run: bool,
    learned: Path | None = None,
    llm: LLMSettings | None = None,
) -> Plan:
    """Route one issue/PR into tasks (shared by live events and the inbox sweep). ``llm``:
    the provider's credentials for the LLM router (None: no credentials, no LLM call)."""
    if item.event_name in ("pull_request_review", "pull_request_review_comment"):
        round_plan = _review_round(item, config, reader=reader, dry_run=dry_run)
        assert round_plan is not None
        return round_plan
    why = ignore_reason(item, config)
    request = request_from(item, config.triggers.slash_command, config.triggers.label_prefix)
    if why is None and item.event_name == "issue_comment" and request is None:
        why = f"comment has no {config.triggers.slash_command} command"
    if why is None and item.action == "labeled" and request is None:
        why = f"label {item.added_label!r} is not a {config.triggers.label_prefix}<worker> trigger"
    if why is not None:
        return _skip(item, why, dry_run=dry_run)
    if item.is_pull_request and item.pull is None and item.number and reader.available:
        # A comment on a PR: learn its head and whether it comes from a fork.
        item = reader.fetch_item(item, item.number)
    if item.event_name == "issue_comment" and item.pull is not None:
        round_plan = _review_round(item, config, reader=reader, dry_run=dry_run)
        if round_plan is not None:
            return round_plan
        if request is not None and request.worker == "fix" and reader.available:
            from foreman.routing.ci_request import fix_request_plan

            return fix_request_plan(item, config, reader=reader, dry_run=dry_run,
                                    is_trusted=_trust(reader, config))  # fmt: skip
    notes: list[Note] = []
    if item.event_name == "pull_request" and item.pull is not None and item.pull.is_fork:
        # The workflow token of a fork PR cannot write: the gate only reports.
        dry_run = True
        notes.append(
            Note(
                kind="info",
                item=item.number,
                text="Pull request from a fork: read-only handling; nothing is written.",
            )
        )
    paths: Sequence[str] | None = None
    if item.is_pull_request and item.number and needs_paths(config.routing.rules):
        if reader.available:
            paths = reader.changed_files(item.number)
        else:
            notes.append(unevaluated.path_rules(item.number))
    is_trusted = _trust(reader, config) if reader.available else None
    routed = route(
        item,
        config,
        paths=paths,
        request=request,
        classify=_classifier(
            config, root, notes, item.number, learned, item.repo, _opened_with(item)
        ),
        ask_llm=_llm(config, llm or LLMSettings()),
        is_trusted=is_trusted,
        llm_refusal=lambda: llm_refusal(item, config, is_trusted),
    )
    for warning in routed.warnings:
        actions.annotate("warning", warning, title="foreman routing rules")
    tasks = [build_task(item, config, p, paths, dry_run=dry_run) for p in routed.picks]
    notes += routed.notes
    if routed.llm_missing:
        notes.append(unevaluated.llm_router(item.number, config.routing.fallback))
    return Plan(
        repo=item.repo,
        event_name=item.event_name,
        action=item.action,
        items=[item_ref(item)],
        tasks=tasks,
        notes=notes,
        dry_run=dry_run,
        llm_calls=routed.llm_calls,
        llm_tokens=routed.llm_tokens,
    )


def _opened_with(item: WorkItem) -> Sequence[str]:
    """An issue's labels when it is being opened (an ``issues.opened`` event, or the inbox
    sweep meeting it unhandled): the labels it was filed with, or a writer added since."""
    return item.labels if item.action == "opened" and not item.is_pull_request else ()


def _trust(reader: Reader, config: Config) -> IsTrusted:
    """Whether a login has write access: one API call per login and plan, however often asked
    (the code-worker check and the LLM check share it)."""
    perms = config.triggers.code_permission
    known: dict[str, bool] = {}

    def is_trusted(login: str) -> bool:
        if login not in known:
            known[login] = reader.has_permission(login, perms)
        return known[login]

    return is_trusted


def _classifier(
    config: Config,
    root: Path,
    notes: list[Note],
    number: int | None,
    learned: Path | None = None,
    repo: str = "",
    opened_with: Sequence[str] = (),
) -> Classify | None:
    """A lazy classifier: the model file is read on first use only (rules may decide first).
    The config's ``routing.classifier.model`` first, else the learn job's model for this
    repository (:meth:`foreman.routing.classifier.Classifier.learned`), else the shipped one.
    A model file that cannot be used adds a note to ``notes`` (U03). ``opened_with``: the
    labels of an issue being opened, which decide when the model's learn job measured that
    such labels hold here (:meth:`~foreman.routing.classifier.Classifier.by_opening_label`)."""
    if not config.routing.classifier.enabled:
        return None
    cfg = config.routing.classifier
    loaded: list[Any] = []

    def classify(title: str, body: str) -> Prediction:
        if not loaded:
            if cfg.model is None and learned is not None:
                from foreman.routing.classifier import Classifier

                found = Classifier.learned(learned, repo, shared_rules=cfg.shared_rules)
                loaded.append(found or _load(root, cfg, notes, number))
            else:
                loaded.append(_load(root, cfg, notes, number, cfg.model))
        if opened_with and cfg.opening_labels:
            by_label: Prediction | None = loaded[0].by_opening_label(opened_with, cfg.learn_labels)
            if by_label is not None:
                return by_label
        pred: Prediction = loaded[0].predict(
            title,
            body,
            min_confidence=cfg.min_confidence,
            evidence=EVIDENCE_TERMS,
            classes=cfg.classes,
        )
        return pred

    return classify


def _load(
    root: Path,
    cfg: ClassifierConfig,
    notes: list[Note],
    number: int | None,
    model: str | None = None,
) -> Any:
    """``model`` (the config's model file), or (none, missing or unusable) the shipped model,
    with the shared rules as ``cfg`` says; a model file that cannot be used adds a note (U03)."""
    from foreman.classifier.model import ModelError
    from foreman.routing.classifier import Classifier

    model_path = root / model if model else None
    if model_path is not None and not model_path.is_file():
        actions.annotate("warning", f"classifier model {model} not found; using the shipped model")
        notes.append(unevaluated.classifier_model(number, str(model), "not found"))
        model_path = None
    try:
        return Classifier.load(model_path, shared_rules=cfg.shared_rules)
    except ModelError as err:
        if model_path is None:
            raise
        # e.g. a model learned by an older release: route with the shipped one
        actions.annotate(
            "warning",
            f"classifier model {model} is not usable ({err.message}); using the"
            " shipped model. Run 'foreman learn' again to rewrite it.",
        )
        notes.append(unevaluated.classifier_model(number, str(model), f"not usable: {err.message}"))
        return Classifier.load(None, shared_rules=cfg.shared_rules)


def _llm(config: Config, llm: LLMSettings) -> AskLLM | None:
    if not config.routing.llm.enabled:
        return None
    from foreman.llm.provider import LLMAccess  # light: no SDK import until a call is made

    access = LLMAccess(config.llm, llm.provider_env)
    if not access.available:
        return None
    specs = [worker_spec(config, n) for n in sorted(known_workers(config)) if n != "review"]

    def ask(item: WorkItem, paths: Sequence[str] | None) -> LLMAnswer:
        from foreman.routing.llm_router import ask as llm_ask

        return llm_ask(
            item,
            specs,
            config.routing.llm,
            max_tasks=config.routing.max_tasks_per_event,
            paths=paths,
            access=access,
        )

    return ask
