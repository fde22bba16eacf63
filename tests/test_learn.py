"""`foreman learn` through FakeGitHub: closed labelled issues -> a model the router can use."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fakes.github.server import FakeGitHub
from foreman.cli import main
from foreman.routing.classifier import Classifier

REPO = "octo/demo"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_github: FakeGitHub) -> Path:
    monkeypatch.setenv("GITHUB_TOKEN", fake_github.read_token)
    monkeypatch.setenv("GITHUB_API_URL", fake_github.url)
    monkeypatch.setenv("GITHUB_REPOSITORY", REPO)
    monkeypatch.setenv("FOREMAN_GITHUB_THROTTLE", "0")
    return tmp_path


def test_learn_fits_and_writes_a_model(
    env: Path, fake_github: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    for i in range(12):
        fake_github.add_issue(
            REPO,
            f"crash with traceback in module {i}",
            "Traceback (most recent call last): Error",
            labels=["bug"],
            state="closed",
        )
        fake_github.add_issue(
            REPO,
            f"please add support for option {i}",
            "It would be nice to have this feature.",
            labels=["enhancement"],
            state="closed",
        )
    fake_github.add_issue(REPO, "both", "x", labels=["bug", "enhancement"], state="closed")
    fake_github.add_issue(REPO, "none", "x", state="closed")
    fake_github.add_issue(REPO, "open one", "x", labels=["bug"])
    assert main(["learn", "--root", str(env), "--out", "m.json.gz"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["classes"] == {"bug": 12, "feature": 12}
    assert out["skipped_ambiguous"] == 1 and out["skipped_unlabelled"] == 1
    clf = Classifier.load(env / "m.json.gz")
    assert clf.labels == ["bug", "feature"]
    assert clf.predict("crash with traceback", "Traceback Error", min_confidence=0).label == "bug"


def test_learn_refuses_too_little_data(
    env: Path, fake_github: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_github.add_issue(REPO, "one bug", "x", labels=["bug"], state="closed")
    assert main(["learn", "--root", str(env)]) == 2
    assert "not enough labelled issues" in capsys.readouterr().err


def test_learn_needs_a_token(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    assert main(["learn", "--root", str(env)]) == 2
