"""The classifier package holds its shipped data (its place below the router: test_layers.py)."""

from __future__ import annotations

from pathlib import Path

import foreman.classifier


def test_the_shipped_data_files_are_in_the_package() -> None:
    package = Path(foreman.classifier.__file__).parent
    assert (package / "model.json.gz").is_file() and (package / "corpus.bin.xz").is_file()
