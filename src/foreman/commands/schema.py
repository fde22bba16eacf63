"""``foreman schema``: print (or write) the config file's JSON Schema."""

from __future__ import annotations

import argparse
from pathlib import Path

from foreman.config.schema import render


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output", "-o", help="write to this file instead of stdout")


def run(args: argparse.Namespace) -> int:
    text = render()
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        print(text, end="")
    return 0
