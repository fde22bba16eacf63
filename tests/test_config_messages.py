"""Config errors name the line to fix and the file tried (issue #21, smaller points)."""

from __future__ import annotations

from pathlib import Path

import pytest

from foreman.cli import main


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        # An unclosed flow mapping: PyYAML notices on the next line; the fix is on the first.
        ("version: 1\nrouting:\n  rules:\n    - if: {labels_any: [docs]\n      worker: docs\n",
         4, "flow mapping '{' opened on this line is not closed"),
        ("version: 1\nworkers:\n  docs: {max_turns: 3\n\nrouting:\n  fallback: triage\n",
         3, "flow mapping '{'"),
        ("version: 1\nrouting:\n  rules:\n    - if: {labels_any: [docs\n      worker: docs}\n",
         4, "flow sequence '['"),
        # An error on its own line stays there.
        ("version: 1\nrouting:\n  rules:\n    - if: {labels_any: [docs, worker: docs}\n", 4,
         "expected ',' or ']'"),
    ],
)  # fmt: skip
def test_a_yaml_syntax_error_names_the_line_to_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, line: int, fragment: str
) -> None:
    path = tmp_path / "foreman.yml"
    path.write_text(text, encoding="utf-8")
    assert main(["validate", str(path)]) == 3
    err = capsys.readouterr().err
    assert f"foreman.yml:{line}: invalid YAML" in err
    assert fragment in err


def test_a_relative_config_not_found_names_the_path_it_tried(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "elsewhere"
    root.mkdir()
    event = tmp_path / "event.json"
    event.write_text('{"action": "opened", "issue": {"number": 1, "title": "t", "body": ""},'
                     ' "repository": {"full_name": "o/r", "default_branch": "main"},'
                     ' "sender": {"login": "u"}}', encoding="utf-8")  # fmt: skip
    code = main(["plan", "--config", "cfg/foreman.yml", "--root", str(root), "--event", str(event),
                 "--event-name", "issues"])  # fmt: skip
    assert code == 3
    err = capsys.readouterr().err
    assert f"config file not found: {root / 'cfg' / 'foreman.yml'}" in err
    assert f"a relative path is read from --root {root}" in err
