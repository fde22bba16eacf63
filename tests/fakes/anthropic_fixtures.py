"""pytest fixture for FakeAnthropic (registered through ``pytest_plugins`` in conftest)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .fake_anthropic import FakeAnthropic


@pytest.fixture
def fake_anthropic() -> Iterator[FakeAnthropic]:
    """A started FakeAnthropic; sets no environment. Fails the test on script bugs."""
    fake = FakeAnthropic().start()
    try:
        yield fake
    finally:
        fake.stop()
    assert not fake.errors, f"FakeAnthropic script errors: {fake.errors}"
