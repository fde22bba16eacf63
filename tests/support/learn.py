"""A repository's history of labelled issues, written the way one project writes them.

The project ("gridkit") has its own templates and words: its bug reports say "the grid
flickers", its feature requests "a knob for ...", its questions "in the gridkit forum
style". The shipped model has never seen them and abstains on many; a model that learned
the project decides them. Deterministic (seeded), so the tests' numbers do not move.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from foreman.classifier.model import save
from foreman.classifier.train import train
from tests.fakes.github.server import FakeGitHub

EVENTS = Path(__file__).resolve().parents[2] / "workflows-examples" / "events"

PARTS = ["grid", "tile", "layer", "cell", "pane", "ruler", "axis", "legend", "marker", "band"]
BUG = (
    "{p} flickers on resize",
    "{p} goes blank after undo",
    "{p} draws twice in the overview",
    "{p} stutters when the palette reloads",
)
BUG_BODY = (
    "### Gridkit build\n{v}\n### What flickers\nThe {p} flickers and goes blank.\n"
    "### Last good build\n{w}\n"
)
FEATURE = (
    "knob for {p} spacing",
    "a knob to pin the {p}",
    "{p} presets in the knob panel",
    "let the knob panel hide the {p}",
)
FEATURE_BODY = (
    "### Knob wanted\nA knob for the {p} would let us tune it.\n### Who turns it\nlayout folks\n"
)
QUESTION = (
    "gridkit forum: {p} and snapping",
    "gridkit forum: {p} units",
    "gridkit forum: where does the {p} live",
    "gridkit forum: {p} in print mode",
)
QUESTION_BODY = "### Forum thread\nFrom the forum: the {p}, snapping and units, in print mode.\n"
TEMPLATES = {
    "bug": (BUG, BUG_BODY),
    "enhancement": (FEATURE, FEATURE_BODY),
    "question": (QUESTION, QUESTION_BODY),
}
START = datetime(2025, 1, 1, tzinfo=UTC)


def issue_text(label: str, rng: random.Random) -> tuple[str, str]:
    titles, body = TEMPLATES[label]
    p = rng.choice(PARTS)
    v = f"{rng.randint(1, 9)}.{rng.randint(0, 30)}"
    w = f"{rng.randint(1, 9)}.{rng.randint(0, 30)}"
    return rng.choice(titles).format(p=p), body.format(p=p, v=v, w=w)


def seed_history(fake: FakeGitHub, repo: str, n: int, *, seed: int = 0) -> None:
    """``n`` closed issues, labelled by people, one a day, the three kinds in turn."""
    rng = random.Random(seed)
    labels = list(TEMPLATES)
    for i in range(n):
        label = labels[i % 3]
        title, body = issue_text(label, rng)
        when = (START + timedelta(days=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        fake.add_issue(repo, title, body, labels=[label], state="closed", created_at=when)


def seed_opening_labels(fake: FakeGitHub, repo: str, n: int = 120) -> None:
    """seed_history's ``n`` issues, each filed with a label (a ``labeled`` event by its
    author at its creation, as GitHub records an issue form's ``labels:``): bugs with
    ``bug``, all kept; features with ``enhancement``, and every other question too, which a
    maintainer relabelled ``question`` a day later; the remaining questions with
    ``question``, kept. At 120: bug 40 of 40 held, feature 40 of 60 (67 %), question 20 of
    20. A bot's label within the minute (a labeler workflow) is not an opening label."""
    seed_history(fake, repo, n)
    event = fake.add_label_event

    def iso(when: datetime) -> str:
        return when.strftime("%Y-%m-%dT%H:%M:%SZ")

    for number in range(1, n + 1):
        kind = list(TEMPLATES)[(number - 1) % 3]
        opened = START + timedelta(days=number - 1)
        if kind == "question" and number % 2 == 0:
            event(repo, number, "labeled", "enhancement", "alice", iso(opened))
            later = iso(opened + timedelta(days=1))
            event(repo, number, "unlabeled", "enhancement", "maintainer", later)
            event(repo, number, "labeled", "question", "maintainer", later)
        else:
            event(repo, number, "labeled", kind, "alice", iso(opened))
        if kind == "bug":
            soon = iso(opened + timedelta(seconds=20))
            event(repo, number, "labeled", "question", "labeler[bot]", soon)


NEW_BUG = (
    "ruler flickers on resize",
    "### Gridkit build\n4.12\n### What flickers\nThe ruler flickers and goes blank.\n"
    "### Last good build\n4.9\n",
)


def earlier_model(path: Path, repo: str, learned_at: str, *, wrong: bool = False) -> None:
    """A model the learn job wrote before, for ``repo`` on ``learned_at``: fitted on 30 of
    the project's issues (``wrong``: with every label rotated, so it is confidently wrong)."""
    rng = random.Random(7)
    names = {"bug": "bug", "enhancement": "feature", "question": "question"}
    turn = {"bug": "feature", "feature": "question", "question": "bug"}
    rows = []
    for i in range(30):
        kind = list(names)[i % 3]
        label = turn[names[kind]] if wrong else names[kind]
        rows.append((*issue_text(kind, rng), label))
    model = train(rows, epochs=4, threshold=0.0 if wrong else 0.5)
    model.meta.update({"repository": repo, "learned_at": learned_at, "own_rows": 30})
    save(model, path)


def learn_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake: FakeGitHub, repo: str) -> Path:
    """The learn job's environment against ``fake`` (read token, ``repo``, the default
    branch, a step summary file in ``tmp_path``): ``tmp_path``, the root to run in."""
    monkeypatch.setenv("GITHUB_TOKEN", fake.read_token)
    monkeypatch.setenv("GITHUB_API_URL", fake.url)
    monkeypatch.setenv("GITHUB_REPOSITORY", repo)
    monkeypatch.setenv("GITHUB_REF", "refs/heads/main")
    monkeypatch.setenv("FOREMAN_GITHUB_THROTTLE", "0")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    return tmp_path


def plan_learned(
    root: Path,
    title: str,
    body: str,
    *,
    labels: Sequence[str] = (),
    action: str = "opened",
) -> dict[str, Any]:
    """``foreman plan`` on an issue event (``action``, with ``labels``) in ``root``, with the
    learned model ``root/m.json.gz``: the plan written."""
    from foreman.cli import main

    data = json.loads((EVENTS / "issue-bug.json").read_text())
    data["action"] = action
    data["issue"]["title"], data["issue"]["body"] = title, body
    data["issue"]["labels"] = [{"name": x} for x in labels]
    event, out = root / "event.json", root / "plan.json"
    event.write_text(json.dumps(data))
    argv = ["plan", "--event", str(event), "--event-name", "issues", "--root", str(root)]
    assert main([*argv, "--learned-model", str(root / "m.json.gz"), "--output", str(out)]) == 0
    plan: dict[str, Any] = json.loads(out.read_text())
    return plan
