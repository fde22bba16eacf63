"""A class unsure, its worker sure (issue #23): the learn job's threshold per worker, and the
plan deciding the worker without the LLM, through `foreman learn --combine` and `foreman plan`."""

from __future__ import annotations

import json
import random
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from foreman.classifier.adapt import OwnRow, RoutedRows, routed, score, worker_thresholds_for
from foreman.classifier.evaluate import NEVER
from foreman.classifier.model import save
from foreman.classifier.routes import by_worker, groups_for, worker_thresholds
from foreman.cli import main
from foreman.routing.classifier import Classifier
from tests.fakes.github.server import FakeGitHub
from tests.support.learn import PARTS, START, learn_env, plan_learned, seed_history
from tests.support.render import render

REPO = "octo/demo"
CLASSES = {"bug": "debug", "feature": "triage", "question": "triage"}
# Half a feature request, half a forum question: which class, nobody can say; triage's either way.
MIXED_TITLE = "gridkit forum: a knob for the {p}?"
MIXED_BODY = (
    "From the forum: the {p}, snapping and units, in print mode.\n"
    "A knob for the {p} would let us tune it.\n"
)


def seed_mixed(fake: FakeGitHub, repo: str, n: int) -> None:
    """``n`` such issues among seed_history's, every other day, labelled feature and
    question in turn (a person's label, as good as a coin)."""
    rng = random.Random(3)
    for i in range(n):
        p = rng.choice(PARTS)
        when = (START + timedelta(days=2 * i, hours=12)).strftime("%Y-%m-%dT%H:%M:%SZ")
        label = ("enhancement", "question")[i % 2]
        fake.add_issue(repo, MIXED_TITLE.format(p=p), MIXED_BODY.format(p=p),
                       labels=[label], state="closed", created_at=when)  # fmt: skip


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_github: FakeGitHub) -> Path:
    return learn_env(tmp_path, monkeypatch, fake_github, REPO)


def _plan(root: Path, title: str, body: str, config: str | None = None) -> dict[str, Any]:
    if config is not None:
        (root / ".github").mkdir(exist_ok=True)
        (root / ".github" / "foreman.yml").write_text(config)
    return plan_learned(root, title, body)


