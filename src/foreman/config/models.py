"""The ``.github/foreman.yml`` schema (version 1), as pydantic models.

Unknown keys are errors everywhere (``extra="forbid"``). The JSON Schema
shipped next to this file is generated from these models (``foreman schema``).
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

WorkerName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,39}$")]
ToolName = Literal["read", "list", "search", "write", "edit", "run"]
EventName = Literal["issues", "pull_request", "issue_comment", "workflow_dispatch", "schedule"]
Permission = Literal["admin", "maintain", "write", "triage", "read"]
Association = Literal[
    "OWNER",
    "MEMBER",
    "COLLABORATOR",
    "CONTRIBUTOR",
    "FIRST_TIME_CONTRIBUTOR",
    "FIRST_TIMER",
    "MANNEQUIN",
    "NONE",
]


CODE_PERMISSIONS: tuple[Permission, ...] = ("admin", "maintain", "write")
PROTECTED_PATHS = (
    ".github/workflows/**",
    ".github/actions/**",
    "CODEOWNERS",
    ".github/CODEOWNERS",
    "docs/CODEOWNERS",
    ".github/foreman.yml",
    ".github/foreman.yaml",
    "action.yml",
)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


def _check_regex(value: str | None) -> str | None:
    if value is not None:
        try:
            re.compile(value)
        except re.error as err:
            raise ValueError(f"invalid regular expression: {err}") from None
    return value


class Match(Strict):
    """Conditions of one routing rule; all given conditions must hold."""

    event: list[EventName] | None = Field(None, description="Event names the rule applies to.")
    action: list[str] | None = Field(None, description="Event actions, e.g. opened, labeled.")
    labels_any: list[str] | None = Field(None, description="At least one of these labels.")
    labels_all: list[str] | None = Field(None, description="Every one of these labels.")
    title: str | None = Field(None, description="Regex searched in the title (case-insensitive).")
    body: str | None = Field(None, description="Regex searched in the body (case-insensitive).")
    paths_any: list[str] | None = Field(
        None, description="PRs only: at least one changed file matches one of these globs."
    )
    paths_all: list[str] | None = Field(
        None, description="PRs only: every changed file matches one of these globs."
    )
    author_association: list[Association] | None = Field(
        None, description="The author's association with the repository."
    )
    authors: list[str] | None = Field(None, description="Author logins.")
    command: str | None = Field(
        None, description="Slash command naming this worker ('*' for any command)."
    )
    is_pull_request: bool | None = Field(None, description="Only PRs (true) or only issues.")

    _re_title = field_validator("title", "body")(_check_regex)


class Rule(Strict):
    name: str | None = Field(None, description="Shown in the plan as the reason.")
    when: Match = Field(alias="if", description="Conditions; all must hold.")
    worker: WorkerName = Field(description="Worker that gets the task.")
    brief: str | None = Field(None, description="Extra instructions added to the task brief.")


class ClassifierConfig(Strict):
    enabled: bool = True
    min_confidence: float | None = Field(
        None, ge=0.0, le=1.0, description="Abstain below this; default: the model's own threshold."
    )
    model: str | None = Field(
        None, description="Repo-relative path of a model written by 'foreman learn'."
    )
    classes: dict[str, WorkerName] = Field(
        default_factory=lambda: {"bug": "debug", "feature": "triage", "question": "triage"},
        description="Classifier label -> worker.",
    )


class LLMRouterConfig(Strict):
    enabled: bool = True
    model: str = "claude-haiku-4-5"
    max_tokens: int = Field(1024, ge=64, le=8192)
    max_retries: int = Field(2, ge=0, le=6, description="SDK retries per call.")
    timeout_seconds: float = Field(60.0, gt=0, le=600)
    max_body_chars: int = Field(8000, ge=200, le=200_000)


class RoutingConfig(Strict):
    mode: Literal["first", "all"] = Field("first", description="First matching rule, or all.")
    rules: list[Rule] = Field(default_factory=list)
    classifier: ClassifierConfig = Field(default_factory=ClassifierConfig)
    llm: LLMRouterConfig = Field(default_factory=LLMRouterConfig)
    fallback: WorkerName = Field("triage", description="Worker when nothing else decides.")
    max_tasks_per_event: int = Field(3, ge=1, le=10)


class TriggerConfig(Strict):
    slash_command: str = Field("/foreman", pattern=r"^/[a-z][a-z0-9-]*$")
    label_prefix: str = Field(
        "foreman:", min_length=1, description="Label 'foreman:docs' starts docs."
    )
    code_permission: list[Permission] = Field(
        default_factory=lambda: list(CODE_PERMISSIONS),
        description="Repository permissions allowed to start code-writing workers.",
    )
    bot_logins: list[str] = Field(
        default_factory=lambda: ["github-actions[bot]"],
        description="Our own identities; their events are ignored.",
    )
    ignore_authors: list[str] = Field(default_factory=list)


class WorkerConfig(Strict):
    """A built-in worker's overrides, or a custom worker (then ``prompt`` is required)."""

    kind: Literal["agent", "command", "triage"] | None = None
    description: str | None = None
    prompt: str | None = Field(None, description="System prompt of an agent worker.")
    tools: list[ToolName] | None = None
    allowed_paths: list[str] | None = Field(None, description="Globs the worker may edit.")
    commands: list[str] | None = Field(
        None, description="Commands the worker may run (command kind: runs them in order)."
    )
    model: str | None = None
    max_turns: int | None = Field(None, ge=1, le=200)
    max_tokens: int | None = Field(None, ge=1000, le=5_000_000)
    max_seconds: int | None = Field(None, ge=10, le=21_600)
    writes_code: bool | None = None
    review: bool | None = Field(None, description="Run the reviewer after this worker.")
    enabled: bool = True


