"""``foreman doctor``'s checks: is this repository ready for the foreman, and what to fix.

Each check returns :class:`Finding` lines: ``ok``, ``warn`` (works, but less than it could)
or ``fail`` (a problem to fix; the command exits non-zero). The checks read the checkout;
``run_checks(..., run=True)`` also runs ``setup.commands`` and the test command once inside
the process boundary, as a work job would.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from foreman.config import find_config, load_config
from foreman.config.models import Config
from foreman.doctor_finding import Finding
from foreman.errors import ConfigError, ForemanError

_USES = re.compile(
    r"^\s*(?:-\s*)?uses:\s*['\"]?(agent-foreman/agent-foreman[^@\s'\"]*)@([^\s'\"#]+)"
)
_SHA = re.compile(r"[0-9a-f]{40}")
_KEY = re.compile(r"secrets\.ANTHROPIC_API_KEY\b")
SETUP_ACTION = (".github/foreman/setup/action.yml", ".github/foreman/setup/action.yaml")


def check_config(root: Path, name: str | None) -> tuple[Config | None, list[Finding]]:
    try:
        path = find_config(root, name)
        config = load_config(path)
    except ConfigError as err:
        found = [
            Finding("fail", "config", f"{loc}: {msg}" if str(loc) else msg)
            for loc, msg in err.problems
        ]
        return None, found
    except ForemanError as err:
        return None, [Finding("fail", "config", f"{err.title}: {err.message}")]
    where = str(path.relative_to(root)) if path and path.is_relative_to(root) else str(path)
    text = f"{where} is valid" if path else "no config file: the defaults apply"
    return config, [Finding("ok", "config", text)]


def check_workflows(root: Path) -> list[Finding]:
    """A workflow that runs agent-foreman, pinned to a commit, passing the API key."""
    flows = sorted((root / ".github" / "workflows").glob("*.y*ml"))
    uses: list[tuple[str, str, str]] = []
    key = False
    for flow in flows:
        try:
            text = flow.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        here = [m for m in map(_USES.match, text.splitlines()) if m]
        uses += [(flow.name, m.group(1), m.group(2)) for m in here]
        key = key or bool(here and _KEY.search(text))
    if not uses:
        return [
            Finding(
                "fail",
                "workflow",
                "no workflow in .github/workflows uses agent-foreman",
                "copy workflows-examples/minimal.yml to .github/workflows/foreman.yml",
            )
        ]
    found: list[Finding] = []
    for name, target, ref in uses:
        if _SHA.fullmatch(ref):
            found.append(Finding("ok", "workflow", f"{name} runs {target} pinned to {ref[:12]}"))
        else:
            found.append(
                Finding(
                    "fail",
                    "workflow",
                    f"{name} runs {target}@{ref}: a tag or branch can be moved under you",
                    "pin the release's commit SHA, its version in a comment:"
                    " @<40-hex SHA> # vX.Y.Z",
                )
            )
    if key:
        found.append(Finding("ok", "secrets", "the workflow passes secrets.ANTHROPIC_API_KEY"))
    else:
        found.append(
            Finding(
                "warn",
                "secrets",
                "no workflow passes secrets.ANTHROPIC_API_KEY:"
                " only rules, the classifier and command workers will run",
                "add the repository secret ANTHROPIC_API_KEY and pass it as anthropic-api-key",
            )
        )
    return found


def check_instructions(root: Path, config: Config) -> list[Finding]:
    from foreman.workers.instructions import root_file

    settings = config.instructions
    if not settings.enabled:
        return [Finding("ok", "instructions", "turned off (instructions.enabled: false)")]
    found = root_file(root, settings)
    if found:
        return [Finding("ok", "instructions", f"{found} goes into agent workers' prompts")]
    if settings.file:
        return [
            Finding(
                "fail",
                "instructions",
                f"instructions.file {settings.file} not found",
                "add the file on the default branch, or fix the path",
            )
        ]
    return [
        Finding(
            "warn",
            "instructions",
            "no AGENTS.md, CLAUDE.md or"
            " .github/copilot-instructions.md: workers know only what they read",
            "write an AGENTS.md: how to build, test and lint, conventions",
        )
    ]


def check_setup(root: Path, config: Config) -> list[Finding]:
    found: list[Finding] = []
    action = next((root / p for p in SETUP_ACTION if (root / p).is_file()), None)
    if action is not None:
        text = action.read_text(encoding="utf-8", errors="replace")
        if re.search(r"^\s*using:\s*['\"]?composite", text, re.MULTILINE):
            found.append(Finding("ok", "setup", f"{action.relative_to(root)} (composite action)"))
        else:
            found.append(
                Finding(
                    "fail",
                    "setup",
                    f"{action.relative_to(root)} is not a composite action",
                    "set runs.using: composite",
                )
            )
    if config.setup.commands:
        found.append(Finding("ok", "setup", f"{len(config.setup.commands)} setup.commands"))
    if not found:
        found.append(Finding("ok", "setup", "none (the tests need nothing installed)"))
    return found


def check_test_command(root: Path, config: Config, env: Mapping[str, str]) -> list[Finding]:
    from foreman.workers.sandbox import CommandRefused, resolve_executable, split_sequence

    command = config.test.command
    if not command:
        return [
            Finding(
                "fail",
                "test command",
                "test.command is not set: debug, refactor and"
                " infra workers cannot reproduce or check",
                "set test.command, e.g. 'python -m pytest -q'",
            )
        ]
    try:
        steps = split_sequence(command)
    except CommandRefused as err:
        return [Finding("fail", "test command", f"`{command}`: {err}")]
    missing = [argv[0] for argv in steps if resolve_executable(argv[0], env, root) is None]
    if missing:
        hint = "setup installs it" if config.setup.commands else "no setup installs it"
        return [
            Finding(
                "warn",
                "test command",
                f"`{missing[0]}` is not found here ({hint})",
                "install it in setup (.github/foreman/setup or setup.commands)",
            )
        ]
    return [Finding("ok", "test command", f"`{command}` found")]


def run_checks(
    root: Path, config_name: str | None, *, run: bool, env: Mapping[str, str]
) -> list[Finding]:
    """``env``: the process environment (the test command is looked up on its PATH, and
    setup's commands get their allow-listed environment from it)."""
    env = dict(env)
    config, found = check_config(root, config_name)
    found += check_workflows(root)
    if config is None:
        return found
    found += check_setup(root, config) + check_instructions(root, config)
    if not (run and config.test.command):
        return found + check_test_command(root, config, env)
    from foreman.doctor_run import try_setup_and_tests

    return found + try_setup_and_tests(root, config, env)  # what setup installs counts
