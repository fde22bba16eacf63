"""``foreman schema``: print (or write) the config file's JSON Schema."""

from __future__ import annotations

import argparse

from foreman.commands import output_file, write_output
from foreman.config.schema import render
from foreman.settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--output", "-o", type=output_file, help="write to this file instead of stdout"
    )
    parser.add_argument(
        "--format",
        choices=["json", "markdown"],
        default="json",
        help="json: the JSON Schema; markdown: the config reference (docs/config.md)",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.format == "markdown":
        from foreman.config.reference import markdown

        text = markdown()
    else:
        text = render()
    if args.output:
        write_output(args.output, text)
    else:
        print(text, end="")
    return 0
