"""Turn a webhook payload into a :class:`WorkItem`, or say there is nothing to do.

Malformed payloads raise :class:`EventError` naming the missing/bad field.
Events we do not handle return ``Unsupported`` with a reason (exit 0).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from foreman import jsontext
from foreman.errors import EventError, Location
from foreman.event_names import HANDLED
from foreman.events.models import Actor, Comment, Dispatch, PullInfo, WorkItem
from foreman.events.payload import MAX_ID, MAX_NUMBER, Payload
from foreman.names import repo_problem
from foreman.settings import GitHubSettings

MAX_EVENT_BYTES = 25_000_000


@dataclass(frozen=True)
class Unsupported:
    reason: str


def infer_event_name(data: dict[str, Any]) -> str | None:
    if "inputs" in data and "action" not in data:
        return "workflow_dispatch"
    if "schedule" in data:
        return "schedule"
    if "workflow_run" in data:
        return "workflow_run"
    if "review" in data and "pull_request" in data:
        return "pull_request_review"
    if "comment" in data and "pull_request" in data:
        return "pull_request_review_comment"
    if "comment" in data and "issue" in data:
        return "issue_comment"
    if "pull_request" in data and "number" in data:
        return "pull_request"
    if "issue" in data:
        return "issues"
    return None


def read_payload(path: Path, source: str | None = None) -> dict[str, Any]:
    name = source or str(path)
    try:
        with path.open("rb") as fh:  # read no more than the limit (a device, a huge file)
            raw = fh.read(MAX_EVENT_BYTES + 1)
    except OSError as err:
        raise EventError(
            f"cannot read event file: {err.strerror}", location=Location(name)
        ) from None
    if len(raw) > MAX_EVENT_BYTES:
        raise EventError(
            f"event file is larger than {MAX_EVENT_BYTES} bytes", location=Location(name)
        )
    # Invalid UTF-8 becomes U+FFFD rather than an error (H07: a hostile body must not stop
    # the plan); the text is data either way.
    text = raw.decode("utf-8", errors="replace").removeprefix("\ufeff")
    try:
        data = jsontext.parse(text)
    except json.JSONDecodeError as err:
        raise EventError(
            f"event file is not JSON: {err.msg}", location=Location(name, err.lineno)
        ) from None
    except ValueError as err:
        raise EventError(f"event file is not usable JSON: {err}", location=Location(name)) from None
    if not isinstance(data, dict):
        raise EventError("event payload must be a JSON object", location=Location(name))
    return data


def parse_event(
    data: dict[str, Any],
    event_name: str | None = None,
    *,
    source: str = "event",
    repository: str = "",
) -> WorkItem | Unsupported:
    """``repository``: the run's ``GITHUB_REPOSITORY``, the repository of a ``schedule`` or
    ``workflow_dispatch`` payload that names none."""
    name = event_name or infer_event_name(data)
    if name is None:
        raise EventError(
            "cannot tell which event this payload is; pass --event-name", location=Location(source)
        )
    if name not in HANDLED:
        return Unsupported(f"event '{name}' is not handled by foreman")
    p = Payload(data, source)
    action = p.get("action", str, required=HANDLED[name] is not None)
    allowed = HANDLED[name]
    if allowed is not None and action not in allowed:
        return Unsupported(
            f"{name}.{action} is not handled (handled: {', '.join(sorted(allowed))})"
        )
    env_repo = repository
    fallback = name in ("schedule", "workflow_dispatch") and bool(env_repo)
    repo = p.get("repository.full_name", str, required=not fallback) or env_repo
    if problem := repo_problem(repo):
        raise EventError(
            f"event field 'repository.full_name': {problem}",
            location=Location(source, key="repository.full_name"),
        )
    common: dict[str, Any] = {
        "event_name": name,
        "action": action,
        "repo": repo,
        "default_branch": p.branch("repository.default_branch", required=False) or "main",
        "sender": p.actor("sender") if not fallback or "sender" in data else Actor(login="unknown"),
    }
    if name == "workflow_dispatch":
        return WorkItem(**common, dispatch=_dispatch(p), needs_fetch=True)
    if name == "schedule":
        return WorkItem(**common, dispatch=Dispatch(mode="inbox"))
    if name in ("workflow_run", "pull_request_review", "pull_request_review_comment"):
        from foreman.events import parse_loops

        if name == "workflow_run":
            return parse_loops.workflow_run(p, common)
        return parse_loops.review_item(name, p, common, _pull(p, repo))
    root = "pull_request" if name == "pull_request" else "issue"
    is_pr = name == "pull_request" or p.get("issue.pull_request", dict, required=False) is not None
    item = WorkItem(
        **common,
        number=p.number(f"{root}.number", MAX_NUMBER),
        kind="pull_request" if is_pr else "issue",
        title=p.get(f"{root}.title", str),
        body=p.text(f"{root}.body"),
        labels=p.labels(f"{root}.labels"),
        author=p.actor(f"{root}.user", f"{root}.author_association"),
        state=p.get(f"{root}.state", str, required=False) or "open",
        locked=bool(p.get(f"{root}.locked", bool, required=False)),
        html_url=p.get(f"{root}.html_url", str, required=False),
        updated_at=p.get(f"{root}.updated_at", str, required=False),
        comment=_comment(p) if name == "issue_comment" else None,
        pull=_pull(p, repo) if name == "pull_request" else None,
        added_label=p.get("label.name", str, required=False) if action == "labeled" else None,
    )
    return item


def _comment(p: Payload) -> Comment:
    return Comment(
        id=p.number("comment.id", MAX_ID),
        body=p.text("comment.body"),
        author=p.actor("comment.user", "comment.author_association"),
    )


def _pull(p: Payload, repo: str) -> PullInfo:
    head_repo = p.get("pull_request.head.repo.full_name", str, required=False)
    return PullInfo(
        head_ref=p.branch("pull_request.head.ref"),
        head_sha=p.get("pull_request.head.sha", str),
        head_repo=head_repo,
        base_ref=p.branch("pull_request.base.ref"),
        base_sha=p.get("pull_request.base.sha", str),
        draft=bool(p.get("pull_request.draft", bool, required=False)),
        is_fork=head_repo != repo,
    )


def _truthy(value: Any) -> bool:
    return value is True or (
        isinstance(value, str) and value.strip().lower() in ("true", "1", "yes")
    )


def _dispatch(p: Payload) -> Dispatch:
    inputs = p.get("inputs", dict, required=False) or {}
    raw = next(
        (inputs[k] for k in ("number", "issue", "pr", "pull_request") if inputs.get(k)), None
    )
    number: int | None = None
    if raw not in (None, ""):
        text = str(raw).strip().lstrip("#")
        if not text.isdigit() or int(text) <= 0:
            raise EventError(
                f"workflow_dispatch input 'number' must be a positive integer, got {raw!r}",
                location=Location(p.source, key="inputs.number"),
            )
        number = int(text)
    worker = (str(inputs.get("worker") or "").strip()) or None
    mode = str(inputs.get("mode") or "").strip() or ("event" if number else "inbox")
    if mode not in ("event", "inbox"):
        raise EventError(
            f"workflow_dispatch input 'mode' must be event or inbox, got {mode!r}",
            location=Location(p.source, key="inputs.mode"),
        )
    if mode == "event" and number is None:
        raise EventError(
            "workflow_dispatch needs input 'number' (an issue or PR) in event mode",
            location=Location(p.source, key="inputs.number"),
        )
    return Dispatch(
        number=number,
        worker=worker,
        dry_run=_truthy(inputs.get("dry_run")),
        mode="inbox" if mode == "inbox" else "event",
    )


def load_event(
    path: str | None, event_name: str | None, github: GitHubSettings | None = None
) -> WorkItem | Unsupported:
    """Payload from ``path`` or ``GITHUB_EVENT_PATH``; name from arg, env, or inferred
    (``github``: the run's settings; none: the arguments alone)."""
    github = github or GitHubSettings()
    chosen = path or github.event_path
    if not chosen:
        raise EventError("no event: pass --event FILE or set GITHUB_EVENT_PATH")
    name = event_name or github.event_name
    return parse_event(read_payload(Path(chosen)), name, source=chosen,
                       repository=github.repository)  # fmt: skip