class TestConfig(Strict):
    command: str | None = Field(None, description="The repo's test command, e.g. 'pytest -q'.")
    timeout_seconds: int = Field(600, ge=5, le=7200)


class MergePolicy(Strict):
    enabled: bool = False
    workers: list[WorkerName] = Field(default_factory=lambda: ["lint-fix"])
    max_changed_lines: int = Field(50, ge=0)
    checks: Literal["green", "worker-tests", "none"] = "green"
    method: Literal["merge", "squash", "rebase"] = "squash"


class ReviewersPolicy(Strict):
    users: list[str] = Field(default_factory=list)
    teams: list[str] = Field(default_factory=list)
    from_codeowners: bool = True
    max: int = Field(3, ge=0, le=15)


class LabelsPolicy(Strict):
    allowed: list[str] = Field(
        default_factory=lambda: ["bug", "enhancement", "question", "documentation", "duplicate"],
        description="The only labels the gate will apply.",
    )
    handled: str = Field("foreman:handled", description="Marks an item the foreman has handled.")


class GateConfig(Strict):
    protected_paths: list[str] = Field(
        default_factory=lambda: list(PROTECTED_PATHS),
        description="Never auto-merged; a human is asked.",
    )
    allow_protected: list[WorkerName] = Field(
        default_factory=list, description="Workers whose protected-path edits may open a PR."
    )
    max_files: int = Field(20, ge=1)
    max_changed_lines: int = Field(400, ge=1)
    require_tests: bool = True
    require_review: bool = True
    draft: bool = True
    fix_pr_branch: bool = Field(False, description="Push fixes onto same-repo PR branches.")
    max_prs_per_event: int = Field(3, ge=0, le=10)
    branch_prefix: str = Field("foreman/", pattern=r"^[A-Za-z0-9._/-]+/$")
    merge: MergePolicy = Field(default_factory=MergePolicy)
    reviewers: ReviewersPolicy = Field(default_factory=ReviewersPolicy)
    labels: LabelsPolicy = Field(default_factory=LabelsPolicy)
    ask: list[str] = Field(default_factory=list, description="Maintainers to mention.")


class BudgetConfig(Strict):
    router_llm_calls: int = Field(1, ge=0, le=1, description="LLM routing calls per event.")
    tokens_per_event: int = Field(400_000, ge=1000)


class InboxConfig(Strict):
    max_per_run: int = Field(10, ge=1, le=100)
    exclude_labels: list[str] = Field(default_factory=lambda: ["wontfix", "foreman:skip"])
    include_pull_requests: bool = True
    request_budget: int = Field(200, ge=10, description="REST requests a sweep may spend.")


class Config(Strict):
    version: Literal[1] = 1
    triggers: TriggerConfig = Field(default_factory=TriggerConfig)
    routing: RoutingConfig = Field(default_factory=RoutingConfig)
    workers: dict[WorkerName, WorkerConfig] = Field(default_factory=dict)
    test: TestConfig = Field(default_factory=TestConfig)
    gate: GateConfig = Field(default_factory=GateConfig)
    budgets: BudgetConfig = Field(default_factory=BudgetConfig)
    inbox: InboxConfig = Field(default_factory=InboxConfig)
