"""Built-in worker defaults and the fully-resolved worker spec.

Pure data: the config layer needs the built-in names and defaults to validate
rules, without importing any worker code.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from foreman.config.models import Config, ToolName, WorkerConfig

WorkerKind = Literal["agent", "command", "triage", "review"]
ROUTER_MODEL = "claude-haiku-4-5"
AGENT_MODEL = "claude-sonnet-4-6"  # 4-5 is deprecated in the SDK (warns)
READ_TOOLS: list[ToolName] = ["read", "list", "search"]
ALL_TOOLS: list[ToolName] = ["read", "list", "search", "write", "edit", "run"]
DOC_PATHS = ["docs/**", "doc/**", "**/*.md", "**/*.rst", "**/*.txt", "mkdocs.yml"]
INFRA_PATHS = [
    "pyproject.toml",
    "setup.cfg",
    "setup.py",
    "tox.ini",
    "noxfile.py",
    "uv.lock",
    "poetry.lock",
    "Pipfile",
    "Pipfile.lock",
    "**/requirements*.txt",
    "**/requirements/*.txt",
    "package.json",
    "package-lock.json",
    "pnpm-lock.yaml",
    "yarn.lock",
    "go.mod",
    "go.sum",
    "Cargo.toml",
    "Cargo.lock",
    "Dockerfile",
    "**/Dockerfile",
    ".pre-commit-config.yaml",
    ".github/dependabot.yml",
    "renovate.json",
    ".github/workflows/**",
]


class WorkerSpec(BaseModel):
    """Everything a worker run needs, with every default filled in."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    name: str
    kind: WorkerKind
    description: str
    prompt: str | None
    tools: list[ToolName]
    allowed_paths: list[str]
    commands: list[str]
    model: str
    max_turns: int
    max_tokens: int
    max_seconds: int
    writes_code: bool
    review: bool
    network: bool = False
    sandbox: bool = True
    env: list[str] = []


def _spec(name: str, kind: WorkerKind, description: str, **kw: object) -> WorkerSpec:
    base: dict[str, object] = {
        "prompt": None,
        "tools": ALL_TOOLS,
        "allowed_paths": ["**"],
        "commands": [],
        "model": AGENT_MODEL,
        "max_turns": 30,
        "max_tokens": 300_000,
        "max_seconds": 900,
        "writes_code": True,
        "review": True,
    }
    base.update(kw)
    return WorkerSpec(name=name, kind=kind, description=description, **base)


BUILTINS: dict[str, WorkerSpec] = {
    s.name: s
    for s in (
        _spec(
            "triage",
            "triage",
            "Labels, a comment and possible duplicates; no code.",
            tools=READ_TOOLS,
            allowed_paths=[],
            model=ROUTER_MODEL,
            max_turns=8,
            max_tokens=60_000,
            max_seconds=300,
            writes_code=False,
            review=False,
        ),
        _spec("debug", "agent", "Reproduces a failure, patches it, shows red -> green."),
        _spec(
            "ci-fix",
            "agent",
            "Makes a failing CI check pass by fixing the code; never by skipping or weakening"
            " tests.",
        ),
        _spec(
            "lint-fix",
            "command",
            "Runs the repo's formatters/linters with --fix.",
            tools=[],
            commands=["ruff check --fix --exit-zero .", "ruff format ."],
            max_seconds=600,
            review=False,
            max_tokens=100_000,
        ),
        _spec("refactor", "agent", "Restructures code; the test result must not change."),
        _spec("docs", "agent", "Edits documentation only.", allowed_paths=DOC_PATHS),
        _spec(
            "infra",
            "agent",
            "Dependency bumps and CI/config migrations.",
            allowed_paths=INFRA_PATHS,
        ),
        _spec(
            "review",
            "review",
            "Reviews a diff against its brief; approve or request changes.",
            tools=READ_TOOLS,
            allowed_paths=[],
            max_turns=12,
            max_tokens=120_000,
            writes_code=False,
            review=False,
        ),
    )
}


def resolve(name: str, cfg: WorkerConfig | None) -> WorkerSpec:
    """Merge config overrides onto a built-in, or build a custom worker."""
    base = BUILTINS.get(name)
    if base is None:
        base = _spec(name, "agent", f"Custom worker '{name}'.")
    if cfg is None:
        return base
    overrides = cfg.model_dump(exclude_none=True, exclude={"enabled"})
    return base.model_copy(update=overrides)


def known_workers(config: Config) -> set[str]:
    names = {n for n in BUILTINS if config.workers.get(n, WorkerConfig()).enabled}
    names |= {n for n, w in config.workers.items() if w.enabled}
    return names


def worker_spec(config: Config, name: str) -> WorkerSpec:
    return resolve(name, config.workers.get(name))
