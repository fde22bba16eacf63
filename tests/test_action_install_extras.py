"""The install step adds a provider's SDK extra only when llm-provider asks for it (issue #24).

A per-job venv from uv.lock as for S12, checked against the wheels' RECORD; with
``llm-provider: bedrock`` it also holds boto3/botocore (SigV4), with ``vertex``
google-auth, and with neither, none of them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.act.harness import copy_action
from tests.test_action_install import install


@pytest.fixture(scope="module")
def action(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_action(tmp_path_factory.mktemp("extras") / "action")


def _site(outputs: dict[str, str]) -> Path:
    [site] = Path(outputs["venv"]).glob("lib/python*/site-packages")
    return site


@pytest.mark.parametrize(
    ("provider", "present", "absent"),
    [
        ("", [], ["botocore", "google/auth"]),
        ("bedrock", ["botocore", "boto3"], ["google/auth"]),
        ("vertex", ["google/auth"], ["botocore"]),
    ],
)
def test_the_extra_is_installed_only_when_asked(
    action: Path, tmp_path: Path, provider: str, present: list[str], absent: list[str]
) -> None:
    code, log, outputs = install(action, tmp_path / "temp", tmp_path / "tools", provider)
    assert code == 0, log
    assert "checked against their wheels' RECORD" in log
    site = _site(outputs)
    assert all((site / name).is_dir() for name in present), present
    assert not any((site / name).exists() for name in absent), absent
    assert (site / "anthropic").is_dir()


def test_an_unknown_provider_is_a_clear_error(action: Path, tmp_path: Path) -> None:
    code, log, _ = install(action, tmp_path / "temp", tmp_path / "tools", "azure; id")
    assert code == 1
    assert "llm-provider: 'azure; id' is not one of anthropic, bedrock, foundry, vertex" in log
