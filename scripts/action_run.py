"""Run step of the agent-foreman action: map the action's inputs to one ``foreman`` command.

Started by action.yml with the venv's Python in isolated mode (``python -I``),
so no PYTHON* variable or user site reaches it; the foreman code is imported
from the action's own ``src/``. Inputs arrive only as environment variables
(never spliced into a shell line), and secrets are masked before anything runs.

  INPUT_COMMAND               plan | ack | work | setup | gate | validate
  FOREMAN_GITHUB_TOKEN        -> GITHUB_TOKEN (masked); for work: dropped, never exported
                                 (a worker needs no GitHub token; its commands must find none)
  FOREMAN_TOKEN_IS_JOB_TOKEN  gate: "true" when that is the job's GITHUB_TOKEN (no CI on its PRs)
  FOREMAN_ANTHROPIC_API_KEY   -> ANTHROPIC_API_KEY (masked)
  INPUT_CONFIG                -> FOREMAN_CONFIG
  INPUT_TASK                  -> FOREMAN_TASK (work)
  INPUT_TASK_ID               -> work --task @FILE: that task out of the plan file
  INPUT_WORKSPACE, INPUT_OUT  -> work --workspace / --out
  INPUT_PLAN, INPUT_BUNDLES   -> gate --plan / --bundles (INPUT_PLAN: work's and ack's plan too)
  INPUT_DRY_RUN               -> plan/ack/gate --dry-run
  INPUT_INSTRUCTIONS          -> work --instructions (default $RUNNER_TEMP/foreman-default: the
                                 default branch's copy the work job keeps; never the workspace)
  (setup)                     -> setup --outcome $RUNNER_TEMP/foreman-setup.jsonl, which work
                                 reads with --setup-outcome; setup gets no key and no token
  INPUT_MODEL                 -> plan --learned-model / learn --combine --out (the learn job)
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

COMMANDS = ("plan", "ack", "work", "setup", "gate", "learn", "validate")
# Commands that get no GitHub token (and setup no API key either).
NO_TOKEN = ("work", "setup")
SETUP_OUTCOME = "foreman-setup.jsonl"
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

    ``work`` gets no GitHub token at all, ``setup`` neither a token nor an API key: each is
    masked, then removed from the process."""
    values = []
    for source, target in (
        ("FOREMAN_GITHUB_TOKEN", "GITHUB_TOKEN"),
        ("FOREMAN_ANTHROPIC_API_KEY", "ANTHROPIC_API_KEY"),
    ):
        value = os.environ.get(source, "").strip()
        if command == "setup" or (target == "GITHUB_TOKEN" and command in NO_TOKEN):
            names = (source, target, "GH_TOKEN" if target == "GITHUB_TOKEN" else source)
            dropped = [os.environ.pop(n, "").strip() for n in names]
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


def _task_from_plan(task_id: str) -> str:
    """Write the plan's task ``task_id`` to a file of its own; return the file's path.

    The matrix carries task ids only (S19: step outputs are limited to 1 MB per job);
    the plan job's whole plan arrives as a file.
    """
    plan_path = _input("PLAN") or _temp("foreman-plan.json")
    try:
        plan = json.loads(Path(plan_path).read_text(encoding="utf-8"))
    except OSError as err:
        raise InputError(
            f"input 'task-id': cannot read the plan {plan_path}: {err.strerror}"
        ) from None
    except ValueError as err:
        raise InputError(f"input 'task-id': the plan {plan_path} is not JSON: {err}") from None
    tasks = plan.get("tasks") if isinstance(plan, dict) else None
    found = [t for t in tasks or [] if isinstance(t, dict) and t.get("id") == task_id]
    if len(found) != 1:
        raise InputError(
            f"input 'task-id': the plan {plan_path} holds {len(found)} tasks {task_id!r}, not one"
        )
    out = _temp("foreman-task.json")
    Path(out).write_text(json.dumps(found[0], ensure_ascii=False), encoding="utf-8")
    return out


def build_argv(command: str) -> list[str]:
    """The foreman command line for ``command``, from the INPUT_* variables."""
    dry_run = ["--dry-run"] if _flag("DRY_RUN", "dry-run") else []
    if _input("CONFIG"):
        os.environ["FOREMAN_CONFIG"] = _input("CONFIG")
    if command == "plan":
        # The whole plan as a file (the step outputs carry ids and a capped copy: S19).
        learned = ["--learned-model", _input("MODEL")] if _input("MODEL") else []
        return ["plan", *dry_run, "--output", _temp("foreman-plan.json"), *learned]
    if command == "learn":
        out = Path(_input("MODEL") or _temp("foreman-model/model.json.gz"))
        out.parent.mkdir(parents=True, exist_ok=True)
        return ["learn", "--combine", "--out", str(out.resolve())]
    if command == "work":
        from_plan = []
        if _input("TASK_ID"):
            from_plan = ["--task", "@" + _task_from_plan(_input("TASK_ID"))]
        elif _input("TASK"):
            os.environ["FOREMAN_TASK"] = _input("TASK")
        workspace = _input("WORKSPACE") or os.environ.get("GITHUB_WORKSPACE") or "."
        out = _input("OUT") or _temp("foreman-bundle")
        # Instructions from the default branch's copy, never the task's checkout.
        instructions = _input("INSTRUCTIONS") or _temp("foreman-default")
        setup = _temp(SETUP_OUTCOME)
        return ["work", *from_plan, "--workspace", workspace, "--out", out,
                "--instructions", instructions, "--setup-outcome", setup]  # fmt: skip
    if command == "setup":
        workspace = _input("WORKSPACE") or os.environ.get("GITHUB_WORKSPACE") or "."
        return ["setup", "--workspace", workspace, "--outcome", _temp(SETUP_OUTCOME)]
    if command == "ack":
        return ["ack", "--plan", _input("PLAN") or _temp("foreman-plan.json"), *dry_run]
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
