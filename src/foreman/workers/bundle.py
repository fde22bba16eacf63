"""The result bundle: ``patch.diff`` + ``result.json``, redacted, written atomically."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from foreman.actions import redact
from foreman.contracts import PATCH_FILE, RESULT_FILE, Result


def _redact_tree(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [_redact_tree(v) for v in value]
    if isinstance(value, dict):
        return {k: _redact_tree(v) for k, v in value.items()}
    return value


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_bytes(data)
    tmp.replace(path)


def write_bundle(out: Path, result: Result, patch: str) -> Path:
    """Write the bundle into ``out`` (created); every string is redacted first."""
    out.mkdir(parents=True, exist_ok=True)
    _write_atomic(out / PATCH_FILE, redact(patch).encode("utf-8", "surrogateescape"))
    data = _redact_tree(result.model_dump(mode="json"))
    Result.model_validate(data)  # still a valid Result after redaction
    text = json.dumps(data, indent=2, ensure_ascii=True) + "\n"
    _write_atomic(out / RESULT_FILE, text.encode("utf-8"))
    return out


def read_bundle(out: Path) -> tuple[Result, str]:
    result = Result.model_validate_json((out / RESULT_FILE).read_bytes())
    patch = (out / PATCH_FILE).read_bytes().decode("utf-8", "surrogateescape")
    return result, patch
