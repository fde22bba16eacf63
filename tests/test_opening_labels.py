"""Labels an issue is opened with (an issue form's ``labels:``) decide where this repository's
history says they hold (issue #23): measured by the learn job through FakeGitHub, used by
the plan through ``foreman plan``."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from foreman.classifier.model import save
from foreman.classifier.opening import MIN_CAME, Opening, classes_at_opening, trusted
from foreman.cli import main
from foreman.routing.classifier import Classifier
from tests.fakes.github.server import FakeGitHub
from tests.support.learn import learn_env, plan_learned, seed_opening_labels
from tests.support.render import render

REPO = "octo/demo"
MAPPING = {"bug": "bug", "enhancement": "feature", "question": "question"}
T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
# Words no gridkit issue uses: the learned model is unsure of it.
VAGUE = ("Something about the thing", "It does not do what I thought it would do.")


def _ev(kind: str, label: str, seconds: float, actor: str = "alice") -> Any:
    user = SimpleNamespace(login=actor, type="Bot" if actor.endswith("[bot]") else "User")
    when = (T0 + timedelta(seconds=seconds)).isoformat()
    return SimpleNamespace(
        event=kind, label=SimpleNamespace(name=label), actor=user, created_at=when
    )


def test_an_opening_label_is_a_persons_class_label_within_a_minute_of_creation() -> None:
    assert classes_at_opening([_ev("labeled", "Bug", 0)], T0, MAPPING) == {"bug"}
    assert classes_at_opening([_ev("labeled", "bug", 61)], T0, MAPPING) == set()  # later
    assert classes_at_opening([_ev("labeled", "bug", -61)], T0, MAPPING) == set()  # before?
    assert classes_at_opening([_ev("labeled", "bug", 1, "labeler[bot]")], T0, MAPPING) == set()
    assert classes_at_opening([_ev("labeled", "triage", 0)], T0, MAPPING) == set()  # no class
    taken_back = [_ev("labeled", "bug", 0), _ev("unlabeled", "bug", 30)]
    assert classes_at_opening(taken_back, T0, MAPPING) == set()
    both = [_ev("labeled", "bug", 0), _ev("labeled", "question", 0)]
    assert classes_at_opening(both, T0, MAPPING) == {"bug", "question"}


def test_a_class_is_trusted_from_20_issues_and_90_percent_held() -> None:
    opening = Opening()
    for i in range(MIN_CAME):
        opening.add({"bug"}, "bug" if i < 18 else "question")  # 18 of 20 held: 90 %
    for i in range(MIN_CAME):
        opening.add({"question"}, "question" if i < 17 else "bug")  # 17 of 20: 85 %
    for _ in range(MIN_CAME - 1):
        opening.add({"feature"}, "feature")  # all held, but 19
    opening.add({"bug", "feature"}, "bug")  # two at once: the author did not choose
    opening.add(set(), "bug")  # came unlabelled
    meta = {"opening_labels": opening.as_meta()}
    assert meta["opening_labels"]["checked"] == 3 * MIN_CAME + 1
    assert trusted(meta, "bug") == (18, 20)
    assert trusted(meta, "question") is None and trusted(meta, "feature") is None
    for broken in ({}, {"opening_labels": "x"}, {"opening_labels": {"classes": []}}):
        assert trusted(broken, "bug") is None
    lying = {"opening_labels": {"classes": {"bug": {"came": 20, "held": 25}}}}
    assert trusted(lying, "bug") is None


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_github: FakeGitHub) -> Path:
    return learn_env(tmp_path, monkeypatch, fake_github, REPO)


def _plan(
    root: Path,
    capsys: pytest.CaptureFixture[str],
    labels: list[str],
    action: str = "opened",
    text: tuple[str, str] = VAGUE,
) -> dict[str, Any]:
    plan = plan_learned(root, *text, labels=labels, action=action)
    capsys.readouterr()
    return plan


def test_the_learn_job_measures_opening_labels_and_the_plan_routes_by_the_ones_that_held(
    env: Path,
    fake_github: FakeGitHub,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seed_opening_labels(fake_github, REPO)
    assert main(["learn", "--combine", "--root", str(env), "--out", "m.json.gz"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["model"]
    expected = {
        "checked": 120,
        "classes": {
            "bug": {"came": 40, "held": 40},
            "feature": {"came": 60, "held": 40},
            "question": {"came": 20, "held": 20},
        },
    }
    assert out["opening_labels"] == expected
    assert Classifier.load(env / "m.json.gz").model.meta["opening_labels"] == expected
    shown = render((env / "summary.md").read_text())
    assert "the newest 120 labelled issues): 120 came with one class label" in shown.text
    assert shown.html.count("<li>") == 3  # a list, one class an item
    assert "bug: held on 40 of 40 (100%): the plan routes issues opened with it" in shown.text
    assert "feature: held on 40 of 60 (67%): below 90%, the classifier decides them" in shown.text
    assert "question: held on 20 of 20 (100%): the plan routes" in shown.text
    assert "not kept" not in shown.text  # a new model keeps them

    monkeypatch.delenv("GITHUB_TOKEN")  # an issue event: the plan reads nothing
    (task,) = _plan(env, capsys, ["bug"])["tasks"]
    assert task["layer"] == "classifier" and task["worker"] == "debug"
    assert task["reason"] == (
        "classified as bug (1.00) by the label 'bug' it was opened with (of the 40 issues"
        " opened with a bug label here, 40 kept it)"
    )
    (task,) = _plan(env, capsys, ["question", "good first issue"])["tasks"]
    assert (
        task["worker"] == "triage" and "the label 'question' it was opened with" in task["reason"]
    )

    # Honest limits: the same vague issue without a trusted label is the model's to decide,
    # and it is unsure; so is an issue opened with two class labels, or one being edited.
    for labels, action in (([], "opened"), (["enhancement"], "opened"),
                           (["bug", "question"], "opened"), (["bug"], "edited")):  # fmt: skip
        plan = _plan(env, capsys, labels, action)
        assert not any("opened with" in t["reason"] for t in plan["tasks"]), (labels, action)
        assert not any(t["layer"] == "classifier" for t in plan["tasks"]), (labels, action)
    assert plan["rest_calls"] == 0

    # The maintainer's switch.
    (env / ".github").mkdir()
    (env / ".github" / "foreman.yml").write_text(
        "version: 1\nrouting:\n  classifier:\n    opening_labels: false\n"
    )
    plan = _plan(env, capsys, ["bug"])
    assert not any(t["layer"] == "classifier" for t in plan["tasks"])


def test_reading_opening_labels_stops_before_the_rate_limit_reserve(
    env: Path, fake_github: FakeGitHub
) -> None:
    """One events request per issue: the reserve (RESERVE requests for everything else) is
    checked before each, not once per 100 issues as the listing's pages are."""
    from foreman.classifier.collect import RESERVE, collect
    from foreman.classifier.feedback import Feedback
    from foreman.config.models import ClassifierConfig
    from foreman.github.reads import Reader, is_pull_request
    from foreman.settings import Settings

    seed_opening_labels(fake_github, REPO)
    fake_github.set_rate_limit(RESERVE + 40)
    reader = Reader.from_settings(Settings.from_env().github, REPO)
    got = collect(
        reader,
        ClassifierConfig(),
        max_issues=1000,
        is_pull_request=is_pull_request,
        feedback=Feedback("foreman:handled", 14, datetime.now(UTC)),
    )
    assert got.stopped_early is not None and "rate limit low" in got.stopped_early
    assert fake_github.rate_limit_snapshot()["remaining"] >= RESERVE - 1
    assert 30 <= got.opening.checked <= 40  # what the budget allowed, all measured
    assert len(got.rows) == got.opening.checked


