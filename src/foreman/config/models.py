"""The ``.github/foreman.yml`` schema (version 1), as pydantic models.

Unknown keys are errors everywhere (``extra="forbid"``). The JSON Schema
shipped next to this file is generated from these models (``foreman schema``).
"""

# No ``from __future__ import annotations`` in the model modules: pydantic would evaluate every
# annotation string when a class is defined (≈ 12 M instructions more in every foreman process).

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from foreman.config.environment import InstructionsConfig, SetupConfig
from foreman.config.loops import LoopsConfig
from foreman.config.patterns import nests_repeats
from foreman.names import branch_problem, env_name_problem

WORKER_NAME = r"^[a-z][a-z0-9-]{0,39}$"
WORKER_NAME_RULE = "a worker name is 1-40 lowercase letters, digits and '-', starting with a letter"
WorkerName = Annotated[str, Field(pattern=WORKER_NAME)]
ToolName = Literal["read", "list", "search", "write", "edit", "run"]
RuleEvent = Literal["issues", "pull_request", "issue_comment", "workflow_dispatch", "schedule"]
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
    "**/.gitattributes",  # can hide a file's diff (linguist-generated) or change how it is read
)
# Files CI executes: with a token whose PRs run CI (and its secrets), a change to one of them
# is a change to what CI runs, so it needs a maintainer (gate.ci_files).
CI_FILES = (
    "**/conftest.py",
    "setup.py",
    "noxfile.py",
    "tox.ini",
    "Makefile",
    "**/Makefile",
    "package.json",
    ".pre-commit-config.yaml",
)


class Strict(BaseModel):
    # Every key's documentation is its Field(description=...): pydantic's
    # use_attribute_docstrings would re-parse this file's source on every run (~25 ms of
    # each command). defer_build: schemas are built on first use, so a command pays only
    # for the models it validates. strict: a quoted YAML value is a string, never a number or
    # boolean (the JSON Schema says so too); an int still passes as a float.
    # allow_inf_nan: YAML's .nan would pass every range check (comparisons are false).
    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=True,
        frozen=True,
        defer_build=True,
        strict=True,
        allow_inf_nan=False,
    )


def _check_regex(value: str | None) -> str | None:
    if value is not None:
        try:
            re.compile(value)
        except re.error as err:
            raise ValueError(f"invalid regular expression: {err}") from None
        if nests_repeats(value):
            raise ValueError(
                "nested repetition: can take exponential time on hostile text; rewrite without"
                " a repeated group that contains a repeat"
            )
    return value


def _not_empty(value: object) -> object:
    if value == []:
        raise ValueError("an empty list never matches: remove the key or list values")
    return value


class Match(Strict):
    """Conditions of one routing rule; all given conditions must hold."""

    event: list[RuleEvent] | None = Field(
        None, min_length=1, description="Event names the rule applies to."
    )
    action: list[str] | None = Field(
        None, min_length=1, description="Event actions, e.g. opened, labeled."
    )
    labels_any: list[str] | None = Field(
        None, min_length=1, description="At least one of these labels."
    )
    labels_all: list[str] | None = Field(
        None, min_length=1, description="Every one of these labels."
    )
    title: str | None = Field(None, description="Regex searched in the title (case-insensitive).")
    body: str | None = Field(None, description="Regex searched in the body (case-insensitive).")
    paths_any: list[str] | None = Field(
        None,
        min_length=1,
        description="PRs only: at least one changed file matches one of these globs.",
    )
    paths_all: list[str] | None = Field(
        None, min_length=1, description="PRs only: every changed file matches one of these globs."
    )
    author_association: list[Association] | None = Field(
        None, min_length=1, description="The author's association with the repository."
    )
    authors: list[str] | None = Field(None, min_length=1, description="Author logins.")
    is_pull_request: bool | None = Field(None, description="Only PRs (true) or only issues.")

    _re_title = field_validator("title", "body")(_check_regex)
    # Before min_length (which puts minItems in the schema), to say why an empty list is wrong.
    _lists = field_validator(
        "event",
        "action",
        "labels_any",
        "labels_all",
        "paths_any",
        "paths_all",
        "author_association",
        "authors",
        mode="before",
    )(_not_empty)


