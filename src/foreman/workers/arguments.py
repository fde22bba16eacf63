"""What may follow an allowed command: paths and test ids that exist, and a few harmless options.

The allow-list in the config names command prefixes (``pytest -q``). What comes
after a prefix comes from the model, or from issue text, and an option can turn
a test run into a write anywhere: ``--basetemp=src`` empties ``src/``,
``--junitxml=src/app.py`` overwrites a file, ``-p mod`` imports a module,
``-o addopts=…``, ``-c FILE`` and ``--rootdir`` change what runs. So an extra
argument is either

* a path that exists in the checkout (no ``..``, no symlink, not in ``.git``),
  optionally with a test id after ``::`` (``tests/test_app.py::test_add[1-2]``), or
* one of :data:`HARMLESS_OPTIONS`, or ``-k EXPR`` (pytest's name filter).

Anything else, every other option included, is refused.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from foreman.workers.fence import Fence, PathRefused

# Output and selection only: none of them writes a file or changes what code is loaded.
HARMLESS_OPTIONS = frozenset(
    {"-q", "-qq", "-v", "-vv", "-x", "-s", "--lf", "--ff", "--tb=short", "--tb=line", "--tb=no"}
)
FILTER_OPTION = "-k"  # followed by an expression (pytest parses it; nothing is evaluated)
_TEST_ID = re.compile(r"[^\s\x00]{1,500}")


class ArgumentRefused(ValueError):
    """An extra argument that is neither an existing path/test id nor a harmless option."""


def describe_allowed() -> str:
    options = " ".join(sorted(HARMLESS_OPTIONS))
    return (
        "paths or test ids (path::name) that exist in the checkout, the options "
        f"{options}, and {FILTER_OPTION} EXPR"
    )


def existing_target(arg: str, fence: Fence) -> bool:
    """Whether ``arg`` is an existing path in the checkout, or a test id in an existing file."""
    if not arg or arg.startswith("-"):
        return False
    path, sep, test = arg.partition("::")
    if sep and not _TEST_ID.fullmatch(test):
        return False
    try:
        _rel, target = fence.resolve(path)
    except PathRefused:
        return False
    return target.is_file() if sep else target.exists()


def check_extras(extras: Sequence[str], fence: Fence) -> None:
    """Raise :class:`ArgumentRefused` for the first argument that may not follow a prefix."""
    index = 0
    while index < len(extras):
        arg = extras[index]
        if arg == FILTER_OPTION:
            expr = extras[index + 1] if index + 1 < len(extras) else ""
            if not expr or expr.startswith("-"):
                raise ArgumentRefused(
                    f"{FILTER_OPTION} may not follow without an expression after it"
                )
            index += 2
            continue
        if arg in HARMLESS_OPTIONS or existing_target(arg, fence):
            index += 1
            continue
        what = "the option" if arg.startswith("-") else "the argument"
        raise ArgumentRefused(
            f"{what} {arg!r} may not follow an allowed command; allowed after one: "
            + describe_allowed()
        )
