"""The rules every tracker shares (issue #23, item 4): what fires, what must not, and how the
router's classifier layer names the rule that decided."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from foreman.classifier.shared_rules import BODY_CHARS, RULES, decide
from foreman.cli import main
from foreman.routing.classifier import Classifier

EVENTS = Path(__file__).resolve().parents[1] / "workflows-examples" / "events"

JS_TRACE = (
    "Uncaught TypeError: Cannot read properties of undefined\n"
    "    at Foo.render (webpack:///./src/Foo.js:12:5)\n"
    "    at new Promise (<anonymous>)\n"
)

FIRES = [
    # (rule name, title, body)
    ("a feature-request title", "Feature request: dark mode for the settings page", ""),
    ("a feature-request title", "feature: export to CSV", "Would help us."),
    ("a feature-request title", "RFC: a plugin API", ""),
    ("a feature-request title", "Proposal to drop Python 3.8", ""),
    (
        "the feature-request template",
        "Sidebar search",
        "**Is your feature request related to a problem? Please describe.**\nI can't find files.",
    ),
    ("the feature-request template", "Zoom", "## Describe the solution you'd like\nA zoom key."),
    ("a title marked as a question", "Question: how are hooks ordered?", ""),
    ("a title marked as a question", "[Question] Where is the config read?", ""),
    ("a title marked as a question", "Q: can I run it offline", ""),
    ("a JavaScript stack trace", "Crash when opening a modal", JS_TRACE),
    ("a JavaScript stack trace", "Blank page", "Error\n\tat index.mjs:1:20\n"),
]

MUST_NOT = [
    # (why, title, body)
    ("plain bug report", "Button does not render", "Steps to reproduce: click it."),
    ("bracket tags were below 90 % on two projects", "[Feature] export to CSV", ""),
    ("a word that only contains 'proposal'", "Counterproposals break the parser", ""),
    ("question mid-title is not a marker", "A question about the build", "How do I build it?"),
    ("'at' inside prose, no frame", "Crash", "It fails at startup (see main.js)."),
    ("a Python traceback is not a shared rule", "Crash", "Traceback (most recent call last):"),
    ("a frame not on a line of its own", "Crash", "log: at Foo (a.js:1:2) then more"),
    ("the trace beyond the bounded body", "Crash", "x" * BODY_CHARS + "\n" + JS_TRACE),
    # long near-misses: each pattern is linear in the bounded text (no nested repetition)
    ("a frame with no file", "Crash", ("    at " + "a." * 4_000 + "\n") * 3),
    ("a frame with many words", "Crash", "    at " + "w " * 4_000 + "(x.js:1\n"),
]


@pytest.mark.parametrize(("name", "title", "body"), FIRES)
def test_rule_fires(name: str, title: str, body: str) -> None:
    rule = decide(title, body)
    assert rule is not None and rule.name == name


@pytest.mark.parametrize(("why", "title", "body"), MUST_NOT)
def test_rule_does_not_fire(why: str, title: str, body: str) -> None:
    assert decide(title, body) is None, why


def test_trace_quoted_in_feature_request_stays_a_feature() -> None:
    rule = decide("Feature request: show the stack in the panel", JS_TRACE)
    assert rule is not None and rule.label == "feature"
    body = "**Is your feature request related to a problem?**\nWe see:\n" + JS_TRACE
    rule = decide("Better errors", body)
    assert rule is not None and rule.label == "feature"


def test_every_rule_has_a_label_the_shipped_model_knows() -> None:
    labels = set(Classifier.load().labels)
    assert {r.label for r in RULES} <= labels
    assert len({r.name for r in RULES}) == len(RULES)


def test_shipped_classifier_names_the_rule_that_decided() -> None:
    pred = Classifier.load().predict("Crash when opening a modal", JS_TRACE, evidence=3)
    assert pred.label == "bug"
    assert pred.confidence == 1.0
    assert pred.model == "the cross-tracker rule 'a JavaScript stack trace'"
    assert pred.evidence == ("a JavaScript stack trace",)
    assert pred.probabilities == {"bug": 1.0, "feature": 0.0, "question": 0.0}


def test_a_model_file_is_not_overruled_by_the_shared_rules() -> None:
    shipped = Classifier.load()
    own = Classifier(shipped.model, "the model learned for o/r")
    pred = own.predict("Crash when opening a modal", JS_TRACE)
    assert "rule" not in pred.model
    assert pred.confidence < 1.0


def test_the_plan_names_the_rule_in_the_task_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    event = json.loads((EVENTS / "issue-bug.json").read_text())
    event["issue"]["title"] = "Question: why does the modal render twice"
    event["issue"]["body"] = "I expected one render."
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event))
    argv = ["plan", "--event", str(path), "--root", str(tmp_path), "--format", "json"]
    assert main(argv) == 0
    (task,) = json.loads(capsys.readouterr().out)["tasks"]
    assert task["layer"] == "classifier"
    assert task["worker"] == "triage"  # question -> triage (the default classes)
    assert task["reason"] == (
        "classified as question (1.00) by the cross-tracker rule 'a title marked as a question'"
    )


def test_the_config_can_leave_the_model_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``routing.classifier.shared_rules: false``: the same issue goes to the model alone."""
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "foreman.yml").write_text(
        "version: 1\nrouting:\n  classifier:\n    shared_rules: false\n"
    )
    event = json.loads((EVENTS / "issue-bug.json").read_text())
    event["issue"]["title"] = "Question: why does the modal render twice"
    event["issue"]["body"] = "I expected one render."
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event))
    argv = ["plan", "--event", str(path), "--root", str(tmp_path), "--format", "json"]
    assert main(argv) == 0
    tasks = json.loads(capsys.readouterr().out)["tasks"]
    assert tasks and all("cross-tracker rule" not in t["reason"] for t in tasks)