class Rule(Strict):
    name: str | None = Field(None, description="Shown in the plan as the reason.")
    when: Match = Field(alias="if", description="Conditions; all must hold.")
    worker: WorkerName = Field(description="Worker that gets the task.")
    brief: str | None = Field(None, description="Extra instructions added to the task brief.")


class LearnConfig(Strict):
    min_issues: int = Field(
        100,
        ge=20,
        description=(
            "The learn job fits a repository model once this many closed issues carry a"
            " label of learn_labels; fewer: it says how many more it needs."
        ),
    )
    own_weight: float = Field(
        3.0,
        ge=1.0,
        le=20.0,
        description="How much one of the repository's issues counts against one shipped row.",
    )
    keep_days: int = Field(
        14,
        ge=1,
        description=(
            "A class label the foreman applied counts as training data once it has stayed"
            " this many days without a person removing it (removed: it counts against)."
        ),
    )


class ClassifierConfig(Strict):
    enabled: bool = Field(
        True, description="Use the embedded classifier for issues no rule matched."
    )
    min_confidence: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description=(
            "Abstain below this probability: a class's, and with a learned model that routes"
            " by worker, the summed probability of a worker's classes; default: the model's"
            " own thresholds."
        ),
    )
    model: str | None = Field(
        None, description="Repo-relative path of a model written by 'foreman learn'."
    )
    shared_rules: bool = Field(
        True,
        description=(
            "With the shipped model: patterns every tracker shares decide first (a"
            " feature-request title or template -> feature, a title marked as a question ->"
            " question, a JavaScript stack trace -> bug); false: the model alone."
        ),
    )
    opening_labels: bool = Field(
        True,
        description=(
            "An issue opened with one label of learn_labels (an issue form's labels:) is"
            " decided by it when the learn job measured that such labels held here: at"
            " least 20 issues of that class came with it and 90 % kept it; false: never."
        ),
    )
    classes: dict[str, WorkerName] = Field(
        default_factory=lambda: {"bug": "debug", "feature": "triage", "question": "triage"},
        description=(
            "Classifier label -> worker. A learned model's worker thresholds hold for the"
            " mapping they were learned with; change it and the learn job chooses new ones."
        ),
    )
    learn_labels: dict[str, str] = Field(
        default_factory=lambda: {
            "bug": "bug",
            "enhancement": "feature",
            "feature": "feature",
            "question": "question",
        },
        description="'foreman learn': repository label -> classifier class.",
    )
    learn: LearnConfig = Field(
        default_factory=LearnConfig,
        description=(
            "The learn job (scheduled): the repository's own model, kept in the Actions cache."
        ),
    )


class LLMRouterConfig(Strict):
    enabled: bool = Field(
        True,
        description=(
            "Ask the LLM when rules and the classifier leave an event open (needs "
            "ANTHROPIC_API_KEY)."
        ),
    )
    model: str = Field("claude-haiku-4-5", description="Anthropic model for routing.")
    max_tokens: int = Field(
        1024, ge=64, le=8192, description="Output token cap of the routing call."
    )
    max_retries: int = Field(2, ge=0, le=6, description="SDK retries per call.")
    timeout_seconds: float = Field(
        60.0, gt=0, le=600, description="HTTP timeout of one routing request."
    )
    max_body_chars: int = Field(
        8000,
        ge=200,
        le=200_000,
        description=(
            "Issue/PR body is truncated to this many characters (with a notice) in prompts "
            "and briefs."
        ),
    )
    outsiders: Literal["none", "opened"] = Field(
        "none",
        description=(
            "LLM routing on behalf of people without write access. none: their events and "
            "commands are routed by rules, the classifier and the fallback only. opened: also "
            "by the LLM for the one event that opens their issue or PR (or its inbox sweep), "
            "never for their comments, commands or edits, which anyone can repeat."
        ),
    )


class RoutingConfig(Strict):
    mode: Literal["first", "all"] = Field("first", description="First matching rule, or all.")
    rules: list[Rule] = Field(default=[], description="Routing rules, tried in order.")
    classifier: ClassifierConfig = Field(
        default_factory=ClassifierConfig, description="The embedded classifier (layer 2)."
    )
    llm: LLMRouterConfig = Field(
        default_factory=LLMRouterConfig, description="The LLM router (layer 3)."
    )
    fallback: WorkerName = Field("triage", description="Worker when nothing else decides.")
    max_tasks_per_event: int = Field(
        3, ge=1, le=10, description="At most this many worker tasks per event."
    )


