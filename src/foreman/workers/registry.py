"""Workers by name, and by kind for custom workers defined in config.

A spec (:func:`foreman.config.worker_spec`) resolves to the built-in of the
same name when its kind still matches, else to the generic worker of its kind:
a custom ``agent`` worker from config (its prompt, tools, paths, model and
limits come from the spec) or a ``command`` worker running its commands.
"""

from __future__ import annotations

from foreman.config import WorkerSpec
from foreman.errors import UsageError
from foreman.workers.agentic import AgentWorker
from foreman.workers.context import Worker
from foreman.workers.debug import Debug
from foreman.workers.docs import DOCS
from foreman.workers.infra import INFRA
from foreman.workers.lint_fix import LINT_FIX
from foreman.workers.refactor import REFACTOR
from foreman.workers.review import Review
from foreman.workers.triage import Triage

WORKERS: dict[str, Worker] = {
    "lint-fix": LINT_FIX,
    "debug": Debug(),
    "docs": DOCS,
    "refactor": REFACTOR,
    "infra": INFRA,
    "triage": Triage(),
    "review": Review(),
}
KINDS: dict[str, Worker] = {
    "agent": AgentWorker(check="no_regression"),
    "command": LINT_FIX,
    "triage": WORKERS["triage"],
    "review": WORKERS["review"],
}


def resolve(spec: WorkerSpec) -> Worker:
    named = WORKERS.get(spec.name)
    if named is not None and named.kind == spec.kind:
        return named
    by_kind = KINDS.get(spec.kind)
    if by_kind is None:
        raise UsageError(f"worker '{spec.name}' has an unknown kind '{spec.kind}'")
    return by_kind
