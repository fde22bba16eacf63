from __future__ import annotations

from pathlib import Path

from foreman.config.reference import markdown, rows

DOCS = Path(__file__).resolve().parents[1] / "docs" / "config.md"


def test_every_config_key_is_documented() -> None:
    missing = [key for key, _, _, desc in rows() if not desc.strip()]
    assert not missing, f"config keys without a description (add a docstring): {missing}"


def test_committed_reference_is_current() -> None:
    assert DOCS.read_text() == markdown(), "run: foreman schema --format markdown -o docs/config.md"


def test_reference_lists_nested_keys() -> None:
    keys = {key for key, *_ in rows()}
    assert {
        "routing.rules[].if.labels_any",
        "workers.<name>.allowed_paths",
        "gate.merge.checks",
        "inbox.max_per_run",
    } <= keys