class TriggerConfig(Strict):
    slash_command: str = Field(
        "/foreman",
        pattern=r"^/[a-z][a-z0-9-]*$",
        description=(
            "Comment command: '/foreman <worker> [instructions]'. Changing it? Change"
            " '/foreman' in your workflow's concurrency group (and `if:`) too."
        ),
    )
    label_prefix: str = Field(
        "foreman:",
        min_length=1,
        description=(
            "Label 'foreman:docs' starts docs. Changing it? Change 'foreman:' in your"
            " workflow's concurrency group (and `if:`) too."
        ),
    )
    code_permission: list[Permission] = Field(
        default_factory=lambda: list(CODE_PERMISSIONS),
        description="Repository permissions allowed to start code-writing workers.",
    )
    bot_logins: list[str] = Field(
        default_factory=lambda: ["github-actions[bot]"],
        description=(
            "Our own identities; their events are ignored. Add the bot login of a GitHub App "
            "or the login of a machine account used as gate-token (never a person's: their "
            "own commands would be ignored). The gate also knows the login its token writes as."
        ),
    )
    ignore_authors: list[str] = Field(
        default=[], description="Logins whose issues, PRs and comments are ignored."
    )


class WorkerConfig(Strict):
    """A built-in worker's overrides, or a custom worker (then ``prompt`` is required)."""

    kind: Literal["agent", "command", "triage"] | None = Field(
        None,
        description=(
            "agent (LLM with tools), command (runs commands) or triage (labels and a "
            "comment).\n\nCustom workers default to agent."
        ),
    )
    description: str | None = Field(None, description="One line; shown to the LLM router.")
    prompt: str | None = Field(None, description="System prompt of an agent worker.")
    tools: list[ToolName] | None = Field(None, description="Tools an agent worker may use.")
    allowed_paths: list[str] | None = Field(None, description="Globs the worker may edit.")
    commands: list[str] | None = Field(
        None, description="Commands the worker may run (command kind: runs them in order)."
    )
    model: str | None = Field(None, description="Anthropic model of an agent worker.")
    max_turns: int | None = Field(
        None, ge=1, le=200, description="Model turns before the run stops (needs_human)."
    )
    max_tokens: int | None = Field(
        None, ge=1000, le=5_000_000, description="Input+output tokens before the run stops."
    )
    max_seconds: int | None = Field(
        None, ge=10, le=21_600, description="Wall-clock seconds before the run stops."
    )
    writes_code: bool | None = Field(
        None,
        description=(
            "Whether the worker edits files (code-writing workers need write access to start)."
        ),
    )
    review: bool | None = Field(None, description="Run the reviewer after this worker.")
    network: bool | None = Field(
        None,
        description=(
            "Give this worker's commands the network (default false: no network at all, "
            "loopback included). Shown as a warning in the step summary and status comment."
        ),
    )
    sandbox: bool | None = Field(
        None,
        description=(
            "false: run this worker's commands WITHOUT the process boundary (bubblewrap). "
            "Reported loudly; only for runners where the boundary cannot work."
        ),
    )
    env: list[str] | None = Field(
        None,
        description=(
            "Names of non-secret environment variables passed into this worker's commands. "
            "Names that look secret (TOKEN, KEY, ...) or belong to the runner are refused."
        ),
    )
    enabled: bool = Field(True, description="Set false to disable a built-in worker.")

    @field_validator("env")
    @classmethod
    def _plain_env_names(cls, names: list[str] | None) -> list[str] | None:
        for name in names or []:
            if problem := env_name_problem(name):
                raise ValueError(f"env: {name!r} {problem}")
        return names


class TestConfig(Strict):
    command: str | None = Field(None, description="The repo's test command, e.g. 'pytest -q'.")
    timeout_seconds: int = Field(600, ge=5, le=7200, description="Timeout of one test-command run.")


