"""The embedded classifier and `foreman eval-router` on small synthetic data."""

from __future__ import annotations

import csv
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from foreman.classifier.evaluate import coverage_at, macro_f1
from foreman.classifier.explain import describe, evidence
from foreman.classifier.model import ModelError, save
from foreman.classifier.scoring import softmax
from foreman.classifier.terms import extract
from foreman.classifier.train import train
from foreman.classifier.vocabulary import vectorise
from foreman.cli import main
from foreman.routing.classifier import Classifier

BUG = ["crash when {x}", "TypeError in {x}", "{x} fails with traceback", "segfault on {x}"]
FEAT = ["add support for {x}", "feature request: {x}", "it would be nice to {x}", "allow {x}"]
QUES = ["how do I {x}?", "is it possible to {x}?", "question about {x}", "can I {x}?"]
BODY = {
    "bug": "Steps to reproduce:\n1. run it\n```\nTraceback (most recent call last):\nError\n```",
    "feature": "It would be great if the tool could do this. Proposal: a new option.",
    "question": "I could not find it in the docs. How can I do this? Thanks for any help?",
}
THINGS = [
    "parsing yaml",
    "exporting csv",
    "loading plugins",
    "the cli",
    "dark mode",
    "retries",
    "large files",
    "windows paths",
    "the api",
    "config reload",
]


def rows(n_per: int = 30, seed: int = 1) -> list[tuple[str, str, str]]:
    rng = random.Random(seed)
    out = []
    for label, titles in (("bug", BUG), ("feature", FEAT), ("question", QUES)):
        for _ in range(n_per):
            out.append((rng.choice(titles).format(x=rng.choice(THINGS)), BODY[label], label))
    rng.shuffle(out)
    return out


def write_csv(path: Path, data: list[tuple[str, str, str]]) -> Path:
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["repo", "title", "body", "label"])
        for i, (t, b, label) in enumerate(data):
            w.writerow([f"r{i % 2}", t, b, label])
    return path


@pytest.fixture(scope="module")
def model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("m") / "model.json.gz"
    save(train(rows(), epochs=5, threshold=0.5), path)
    return path


def test_round_trip_and_predict(model_path: Path) -> None:
    clf = Classifier.load(model_path)
    assert clf.labels == ["bug", "feature", "question"]
    assert clf.predict("crash when loading plugins", BODY["bug"]).label == "bug"
    assert clf.predict("how do I use the cli?", BODY["question"]).label == "question"
    p = clf.predict("add support for retries", BODY["feature"])
    assert p.label == "feature" and abs(sum(p.probabilities.values()) - 1) < 1e-9


def test_evidence_names_what_favours_the_label(model_path: Path) -> None:
    clf = Classifier.load(model_path)
    plain = clf.predict("crash when loading plugins", BODY["bug"])
    p = clf.predict("crash when loading plugins", BODY["bug"], evidence=3)
    assert plain.evidence == () and p.probabilities == plain.probabilities
    assert p.label == "bug" and 1 <= len(p.evidence) <= 3
    assert len(set(p.evidence)) == len(p.evidence)
    # Each item is a term of this issue that moves the score towards bug, not away from it.
    model = clf.model
    counts = model.counts("crash when loading plugins", BODY["bug"])
    assert clf.predict("how do I use the cli?", BODY["question"], evidence=2).evidence != p.evidence
    assert evidence(model, counts, "bug", top=1) == list(p.evidence[:1])
    assert evidence(model, counts, "bug", top=0) == []
    # An abstention explains its best guess.
    unsure = clf.predict("crash when loading plugins", BODY["bug"], min_confidence=1.0, evidence=3)
    assert unsure.label is None and unsure.evidence == p.evidence


def test_evidence_of_a_label_is_what_moves_its_score_above_the_runner_up(
    model_path: Path,
) -> None:
    model = Classifier.load(model_path).model
    title, body = "crash when loading plugins", BODY["bug"]
    idx, val = vectorise(extract(title, body, model.features), model.vocab, model.features.weights)
    scores = [
        b + sum(w[i] * v for i, v in zip(idx, val, strict=True))
        for w, b in zip(model.weights, model.bias, strict=True)
    ]
    k = model.labels.index("bug")
    runner = max((c for c in range(len(scores)) if c != k), key=scores.__getitem__)
    push: dict[str, float] = {}  # description -> its strongest term's push towards bug
    for i, v in zip(idx, val, strict=True):
        text = describe(*model.vocab.name(i))
        if text is not None:
            amount = v * (model.weights[k][i] - model.weights[runner][i])
            push[text] = max(push.get(text, amount), amount)
    shown = evidence(model, model.counts(title, body), "bug", top=50)
    assert shown and all(push[text] > 0 for text in shown)
    assert [push[t] for t in shown] == sorted((push[t] for t in shown), reverse=True)
    assert push[shown[0]] == max(push.values())  # what pushes hardest comes first


