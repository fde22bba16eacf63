"""`foreman learn` through FakeGitHub: closed labelled issues -> a model the router can use."""

from __future__ import annotations

import gzip
import io
import json
import sys
from pathlib import Path

import pytest

from foreman.cli import main
from foreman.routing.classifier import Classifier
from tests.fakes.github.server import FakeGitHub

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
    # The abstain threshold comes from 5-fold CV on these issues (all separable: 100 % decided).
    assert out["cv"]["folds"] == 5 and out["cv"]["macro_f1"] == 1.0
    assert out["cv"]["coverage_at_90"] == 1.0
    assert clf.threshold == pytest.approx(out["abstain_threshold"], abs=1e-4)
    assert clf.threshold == pytest.approx(out["cv"]["threshold_at_90"], abs=1e-4)
    assert clf.threshold != Classifier.load().threshold


def test_learn_without_cv_keeps_the_shipped_threshold(
    env: Path, fake_github: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    for i in range(3):
        fake_github.add_issue(REPO, f"crash {i}", "Traceback", labels=["bug"], state="closed")
        fake_github.add_issue(REPO, f"add {i}", "please", labels=["enhancement"], state="closed")
    argv = ["learn", "--root", str(env), "--out", "m.json", "--min-per-class", "3"]
    assert main([*argv, "--folds", "0"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["cv"] is None
    assert Classifier.load(env / "m.json").threshold == Classifier.load().threshold
    calls = fake_github.count()
    assert main([*argv, "--folds", "1"]) == 2
    assert "--folds must be 0" in capsys.readouterr().err
    assert fake_github.count() == calls  # refused before any API call


def test_learn_refuses_too_little_data(
    env: Path, fake_github: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_github.add_issue(REPO, "one bug", "x", labels=["bug"], state="closed")
    assert main(["learn", "--root", str(env)]) == 2
    assert "not enough labelled issues" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--max-issues", "0", "must be at least 1, got 0"),
        ("--min-per-class", "-2", "must be at least 1, got -2"),
        ("--max-issues", "many", "not a whole number: 'many'"),
    ],
)
def test_learn_refuses_a_count_below_one_before_any_api_call(
    env: Path,
    fake_github: FakeGitHub,
    capsys: pytest.CaptureFixture[str],
    option: str,
    value: str,
    message: str,
) -> None:
    assert main(["learn", "--root", str(env), option, value]) == 2
    assert f"argument {option}: {message}" in capsys.readouterr().err
    assert fake_github.count() == 0


def test_learn_needs_a_token(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 5, as the guide's table says for a missing token (it said 5; the code gave 2)."""
    monkeypatch.delenv("GITHUB_TOKEN")
    assert main(["learn", "--root", str(env)]) == 5
    assert "needs a GitHub token (GITHUB_TOKEN)" in capsys.readouterr().err


EVENTS = Path(__file__).resolve().parents[1] / "workflows-examples" / "events"


def _plan_reason(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    assert main(["plan", "--event", str(EVENTS / "issue-bug.json"), "--root", str(root)]) == 0
    captured = capsys.readouterr()
    (task,) = json.loads(captured.out)["tasks"]
    return task["reason"], captured.err


def test_plan_prefers_the_learned_model_and_survives_an_unusable_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from foreman.classifier.model import save
    from foreman.classifier.train import train

    # A repo whose history only knows "crash" reports as questions.
    rows = [(f"crash when parsing file {i}", "Traceback TypeError", "question") for i in range(8)]
    rows += [(f"add an option for {i}", "It would be nice.", "feature") for i in range(8)]
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "foreman.yml").write_text(
        "routing:\n  classifier: {model: .github/foreman-model.json.gz, min_confidence: 0}\n"
    )
    model = tmp_path / ".github" / "foreman-model.json.gz"
    save(train(rows, epochs=4), model)
    reason, _ = _plan_reason(tmp_path, capsys)
    assert reason.startswith("classified as question")  # the shipped model says bug

    stale = json.loads(gzip.decompress(model.read_bytes()))
    stale["version"] = 1  # written by an older release
    model.write_bytes(gzip.compress(json.dumps(stale).encode()))
    reason, err = _plan_reason(tmp_path, capsys)
    assert reason.startswith("classified as bug")
    assert "foreman-model.json.gz is not usable" in err and "model version 1" in err
    assert "foreman learn" in err and "Traceback" not in err


def _seed(fake_github: FakeGitHub, n: int = 3) -> None:
    for i in range(n):
        fake_github.add_issue(REPO, f"crash {i}", "Traceback", labels=["bug"], state="closed")
        fake_github.add_issue(REPO, f"add {i}", "please", labels=["enhancement"], state="closed")


QUICK = ["--min-per-class", "3", "--folds", "0"]


@pytest.mark.parametrize(
    ("make", "out", "message"),
    [
        (lambda root: (root / "file").write_text("x"), "file/m.json.gz", "is not a directory"),
        (lambda root: (root / "models").mkdir(), "models", "is a directory, not a file"),
        (lambda root: None, "no/such/m.json.gz", "does not exist"),
    ],
)
def test_a_bad_out_path_is_refused_before_any_api_call(
    env: Path,
    fake_github: FakeGitHub,
    capsys: pytest.CaptureFixture[str],
    make: object,
    out: str,
    message: str,
) -> None:
    _seed(fake_github)
    assert callable(make)
    make(env)
    assert main(["learn", "--root", str(env), "--out", out, *QUICK]) == 2
    err = capsys.readouterr().err
    assert f"argument --out: {env / out}" in err and message in err
    assert "Traceback" not in err
    assert fake_github.count() == 0  # nothing fetched, nothing trained
    assert not (env / "no").exists()


def test_the_default_out_creates_github_in_the_checkout(
    env: Path, fake_github: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(fake_github)
    assert not (env / ".github").exists()
    assert main(["learn", "--root", str(env), *QUICK]) == 0
    assert json.loads(capsys.readouterr().out)["model"] == str(
        env / ".github/foreman-model.json.gz"
    )
    assert Classifier.load(env / ".github" / "foreman-model.json.gz").labels == ["bug", "feature"]


def test_a_failed_write_is_a_usage_error_and_keeps_the_old_model(
    env: Path,
    fake_github: FakeGitHub,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import errno
    import os

    _seed(fake_github)
    old = env / "m.json.gz"
    old.write_bytes(b"the model learned yesterday")

    def disk_full(_model: object, path: Path) -> None:
        path.write_bytes(b"half a mod")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr("foreman.classifier.model.save", disk_full)
    assert main(["learn", "--root", str(env), "--out", "m.json.gz", *QUICK]) == 2
    err = capsys.readouterr().err
    assert f"cannot write {old}: No space left on device" in err and "Traceback" not in err
    assert old.read_bytes() == b"the model learned yesterday"
    assert sorted(p.name for p in env.iterdir()) == ["m.json.gz"]  # no temporary file left


def test_a_missing_repository_is_named(
    env: Path, fake_github: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    _seed(fake_github)
    assert main(["learn", "--root", str(env), "--repo", "octo/nonexistent"]) == 5
    err = capsys.readouterr().err
    assert "repository octo/nonexistent was not found, or this token cannot read it" in err
    assert "404" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("/", "the owner '' is not a GitHub account name"),
        ("../x", "the owner '..' is not a GitHub account name"),
        ("octo/..", "the name '..' is not a GitHub repository name"),
        ("octo/.", "the name '.' is not a GitHub repository name"),
        ("octo/", "the name '' is not"),
        ("-octo/demo", "the owner '-octo'"),
        ("oct o/demo", "the owner 'oct o'"),
        ("octo/dé", "the name 'dé'"),
        ("octo/demo?x=1", "the name 'demo?x=1'"),
        ("octo/demo/issues", "expected owner/name, got 'octo/demo/issues'"),
        ("octo", "expected owner/name, got 'octo'"),
        ("", "expected owner/name, got ''"),
        ("a" * 101 + "/demo", "is not a GitHub account name"),
        ("octo/" + "n" * 101, "is not a GitHub repository name"),
    ],
)
def test_a_repository_github_cannot_have_is_an_argument_error(
    env: Path,
    fake_github: FakeGitHub,
    capsys: pytest.CaptureFixture[str],
    value: str,
    message: str,
) -> None:
    assert main(["learn", "--root", str(env), f"--repo={value}"]) == 2
    err = capsys.readouterr().err
    assert "argument --repo: " in err and message in err and "Traceback" not in err
    assert fake_github.count() == 0


def test_a_bad_github_repository_variable_is_a_usage_error(
    env: Path,
    fake_github: FakeGitHub,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GITHUB_REPOSITORY", "../x")
    assert main(["learn", "--root", str(env)]) == 2
    err = capsys.readouterr().err
    assert "GITHUB_REPOSITORY: '../x': the owner '..'" in err and "Traceback" not in err
    assert fake_github.count() == 0


@pytest.mark.parametrize("value", ["octo/demo", "my-org/repo_name.js", "A1/.github", "x/a..b"])
def test_real_repository_names_are_accepted(value: str) -> None:
    from foreman.commands.learn import repository

    assert repository(value) == value


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_learn_shows_progress_on_a_terminal(
    env: Path,
    fake_github: FakeGitHub,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for i in range(10):
        fake_github.add_issue(REPO, f"crash {i}", "Traceback", labels=["bug"], state="closed")
        fake_github.add_issue(REPO, f"add {i}", "feature", labels=["enhancement"], state="closed")
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["learn", "--root", str(env), "--out", "m.json.gz", "--folds", "2"]) == 0
    assert json.loads(capsys.readouterr().out)["rows"] == 20
    lines = [line for line in terminal.getvalue().split("\r\x1b[K") if line]
    assert lines == [
        "reading closed issues: 0 read, 0 labelled",
        "fold 1/2: training on 10 issues",
        "fold 2/2: training on 10 issues",
        "training the model on 20 issues",
    ]