class MergePolicy(Strict):
    enabled: bool = Field(False, description="Allow the gate to merge at all.")
    workers: list[WorkerName] = Field(
        default_factory=lambda: ["lint-fix"], description="Workers whose PRs may be merged."
    )
    max_changed_lines: int = Field(
        50, ge=0, description="Only PRs with at most this many changed lines are merged."
    )
    checks: Literal["green", "worker-tests", "none"] = Field(
        "green",
        description=(
            "green: every check run and status passed. worker-tests: a command worker's change"
            " merges without CI when the gate re-ran its ruff commands and got exactly that"
            " change (PRs opened with GITHUB_TOKEN run no CI). none: no check. An agent"
            " worker's patch merges only on green."
        ),
    )
    method: Literal["merge", "squash", "rebase"] = Field("squash", description="Merge method.")


class ReviewersPolicy(Strict):
    users: list[str] = Field(default=[], description="Reviewers to request (logins).")
    teams: list[str] = Field(default=[], description="Team reviewers to request (slugs).")
    from_codeowners: bool = Field(
        True, description="Also request the CODEOWNERS owners of the changed files."
    )
    max: int = Field(3, ge=0, le=15, description="At most this many reviewers per PR.")


class LabelsPolicy(Strict):
    allowed: list[str] = Field(
        default_factory=lambda: ["bug", "enhancement", "question", "documentation", "duplicate"],
        description="The only labels the gate will apply (besides gate.labels.handled).",
    )
    handled: str = Field("foreman:handled", description="Marks an item the foreman has handled.")


class GateConfig(Strict):
    protected_paths: list[str] = Field(
        default_factory=lambda: list(PROTECTED_PATHS),
        description="Never auto-merged; a human is asked.",
    )
    allow_protected: list[WorkerName] = Field(
        default=[],
        description=(
            "Workers whose protected-path edits (and ci_files, mode changes) may open a PR;"
            " never merged."
        ),
    )
    ci_files: list[str] = Field(
        default_factory=lambda: list(CI_FILES),
        description=(
            "Files CI executes. When the gate's PRs run CI (it writes with a token other than"
            " the job's GITHUB_TOKEN), a change to one needs a maintainer."
        ),
    )
    executable_paths: list[str] = Field(
        default=[],
        description=(
            "Globs where new executables and file mode changes are accepted; elsewhere they"
            " need a maintainer."
        ),
    )
    max_files: int = Field(
        20, ge=1, description="Bundles changing more files are refused (a human is asked)."
    )
    max_changed_lines: int = Field(
        400, ge=1, description="Bundles changing more lines are refused (a human is asked)."
    )
    require_tests: bool = Field(
        True, description="Code-writing bundles need passing test evidence."
    )
    require_review: bool = Field(
        True, description="Code-writing bundles need the reviewer's approval to leave draft."
    )
    draft: bool = Field(
        True,
        description="Open a PR as a draft when the gate will not merge it (merging is blocked by"
        " policy or checks); a PR the gate may merge is opened ready for review.",
    )
    fix_pr_branch: bool = Field(False, description="Push fixes onto same-repo PR branches.")
    max_prs_per_event: int = Field(
        3, ge=0, le=10, description="At most this many PRs per issue/PR."
    )
    branch_prefix: str = Field(
        "foreman/",
        pattern=r"^[A-Za-z0-9._/-]+/$",
        max_length=100,
        description="Prefix of the branches the gate creates.",
    )

    @field_validator("branch_prefix")
    @classmethod
    def _a_branch_prefix(cls, value: str) -> str:
        if problem := branch_problem(value + "issue-1-docs"):  # the shape of every branch
            raise ValueError(f"branches would not be valid git branch names: the name {problem}")
        return value

    merge: MergePolicy = Field(default_factory=MergePolicy, description="When the gate may merge.")
    reviewers: ReviewersPolicy = Field(
        default_factory=ReviewersPolicy, description="Who is asked to review."
    )
    labels: LabelsPolicy = Field(
        default_factory=LabelsPolicy, description="Which labels may be applied."
    )
    ask: list[str] = Field(default=[], description="Maintainers to mention.")


class BudgetConfig(Strict):
    router_llm_calls: int = Field(1, ge=0, le=1, description="LLM routing calls per event.")


