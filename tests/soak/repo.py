"""The soak's repository, config, identities and per-event record (see :mod:`tests.soak`)."""

from __future__ import annotations

import os
import secrets
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from foreman.contracts import Plan

CONFIG = """\
version: 1
routing:
  rules:
    - name: Python changes in a pull request
      if: {event: [pull_request], action: [opened, synchronize], paths_any: ["**/*.py"]}
      worker: lint-fix
    - name: documentation title
      if: {title: '^docs?\\b', is_pull_request: false}
      worker: docs
  classifier: {enabled: CLASSIFIER}
  llm: {enabled: true}
  fallback: triage
  max_tasks_per_event: 2
workers:
  docs: {max_turns: 6}
  debug: {max_turns: 6}
test:
  command: python run_tests.py
  timeout_seconds: 30
gate:
  fix_pr_branch: true
  ask: ["@octo"]
"""
FILES = {
    "README.md": "# demo\n\nAdds numbers.\n",
    "docs/guide.md": "# Guide\n\nSome text.\n",
    "calc.py": "def add(a, b):\n    return a - b\n",
    "run_tests.py": (
        "import sys\n\nfrom calc import add\n\nif add(2, 3) != 5:\n"
        '    print("FAIL test_add: add(2, 3) ==", add(2, 3))\n    sys.exit(1)\n'
        'print("1 passed")\n'
    ),
    "pkg/__init__.py": "",
}
GIT = ["git", "-c", "user.name=soak", "-c", "user.email=soak@example.invalid",
       "-c", "core.hooksPath=/dev/null", "-c", "commit.gpgsign=false"]  # fmt: skip


def git(root: Path, *args: str) -> None:
    """git in ``root``, shielded from the host's git configuration and environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)
    subprocess.run([*GIT, *args], cwd=root, env=env, check=True, capture_output=True, timeout=60)


def classifier_available() -> bool:
    try:
        import foreman.routing.classifier  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass
class Record:
    """One event and what became of it."""

    index: int
    kind: str
    event_name: str = ""
    action: str = ""
    number: int | None = None
    sender: str = ""
    replaced_by: int | None = None
    skipped: str | None = None
    plan: Plan | None = None
    bundles: Path | None = None  # the artifacts of the last planned run
    decisions: dict[str, str] = field(default_factory=dict)
    runs: list[str] = field(default_factory=list)  # "plan:0", "gate:5", ... per attempt
    done: bool = False


@dataclass
class Canary:
    core: str = field(default_factory=lambda: secrets.token_hex(12))

    @property
    def value(self) -> str:
        return f"CANARY-{self.core}-DO-NOT-LEAK"


def read_outputs(path: Path) -> dict[str, str]:
    """``name<<DELIM`` blocks of a ``$GITHUB_OUTPUT`` file."""
    out: dict[str, str] = {}
    lines = path.read_text().splitlines() if path.exists() else []
    i = 0
    while i < len(lines):
        name, _, delim = lines[i].partition("<<")
        end = lines.index(delim, i + 1)
        out[name] = "\n".join(lines[i + 1 : end])
        i = end + 1
    return out
