"""One module per CLI command: ``add_arguments(parser)`` and ``run(args) -> int``.

The argument types below turn a bad value into argparse's usage error (exit 2, the option
named), before a command does any work."""

from __future__ import annotations

import argparse


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
