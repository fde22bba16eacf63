"""Access to ../shared (reference payloads, OpenAPI subset, datasets).

The project's own tests never need it; conformance and evaluation suites call
:func:`shared_path`, which skips the test with a reason when it is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(os.environ.get("FOREMAN_SHARED_DIR", Path(__file__).resolve().parents[3] / "shared"))


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared not present ({path}); conformance/evaluation suite skipped")
    return path
