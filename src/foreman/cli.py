"""Command line: ``foreman <command>``. One top-level handler for every error.

Each command lives in ``foreman.commands.<name>`` and exposes
``add_arguments(parser)`` and ``run(args, settings) -> int``: the environment is read here,
once, into :class:`~foreman.settings.Settings`, and passed down. Command modules are
imported only when chosen, so ``foreman --help`` stays cheap (no anthropic,
no PyGithub).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Sequence
from types import ModuleType
from typing import Any

from foreman import __version__, actions
from foreman.errors import ConfigError, ExitCode, ForemanError, UsageError
from foreman.startup import skip_pydantic_plugin_scan

# name -> (module, one-line help). Order is the order shown in --help.
COMMANDS: dict[str, tuple[str, str]] = {
    "plan": ("foreman.commands.plan", "route an event into a matrix of worker tasks"),
    "ack": ("foreman.commands.ack", "react and post the status comment with the planned tasks"),
    "work": ("foreman.commands.work", "run one worker task and write its result bundle"),
    "setup": ("foreman.commands.setup", "run the repository's setup.commands before a worker"),
    "doctor": ("foreman.commands.doctor", "check a repository's readiness and say what to fix"),
    "gate": ("foreman.commands.gate", "check result bundles against policy, then write"),
    "run": ("foreman.commands.run", "the whole pipeline locally: plan, workers, gate dry run"),
    "validate": ("foreman.commands.validate", "validate a .github/foreman.yml"),
    "schema": ("foreman.commands.schema", "print the JSON Schema of the config file"),
    "eval-router": ("foreman.commands.eval_router", "score the issue classifier on a CSV"),
    "learn": ("foreman.commands.learn", "fit the classifier on this repo's labelled issues"),
}


class _Formatter(argparse.HelpFormatter):
    """argparse's own, with the terminal width from os: argparse makes a formatter for every
    argument added and imports shutil for the width (with it bz2 and lzma: ~5 ms a run)."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=_columns() - 2)  # argparse leaves 2 columns, too


def _columns() -> int:
    """What shutil.get_terminal_size() says: $COLUMNS, else the terminal's, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def _load(name: str) -> ModuleType:
    return importlib.import_module(COMMANDS[name][0])


def build_parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    parser = _Parser(
        prog="foreman",
        description="agent-foreman: route issues and PRs to AI specialists behind a write gate.",
    )
    parser.add_argument("--version", action="version", version=f"foreman {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    chosen = next((a for a in argv if not a.startswith("-")), None)
    for name, (_, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if name == chosen:  # only the chosen command's module is imported
            _load(name).add_arguments(p)
    return parser


def _report(err: ForemanError) -> None:
    problems = err.problems if isinstance(err, ConfigError) else [(err.location, err.message)]
    for loc, message in problems:
        text = message
        if loc.key and loc.key not in message:
            text = f"{message} (key '{loc.key}')"
        actions.annotate("error", text, file=loc.file, line=loc.line, title=err.title)
    summary = "\n".join(f"- {actions.md_escape(str(loc) or '-')}: {m}" for loc, m in problems)
    actions.add_summary(f"### foreman: {err.title}\n\n{summary}")


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    skip_pydantic_plugin_scan()
    try:
        parser = build_parser(args_list)
        args = parser.parse_args(args_list)
        if not args.command:
            parser.print_help()
            return ExitCode.USAGE
        from foreman.settings import Settings

        settings = Settings.from_env()
        with actions.using(settings):
            result: int = _load(args.command).run(args, settings)
        return result
    except ForemanError as err:
        _report(err)
        return err.exit_code
    except KeyboardInterrupt:
        actions.annotate("error", "interrupted")
        return 130
    except BrokenPipeError:
        # The reader went away (``foreman schema | head``): not an error worth a traceback.
        # Point stdout at /dev/null so that flushing it at exit does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + 13  # what a shell reports for SIGPIPE
    except Exception:
        # A bug, not a user mistake: keep the traceback, but never leak a secret.
        actions.log_block(traceback.format_exc())
        actions.annotate("error", "internal error in foreman (a bug); traceback above")
        return ExitCode.FAILURE
