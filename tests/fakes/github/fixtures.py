"""pytest plugin: the ``fake_github`` fixture (a fresh server per test)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .server import FakeGitHub

DEMO_REPO = "octo/demo"


@pytest.fixture
def fake_github() -> Iterator[FakeGitHub]:
    """A running FakeGitHub with ``octo/demo`` seeded (default branch ``main``).

    Tokens: ``fake_github.write_token`` (scope write) and ``fake_github.read_token``
    (scope read: writes get 403), both authenticating as ``github-actions[bot]``.
    """
    fake = FakeGitHub()
    fake.add_repo(DEMO_REPO)
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()