def test_the_worker_is_decided_where_the_class_is_not(
    env: Path,
    fake_github: FakeGitHub,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seed_history(fake_github, REPO, 120)
    seed_mixed(fake_github, REPO, 60)
    assert main(["learn", "--combine", "--root", str(env), "--out", "m.json.gz"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["model"] and set(out["worker_thresholds"]) == {"debug", "triage"}
    # The newest 45 issues: the class decides 80 % at 90 % precision (the mixed ones are a
    # coin toss); routed, every one goes to the right worker.
    assert out["after"]["coverage_at_90"] == pytest.approx(0.8, abs=0.05)
    assert (out["after"]["decided"], out["after"]["precision"]) == (1.0, 1.0)
    model = Classifier.load(env / "m.json.gz").model
    assert model.meta["worker_groups"] == CLASSES
    assert model.meta["worker_thresholds"]["triage"] == pytest.approx(
        out["worker_thresholds"]["triage"], abs=1e-4
    )
    shown = render((env / "summary.md").read_text())
    assert ["model", "decided without the LLM", "of those, to the right worker", "macro-F1"] in (
        shown.rows
    )
    assert "it decides the worker once their summed probability reaches the worker's" in (
        shown.text
    )
    assert f"triage at {out['worker_thresholds']['triage']:.3f}" in shown.text

    monkeypatch.delenv("GITHUB_TOKEN")  # an issue event: the plan reads nothing
    # A part no issue named: nothing but the template words, half and half.
    title, body = MIXED_TITLE.format(p="compass"), MIXED_BODY.format(p="compass")
    (task,) = _plan(env, title, body)["tasks"]
    assert task["layer"] == "classifier" and task["worker"] == "triage"
    assert task["reason"].startswith("classified for triage (")
    assert "its class unsure (best guess " in task["reason"]
    assert f"by the model learned for {REPO} on " in task["reason"]
    assert task["confidence"] >= out["worker_thresholds"]["triage"]

    # Next week's learn run checks this model on the issues opened since, as it routes.
    model.meta["learned_at"] = "2025-03-31T00:00:00Z"  # as if learned then: 45 issues since
    save(model, env / "m.json.gz")
    monkeypatch.setenv("GITHUB_TOKEN", fake_github.read_token)
    assert main(["learn", "--combine", "--root", str(env), "--out", "m.json.gz"]) == 0
    since = json.loads(capsys.readouterr().out)["since_last"]
    assert since["rows"] == 45 and since["decided"] > 0.5 and since["precision"] >= 0.9
    shown = render((env / "summary.md").read_text()).text
    assert "on the 45 issues opened since" in shown and "precision (to the right worker)" in shown
    assert "More than 25 labelled issues between two learn runs" in shown  # 45 since
    monkeypatch.delenv("GITHUB_TOKEN")

    # Another mapping (question to docs): the threshold was not chosen for it; class alone.
    other = "version: 1\nrouting:\n  classifier:\n    classes: {bug: debug, feature: triage, question: docs}\n"  # noqa: E501
    plan = _plan(env, title, body, other)
    assert not any(t["layer"] == "classifier" for t in plan["tasks"])


def _rows(texts: list[tuple[str, str]]) -> list[OwnRow]:
    return [OwnRow(t, "", label, f"{i:04d}") for i, (t, label) in enumerate(texts)]


class _Fixed:
    """A model stand-in with fixed probabilities per title."""

    labels = ("bug", "feature", "question")

    def __init__(self, table: dict[str, list[float]]) -> None:
        self.table = table

    def proba(self, title: str, body: str) -> list[float]:
        return self.table[title]


def test_each_worker_threshold_is_chosen_on_the_newest_issues() -> None:
    table = {
        "sure bug": [0.97, 0.02, 0.01],
        "feature or question": [0.05, 0.5, 0.45],  # triage's at 0.95
        "bug or question": [0.5, 0.05, 0.45],  # triage's at 0.5: unsure of the worker too
    }
    model: Any = _Fixed(table)
    groups = groups_for(model.labels, CLASSES)
    rows = _rows([("sure bug", "bug")] * 5 + [("feature or question", "question")] * 5)
    wt = worker_thresholds_for(model, rows, 0.9, groups)
    # Debug's issues are all decided by their class: no sum to calibrate on, none by its sum.
    assert wt == {"debug": NEVER, "triage": pytest.approx(0.95)}
    s = score(model, rows, 0.9, groups, wt)
    assert (s.decided, s.precision) == (1.0, 1.0)
    assert score(model, rows, 0.9).decided == 0.5  # by class alone
    # The worker unsure as well, and wrong on half: below 90 % with any sum below 1.
    rows = _rows([("sure bug", "bug")] * 4 + [("bug or question", "bug")] * 2
                 + [("bug or question", "question")] * 2)  # fmt: skip
    assert worker_thresholds_for(model, rows, 0.9, groups)["triage"] == NEVER
    # Every row decided by its class: as sure as the class threshold.
    sure = worker_thresholds_for(model, _rows([("sure bug", "bug")] * 3), 0.9, groups)
    assert sure == {"debug": 0.9, "triage": 0.9}


def test_each_worker_is_right_on_its_own_decisions_not_on_their_average() -> None:
    """One threshold for all would be 90 % right on average and below it on debug's; each
    worker's own keeps both at 90 %."""
    model: Any = _Fixed(
        {
            "sure bug": [0.97, 0.02, 0.01],
            "feature or question": [0.05, 0.5, 0.45],  # triage's at 0.95
            "likely bug": [0.85, 0.1, 0.05],  # debug's at 0.85, right on half
        }
    )
    groups = groups_for(model.labels, CLASSES)
    rows = _rows([("sure bug", "bug")] * 20 + [("feature or question", "question")] * 20
                 + [("likely bug", "bug"), ("likely bug", "question")] * 3)  # fmt: skip
    r: RoutedRows = routed(model, rows, groups)
    one = r.worker_threshold(0.9, groups)
    assert one == pytest.approx(0.85)  # 43 of 46 right
    decided, right = r.decisions(0.9, groups, dict.fromkeys(("debug", "triage"), one))
    debug = [x for x, d, w in zip(right, decided, r.worker, strict=True) if d and w == "debug"]
    assert sum(debug) / len(debug) < 0.9  # 23 of 26
    each = r.worker_thresholds(0.9, groups)
    assert each == {"debug": NEVER, "triage": pytest.approx(0.95)}  # debug: by its class alone
    s = score(model, rows, 0.9, groups, each)
    assert (s.rows, s.decided, s.precision) == (46, pytest.approx(40 / 46), 1.0)


def test_worker_thresholds_hold_for_the_mapping_they_were_chosen_for() -> None:
    labels = ("bug", "feature", "question")
    groups = groups_for(labels, CLASSES)
    meta = {"worker_thresholds": {"debug": 0.9, "triage": 0.8}, "worker_groups": groups}
    assert worker_thresholds(meta, labels, CLASSES) == {"debug": 0.9, "triage": 0.8}
    assert worker_thresholds(meta, labels, {**CLASSES, "question": "docs"}) is None
    # One threshold for every worker (the shipped model, and models learned by earlier releases).
    old = {"worker_threshold": 0.8, "worker_groups": groups}
    assert worker_thresholds(old, labels, CLASSES) == {"debug": 0.8, "triage": 0.8}
    assert worker_thresholds({"worker_threshold": "0.8"}, labels, CLASSES) is None
    bad = {"worker_thresholds": {"triage": "high"}, "worker_groups": groups}
    assert worker_thresholds(bad, labels, CLASSES) is None
    assert by_worker(labels, [0.1, 0.5, 0.4], groups_for(labels, CLASSES)) == ("triage", 0.9)