class InboxConfig(Strict):
    max_per_run: int = Field(10, ge=1, le=100, description="Items routed per sweep.")
    exclude_labels: list[str] = Field(
        default_factory=lambda: ["wontfix", "foreman:skip"],
        description="Items with any of these labels are skipped.",
    )
    include_pull_requests: bool = Field(
        True, description="Sweep open (non-draft) pull requests too."
    )
    request_budget: int = Field(200, ge=10, description="REST requests a sweep may spend.")


Provider = Literal["anthropic", "bedrock", "vertex", "foundry"]
ModelId = Annotated[str, StringConstraints(min_length=1, max_length=300, pattern=r"^[^\s]+$")]


class LLMConfig(Strict):
    provider: Provider = Field(
        "anthropic",
        description=(
            "Who serves Claude: anthropic (ANTHROPIC_API_KEY), bedrock (Amazon Bedrock, AWS"
            " credentials from the environment), vertex (Google Vertex AI, Google credentials"
            " from the environment) or foundry (Microsoft Foundry, ANTHROPIC_FOUNDRY_API_KEY)."
            " The action installs the matching extra when its llm-provider input says so."
        ),
    )
    region: str | None = Field(
        None,
        pattern=r"^[a-z0-9-]{2,40}$",
        description=(
            "bedrock: the AWS region (default AWS_REGION, then AWS_DEFAULT_REGION); vertex: the"
            " location, e.g. us-east5 or global (default CLOUD_ML_REGION)."
        ),
    )
    project: str | None = Field(
        None,
        pattern=r"^[a-z][a-z0-9-]{4,61}[a-z0-9]$",
        description=(
            "vertex: the Google Cloud project id (default ANTHROPIC_VERTEX_PROJECT_ID, then the"
            " project google-github-actions/auth exports: GOOGLE_CLOUD_PROJECT, ...)."
        ),
    )
    resource: str | None = Field(
        None,
        pattern=r"^[A-Za-z0-9-]{1,64}$",
        description="foundry: the resource name (default ANTHROPIC_FOUNDRY_RESOURCE).",
    )
    bedrock_profile: str | None = Field(
        "global",
        pattern=r"^[a-z]{2,8}$",
        description=(
            "bedrock: the cross-region inference profile a mapped model id is prefixed with"
            " (global, us, eu, apac, ...); null for the in-region model id."
        ),
    )
    models: dict[ModelId, ModelId] = Field(
        default={},
        description=(
            "Model name -> the provider's id, for models the built-in table does not know or to"
            " use another id (a Bedrock inference profile ARN, a Foundry deployment name)."
        ),
    )


class Config(Strict):
    version: Literal[1] = Field(1, description="Config format version.")
    triggers: TriggerConfig = Field(
        default_factory=TriggerConfig,
        description="Slash commands, label triggers and who may start what.",
    )
    routing: RoutingConfig = Field(
        default_factory=RoutingConfig, description="How events become tasks."
    )
    workers: dict[WorkerName, WorkerConfig] = Field(
        default={}, description="Overrides of built-in workers, and custom workers."
    )
    test: TestConfig = Field(
        default_factory=TestConfig, description="The repository's test command (workers run it)."
    )
    setup: SetupConfig = Field(
        default_factory=SetupConfig,
        description="The repository's setup, run before the worker (network on, no secrets).",
    )
    instructions: InstructionsConfig = Field(
        default_factory=InstructionsConfig,
        description="The repository's instructions for agent workers (AGENTS.md).",
    )
    gate: GateConfig = Field(default_factory=GateConfig, description="What the gate may write.")
    budgets: BudgetConfig = Field(default_factory=BudgetConfig, description="Spending caps.")
    inbox: InboxConfig = Field(
        default_factory=InboxConfig, description="The scheduled sweep of unhandled issues and PRs."
    )
    loops: LoopsConfig = Field(
        default_factory=LoopsConfig,
        description="CI failures and review feedback on the foreman's PRs, in bounded rounds.",
    )
    llm: LLMConfig = Field(
        default_factory=LLMConfig,
        description="Who serves the model calls (the Anthropic API, Bedrock, Vertex AI, Foundry).",
    )
