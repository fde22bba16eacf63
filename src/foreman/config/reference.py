"""The config reference (docs/config.md), generated from the same models as the schema."""

from __future__ import annotations

import json
import re
import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from foreman.config.models import Config, WorkerName

HEADER = """# Configuration reference: `.github/foreman.yml`

Generated from the config models by `foreman schema --format markdown`; a test
keeps it current and fails when a key has no description. Keys marked
"required" must be given when their section is; every other key has a default,
and unknown keys are errors. Editors can autocomplete the file with the
JSON Schema in `src/foreman/config/schema.json`
(`# yaml-language-server: $schema=<url of that file>`).

Beyond the types below, every command that reads the file (and `foreman
validate`) refuses, naming the line and key: an unknown or disabled worker
name (also one that a default, such as `routing.fallback: triage`, still
uses), a fallback worker that writes code, a custom worker without a prompt or
commands, and a rule that can never match: an empty condition list, an
`action` foreman never routes (`open` for `opened`; the message lists the
routed ones), path or pull-request conditions on `issues` events or with
`is_pull_request: false`, `is_pull_request: false` on `pull_request` events,
and a rule without conditions followed by others
under `routing.mode: first`.

Types are strict: a quoted `"20"` is a string, not a number, and `"true"` is
not a boolean (an integer is fine where a number is wanted). A `title` or
`body` regex must not nest repeats, as in `(a+)+` or `(\\w+\\s?)+`: on
hostile text they take exponential time. A repeated group may contain one
repeat only when each round starts or ends with a character nothing else in
the group matches, as in `(\\.\\d+)+` or `(\\w+ )+`.

"""


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _type_name(annotation: Any) -> str:
    if annotation == WorkerName:
        return "worker name"
    if args := typing.get_args(annotation):
        origin = typing.get_origin(annotation)
        kept = [a for a in args if a is not type(None)]
        if origin in (typing.Union, types.UnionType) and len(kept) == 1:
            return _type_name(kept[0])  # "X | None": the default says it may be absent
        if origin in (list, dict):
            return f"{origin.__name__}[{', '.join(_type_name(a) for a in args)}]"
    text = repr(annotation) if not isinstance(annotation, type) else annotation.__name__
    for junk in ("typing.", "foreman.config.models.", "Annotated[", "NoneType"):
        text = text.replace(junk, "")
    text = text.replace("| None", "").strip()
    return re.sub(r"Literal\[([^\]]*)\]", lambda m: "one of " + m.group(1).replace("'", ""), text)


def _default(field: FieldInfo) -> str:
    if field.default_factory is not None:
        value = field.default_factory()  # type: ignore[call-arg]
    elif field.default is PydanticUndefined:
        return "required"
    else:
        value = field.default
    if isinstance(value, BaseModel):
        return "(section)"
    return f"`{json.dumps(value)}`"


def rows(model: type[BaseModel] = Config, prefix: str = "") -> list[tuple[str, str, str, str]]:
    """(key, type, default, description) for every key, depth first."""
    out: list[tuple[str, str, str, str]] = []
    for name, field in model.model_fields.items():
        key = f"{prefix}{field.alias or name}"
        sub = _model_in(field.annotation)
        is_map = typing.get_origin(field.annotation) is dict
        desc = (field.description or "").replace("\n", " ")
        desc = " ".join(desc.split())
        kind = "mapping" if sub is not None and not is_map else _type_name(field.annotation)
        if sub is not None and typing.get_origin(field.annotation) is list:
            kind = f"list of {sub.__name__}"
        out.append((key, kind, _default(field), desc))
        if sub is not None:
            child = (
                f"{key}.<name>."
                if is_map
                else f"{key}[]."
                if kind.startswith("list")
                else key + "."
            )
            out.extend(rows(sub, child))
    return out


def markdown() -> str:
    lines = [HEADER, "| key | type | default | meaning |", "|---|---|---|---|"]
    for key, kind, default, desc in rows():
        cell = kind.replace("|", "\\|")
        lines.append(f"| `{key}` | {cell} | {default} | {desc.replace('|', chr(92) + '|')} |")
    return "\n".join(lines) + "\n"
