"""The worker registry and the debug worker's choice of reproduction."""

from __future__ import annotations

import os
from pathlib import Path

from foreman.config import worker_spec
from foreman.contracts import Task
from foreman.workers import registry
from foreman.workers.agentic import AgentWorker
from foreman.workers.context import WorkContext
from foreman.workers.debug import pick_reproduction
from foreman.workers.lint_fix import CommandWorker
from foreman.workers.snapshot import Snapshot
from foreman.workers.triage import Triage
from tests.support.sample_repos import config_of, make_repo

CONFIG = """\
version: 1
test:
  command: pytest -q
workers:
  changelog:
    prompt: Keep the changelog.
    allowed_paths: [CHANGELOG.md]
  fmt:
    kind: command
    commands: [ruff format .]
  lint-fix:
    kind: agent
    prompt: Fix lint with judgement.
"""


def test_specs_resolve_to_builtins_or_their_kind() -> None:
    config = config_of(CONFIG)
    for name in ("debug", "docs", "refactor", "infra", "triage", "review"):
        assert registry.resolve(worker_spec(config, name)) is registry.WORKERS[name]
    assert isinstance(registry.resolve(worker_spec(config, "changelog")), AgentWorker)
    assert isinstance(registry.resolve(worker_spec(config, "fmt")), CommandWorker)
    lint_as_agent = registry.resolve(worker_spec(config, "lint-fix"))
    assert isinstance(lint_as_agent, AgentWorker) and lint_as_agent.kind == "agent"
    assert isinstance(
        registry.resolve(worker_spec(config_of("version: 1"), "lint-fix")), CommandWorker
    )
    assert isinstance(registry.resolve(worker_spec(config, "triage")), Triage)


def _ctx(root: Path, brief: str) -> WorkContext:
    config = config_of(CONFIG)
    task = Task(id="d1", worker="debug", brief=brief)
    return WorkContext(task, worker_spec(config, "debug"), config, Snapshot.take(root), os.environ)


def test_reproduction_is_narrowed_to_the_tests_the_brief_names(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {"tests/test_calc.py": "def test_add(): pass\n"})
    ctx = _ctx(
        root, "tests/test_calc.py::test_add fails; also see tests/test_gone.py and /etc/x.py"
    )
    assert pick_reproduction(ctx, ctx.toolbox()) == "pytest -q tests/test_calc.py::test_add"
    quoted = _ctx(root, "Run `pytest -q -k add` to see it; `rm -rf /` is not allowed")
    assert pick_reproduction(quoted, quoted.toolbox()) == "pytest -q"  # quoted: never run (S10)
    plain = _ctx(root, "something is broken")
    assert pick_reproduction(plain, plain.toolbox()) == "pytest -q"
    for each in (ctx, quoted, plain):
        each.snapshot.cleanup()
