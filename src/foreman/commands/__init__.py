"""One module per CLI command: ``add_arguments(parser)`` and ``run(args) -> int``.

The argument types below turn a bad value into argparse's usage error (exit 2, the option
named), before a command does any work."""

from __future__ import annotations

import argparse
from pathlib import Path

from foreman.errors import UsageError


def probability(text: str) -> float:
    """A number from 0 to 1 (a confidence threshold)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {text}")
    return value


def positive_int(text: str) -> int:
    """A whole number of at least 1 (a count or limit)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {text}")
    return value


def output_file(text: str) -> str:
    """A file the command may create or replace: not a directory, in a directory that exists
    (checked before any work, so a typo does not cost a training run or an API sweep)."""
    path = Path(some_path(text))
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a directory, not a file")
    parent = path.parent
    if not parent.is_dir():
        what = "is not a directory" if parent.exists() else "does not exist"
        raise argparse.ArgumentTypeError(f"{text}: the directory {parent} {what}")
    return text


def some_path(text: str) -> str:
    """A path that is not empty (an empty one would silently mean the current directory)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty path")
    return text


def write_output(path: str, text: str) -> None:
    """Write a command's output file; a failure is a usage error naming the file."""
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as err:
        raise UsageError(f"cannot write {path}: {err.strerror}") from None