def test_with_no_new_model_the_counts_are_kept_with_the_model_the_plan_keeps(
    env: Path,
    fake_github: FakeGitHub,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A young repository (60 labelled issues, 100 needed for a model of its own) whose bug
    form's label held 20 of 20 times: the job writes a copy of the shipped model carrying the
    counts; the plan routes with it as with the shipped model (shared rules, no model name)
    and by the trusted label. With a model learned before, that model keeps routing and
    carries the new counts."""
    from foreman.classifier.learned import shipped_fingerprint
    from tests.support.learn import earlier_model

    seed_opening_labels(fake_github, REPO, 60)  # 20 bug (20 held), 20+10 feature, 10 question
    assert main(["learn", "--combine", "--root", str(env), "--out", "m.json.gz"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["model"] and out["message"] == (
        "not enough labelled issues yet (60 of 100 labelled by people): the shipped model"
        " stays in use (with the opening-label counts measured today)"
    )
    meta = Classifier.load(env / "m.json.gz").model.meta
    assert meta["shipped"] is True and meta["shipped_sha256"] == shipped_fingerprint()
    assert meta["opening_labels"]["classes"]["bug"] == {"came": 20, "held": 20}
    assert meta["repository"] == REPO and "own_rows" not in meta
    shown = render((env / "summary.md").read_text()).text
    assert "bug: held on 20 of 20 (100%): the plan routes" in shown and "not kept" not in shown

    token = fake_github.read_token
    monkeypatch.delenv("GITHUB_TOKEN")
    (task,) = _plan(env, capsys, ["bug"])["tasks"]
    assert task["reason"].startswith("classified as bug (1.00) by the label 'bug' it was opened")
    # Otherwise as the shipped model: the cross-tracker rules first, and no model named.
    feature = ("Feature request: export the grid", "It would be nice to export it.")
    (task,) = _plan(env, capsys, [], text=feature)["tasks"]
    assert task["reason"].startswith("classified as feature (1.00) by the cross-tracker rule")
    assert "learned for" not in task["reason"] and "shipped model" not in task["reason"]

    # A copy from another release is not used: the shipped model routes, the label does not.
    copy = Classifier.load(env / "m.json.gz").model
    copy.meta["shipped_sha256"] = "0" * 64
    save(copy, env / "m.json.gz")
    plan = _plan(env, capsys, ["bug"])
    assert not any("opened with" in t["reason"] for t in plan["tasks"])
    assert not any(t["worker"] == "debug" for t in plan["tasks"])

    # With a model learned before: it stays (learned_at and all), with today's counts.
    monkeypatch.setenv("GITHUB_TOKEN", token)
    earlier_model(env / "m.json.gz", REPO, "2025-02-14T12:00:00Z")
    assert main(["learn", "--combine", "--root", str(env), "--out", "m.json.gz"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["message"].endswith(
        f"the model learned for {REPO} on 2025-02-14 from 30 issues stays in use"
        " (with the opening-label counts measured today)"
    )
    meta = Classifier.load(env / "m.json.gz").model.meta
    assert meta["learned_at"] == "2025-02-14T12:00:00Z" and "shipped" not in meta
    assert meta["opening_labels"]["classes"]["bug"] == {"came": 20, "held": 20}
    monkeypatch.delenv("GITHUB_TOKEN")
    (task,) = _plan(env, capsys, ["bug"])["tasks"]
    assert "by the label 'bug' it was opened with" in task["reason"]


def test_the_counts_are_written_when_they_change_what_the_plan_trusts() -> None:
    from foreman.classifier.collect import Collected
    from foreman.classifier.learn_job import with_opening_counts
    from foreman.classifier.model import load

    def got(held: int) -> Collected:
        c = Collected()
        for i in range(MIN_CAME):
            c.opening.add({"bug"}, "bug" if i < held else "question")
        return c

    assert with_opening_counts(None, Collected(), REPO, "main") is None  # nothing read
    assert with_opening_counts(None, got(10), REPO, "main") is None  # nothing trusted
    copy = with_opening_counts(None, got(20), REPO, "main")
    assert copy is not None and trusted(copy.meta, "bug") == (20, 20)
    # Next week the bug form's label no longer holds: the trust is withdrawn in writing.
    again = with_opening_counts(copy, got(10), REPO, "main")
    assert again is not None and trusted(again.meta, "bug") is None
    learned = load()
    learned.meta.update({"repository": REPO, "learned_at": "2025-02-14T12:00:00Z"})
    assert with_opening_counts(learned, got(10), REPO, "main") is None  # no trust, before or now
