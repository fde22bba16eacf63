"""Run step of the agent-foreman action: map the action's inputs to one ``foreman`` command.

Started by action.yml with the venv's Python in isolated mode (``python -I``),
so no PYTHON* variable or user site reaches it; the foreman code is imported
from the action's own ``src/``. Inputs arrive only as environment variables
(never spliced into a shell line), and secrets are masked before anything runs.

  INPUT_COMMAND               plan | work | gate | validate
  FOREMAN_GITHUB_TOKEN        -> GITHUB_TOKEN (masked); for work: dropped, never exported
                                 (a worker needs no GitHub token; its commands must find none)
  FOREMAN_ANTHROPIC_API_KEY   -> ANTHROPIC_API_KEY (masked)
  INPUT_CONFIG                -> FOREMAN_CONFIG
  INPUT_TASK                  -> FOREMAN_TASK (work)
  INPUT_WORKSPACE, INPUT_OUT  -> work --workspace / --out
  INPUT_PLAN, INPUT_BUNDLES   -> gate --plan / --bundles
  INPUT_DRY_RUN               -> plan/gate --dry-run
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

COMMANDS = ("plan", "work", "gate", "validate")
TRUE = ("true", "1", "yes", "on")
FALSE = ("false", "0", "no", "off", "")


class InputError(ValueError):
    """An action input with a value the action cannot use (exit 2, nothing run)."""


def _temp(name: str) -> str:
    return str(Path(os.environ.get("RUNNER_TEMP") or ".") / name)


def _input(name: str) -> str:
    return os.environ.get(f"INPUT_{name}", "").strip()


def _export_secrets(command: str = "") -> list[str]:
    """Move token inputs to the names the code reads; return their values for masking.

    ``work`` gets no GitHub token at all: it is masked, then removed from the process."""
    values = []
    for source, target in (
        ("FOREMAN_GITHUB_TOKEN", "GITHUB_TOKEN"),
        ("FOREMAN_ANTHROPIC_API_KEY", "ANTHROPIC_API_KEY"),
    ):
        value = os.environ.get(source, "").strip()
        if target == "GITHUB_TOKEN" and command == "work":
            dropped = [os.environ.pop(n, "").strip() for n in (source, target, "GH_TOKEN")]
            values += [v for v in dropped if v]
            continue
        if value:
            os.environ[target] = value
            values.append(value)
        else:
            os.environ.pop(source, None)
    return values


def _flag(name: str, label: str) -> bool:
    """A boolean input. Anything but a yes or a no is an error: a mistyped ``dry-run: ture``
    must not become a run that writes to GitHub."""
    value = _input(name).lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise InputError(f"input '{label}' must be true or false; got {_input(name)!r}")


def build_argv(command: str) -> list[str]:
    """The foreman command line for ``command``, from the INPUT_* variables."""
    dry_run = ["--dry-run"] if _flag("DRY_RUN", "dry-run") else []
    if _input("CONFIG"):
        os.environ["FOREMAN_CONFIG"] = _input("CONFIG")
    if command == "plan":
        return ["plan", *dry_run]
    if command == "work":
        if _input("TASK"):
            os.environ["FOREMAN_TASK"] = _input("TASK")
        workspace = _input("WORKSPACE") or os.environ.get("GITHUB_WORKSPACE") or "."
        out = _input("OUT") or _temp("foreman-bundle")
        return ["work", "--workspace", workspace, "--out", out]
    if command == "gate":
        plan = _input("PLAN") or _temp("foreman-plan.json")
        bundles = _input("BUNDLES") or _temp("foreman-bundles")
        return ["gate", "--plan", plan, "--bundles", bundles, *dry_run]
    return ["validate"]


def main() -> int:
    src = Path(os.environ.get("FOREMAN_ACTION_PATH") or Path(__file__).resolve().parent.parent)
    sys.path.insert(0, str(src / "src"))
    from foreman import actions
    from foreman.cli import main as foreman_main

    command = _input("COMMAND")
    for secret in _export_secrets(command):
        actions.register_secret(secret)
    if command not in COMMANDS:
        actions.annotate(
            "error", f"input 'command' must be one of {', '.join(COMMANDS)}; got {command!r}"
        )
        return 2
    try:
        argv = build_argv(command)
    except InputError as err:
        actions.annotate("error", str(err))
        return 2
    actions.info("foreman " + " ".join(argv))
    return foreman_main(argv)


if __name__ == "__main__":
    raise SystemExit(main())