def test_abstains_below_threshold(model_path: Path) -> None:
    clf = Classifier.load(model_path)
    p = clf.predict("zzz", "", min_confidence=0.99)
    assert p.label is None and p.confidence < 0.99


@pytest.mark.parametrize(
    ("title", "body"),
    [
        ("crash when loading plugins", BODY["bug"]),
        ("how do I use the cli?", BODY["question"] * 40),  # counts past the tf table
        ("docs " * 200, "docs " * 700),  # a known term counted past the tf table (255)
        ("", ""),
    ],
)
@pytest.mark.parametrize("which", ["trained here", "shipped"])
def test_prediction_path_matches_training_vectors(
    model_path: Path, title: str, body: str, which: str
) -> None:
    """``IssueModel.proba`` (streamed look-ups, folded weights) equals the textbook computation on
    the training side's vector: softmax(bias + weights . vectorise(extract())); the first
    prediction folds only the issue's terms, the second the whole vocabulary."""
    model = Classifier.load(model_path if which == "trained here" else None).model
    idx, val = vectorise(extract(title, body, model.features), model.vocab, model.features.weights)
    scores = [
        b + sum(w[i] * v for i, v in zip(idx, val, strict=True))
        for w, b in zip(model.weights, model.bias, strict=True)
    ]
    expected = pytest.approx(softmax(scores), rel=1e-9, abs=1e-12)
    assert model.proba(title, body) == expected
    assert "_folded" not in model.__dict__  # the one-issue fold
    assert model.proba(title, body) == expected
    assert "_folded" in model.__dict__


def test_training_is_deterministic() -> None:
    a, b = train(rows(), epochs=3, seed=4), train(rows(), epochs=3, seed=4)
    assert a.weights == b.weights and a.bias == b.bias


def test_corrupt_model_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "m.json"
    bad.write_text("{not json")
    with pytest.raises(ModelError, match="cannot read the model"):
        Classifier.load(bad)
    bad.write_text(json.dumps({"format": "agent-foreman-classifier", "version": 99}))
    with pytest.raises(ModelError, match="version 99"):
        Classifier.load(bad)


def test_a_vocabulary_term_that_is_not_a_string_is_a_clear_error(
    tmp_path: Path, model_path: Path
) -> None:
    import gzip

    data = json.loads(gzip.decompress(model_path.read_bytes()))
    data["vocabulary"]["W"][0] = 7
    bad = tmp_path / "m.json"
    bad.write_text(json.dumps(data))
    with pytest.raises(ModelError, match="block 'W' holds a term that is not a string"):
        Classifier.load(bad)


def test_metrics() -> None:
    f1, per = macro_f1(["a", "a", "b", "b"], ["a", "b", "b", "b"], ["a", "b"])
    assert per["a"] == {"precision": 1.0, "recall": 0.5, "f1": 0.6667} and round(f1, 3) == 0.733
    cov, thr = coverage_at([0.9, 0.8, 0.7, 0.6], [True, True, False, False], 0.9)
    assert (cov, thr) == (0.5, 0.8)


def test_shipped_model_loads_without_numpy_or_sklearn() -> None:
    code = (
        "import sys\nfrom foreman.routing.classifier import Classifier\n"
        "c = Classifier.load()\n"
        "print(c.predict('crash on start', 'Traceback', min_confidence=0.0).label)\n"
        "print(sorted(m for m in ('numpy', 'sklearn', 'scipy') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout.split("\n")
    assert out[0] == "bug" and out[1] == "[]"


def test_eval_router_cv_prints_the_release_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = write_csv(tmp_path / "d.csv", rows(12))
    assert main(["eval-router", "--data", str(data), "--folds", "3", "--group-by-repo"]) == 0
    out = json.loads(capsys.readouterr().out)
    for key in ("macro_f1", "per_class", "coverage_at_90", "abstain_threshold", "ms_per_issue"):
        assert key in out
    assert out["folds"] == 3 and out["macro_f1"] > 0.8 and out["grouped_by_repo"]["folds"] == 2


def test_eval_router_scores_a_model_file(
    tmp_path: Path, model_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = write_csv(tmp_path / "d.csv", rows(5, seed=9))
    assert main(["eval-router", "--data", str(data), "--model", str(model_path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["folds"] == 0 and out["rows"] == 15 and out["macro_f1"] > 0.8


@pytest.mark.parametrize(
    ("content", "message"),
    [("title,body\nx,y\n", "lacks column(s) label"), ("title,body,label\nx,y,\n", "empty label")],
)
def test_eval_router_bad_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content)
    assert main(["eval-router", "--data", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err and str(path) in err and "Traceback" not in err


def test_eval_router_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval-router", "--data", str(tmp_path / "none.csv")]) == 2
