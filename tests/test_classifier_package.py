"""The classifier package sits below the router: it never imports a stage."""

from __future__ import annotations

import ast
from pathlib import Path

import foreman.classifier

STAGES = ("foreman.routing", "foreman.workers", "foreman.gate", "foreman.commands")


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_classifier_never_imports_a_stage_or_a_command() -> None:
    package = Path(foreman.classifier.__file__).parent
    crossings = {
        f"{path.name} imports {name}"
        for path in sorted(package.glob("*.py"))
        for name in _imports(path)
        if name.startswith(STAGES)
    }
    assert crossings == set()


def test_the_check_sees_a_crossing(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from foreman.routing.fetch import Reader\n")
    assert "foreman.routing.fetch" in _imports(module)


def test_the_shipped_data_files_are_in_the_package() -> None:
    package = Path(foreman.classifier.__file__).parent
    assert (package / "model.json.gz").is_file() and (package / "corpus.bin.xz").is_file()
