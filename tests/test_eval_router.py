"""`foreman eval-router`: the JSON it prints and the errors it reports (tiny synthetic CSVs)."""

from __future__ import annotations

import csv
import io
import json
import random
import sys
from pathlib import Path

import pytest

from foreman.classifier.evaluate import cross_validate
from foreman.classifier.model import save
from foreman.classifier.train import train
from foreman.cli import main
from foreman.errors import UsageError

RELEASE_KEYS = ("macro_f1", "per_class", "coverage_at_90", "abstain_threshold", "ms_per_issue")
TITLES = {
    "bug": ["crash in {x}", "{x} throws TypeError", "segfault when {x}"],
    "feature": ["add support for {x}", "feature request: {x}", "it would be nice to {x}"],
    "question": ["how do I {x}?", "is it possible to {x}?", "question: {x}?"],
}
BODIES = {
    "bug": "Steps to reproduce:\n1. run\n```\nTraceback (most recent call last):\nValueError\n```",
    "feature": "Is your feature request related to a problem? Proposal: a new option.",
    "question": "I read the docs but could not find it. How can I do this? Thanks!",
}
THINGS = ["yaml", "csv export", "plugins", "the cli", "dark mode", "retries", "paths"]


def rows(n_per: int, seed: int = 3) -> list[tuple[str, str, str, str]]:
    """(repo, title, body, label) with two repos, shuffled."""
    rng = random.Random(seed)
    out = [
        (
            f"o/r{i % 2}",
            rng.choice(TITLES[label]).format(x=rng.choice(THINGS)),
            BODIES[label],
            label,
        )
        for label in TITLES
        for i in range(n_per)
    ]
    rng.shuffle(out)
    return out


def write(path: Path, data: list[tuple[str, str, str, str]], header: tuple[str, ...]) -> Path:
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for repo, title, body, label in data:
            record = {"repo": repo, "title": title, "body": body, "label": label}
            writer.writerow([record[h] for h in header])
    return path


HEADER = ("repo", "title", "body", "label")


@pytest.fixture(scope="module")
def model_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("model") / "m.json.gz"
    save(train([(t, b, lab) for _, t, b, lab in rows(15)], epochs=4, threshold=0.5), path)
    return path


def run_json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    assert main(argv) == 0
    out: dict[str, object] = json.loads(capsys.readouterr().out)
    return out


def test_cv_json_has_the_release_keys_and_is_deterministic(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(write(tmp_path / "d.csv", rows(10), HEADER))
    argv = ["eval-router", "--data", data, "--folds", "2"]
    first = run_json(argv, capsys)
    for key in (*RELEASE_KEYS, "rows", "folds"):
        assert key in first, key
    assert first["rows"] == 30 and first["folds"] == 2
    assert set(first["per_class"]) == {"bug", "feature", "question"}  # type: ignore[arg-type]
    confusion = first["confusion"]
    assert isinstance(confusion, dict)
    assert sum(n for row in confusion.values() for n in row.values()) == 30
    second = run_json(argv, capsys)
    first.pop("ms_per_issue"), second.pop("ms_per_issue")
    assert first == second


def test_confusion_counts_every_row_by_true_and_predicted_label() -> None:
    from foreman.classifier.evaluate import _score

    gold = ["bug", "bug", "bug", "feature", "question"]
    pred = ["bug", "feature", "bug", "feature", "bug"]
    out = _score(gold, pred, [0.9] * 5, ["bug", "feature", "question"], 0.5)
    assert out["confusion"] == {
        "bug": {"bug": 2, "feature": 1, "question": 0},
        "feature": {"bug": 0, "feature": 1, "question": 0},
        "question": {"bug": 1, "feature": 0, "question": 0},
    }
    assert out["per_class"]["bug"]["precision"] == round(2 / 3, 4)


def test_scoring_a_model_file_with_a_chosen_threshold(
    tmp_path: Path, model_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(write(tmp_path / "d.csv", rows(4, seed=8), HEADER))
    argv = ["eval-router", "--data", data, "--model", str(model_file), "--min-confidence", "0.99"]
    out = run_json(argv, capsys)
    assert out["folds"] == 0 and out["rows"] == 12 and out["abstain_threshold"] == 0.99
    assert 0.0 <= out["decided_share"] <= 1.0  # type: ignore[operator]


def test_abstain_curve_is_the_decided_share_at_each_threshold() -> None:
    data = [(t, b, lab) for _, t, b, lab in rows(6, seed=5)]
    noisy = [(t, b, "bug" if i % 4 == 0 else lab) for i, (t, b, lab) in enumerate(data)]
    curve = cross_validate(noisy, 2, seed=1, threshold=0.7)
    points = curve["abstain_curve"]
    assert [p["min_confidence"] for p in points] == [0.5, 0.6, 0.7, 0.8, 0.9, 0.95]
    shares = [p["decided"] for p in points]
    assert shares == sorted(shares, reverse=True) and shares[0] > 0.0
    at_07 = next(p for p in points if p["min_confidence"] == 0.7)
    assert at_07["decided"] == curve["decided_share"]
    assert at_07["precision"] == curve["decided_precision"]


def test_group_by_repo_adds_leave_one_repo_out_numbers(
    tmp_path: Path, model_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(write(tmp_path / "d.csv", rows(8), HEADER))
    out = run_json(
        ["eval-router", "--data", data, "--model", str(model_file), "--group-by-repo"], capsys
    )
    grouped = out["grouped_by_repo"]
    assert isinstance(grouped, dict) and grouped["folds"] == 2 and "macro_f1" in grouped


def _without_time(result: object) -> dict[str, object]:
    assert isinstance(result, dict)
    return {k: v for k, v in result.items() if k != "ms_per_issue"}


def test_per_repo_cv_fits_one_model_per_repository_and_averages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = rows(12)
    path = str(write(tmp_path / "d.csv", data, HEADER))
    out = run_json(["eval-router", "--data", path, "--folds", "2", "--per-repo"], capsys)
    per = out["per_repo"]
    assert isinstance(per, dict) and per["repos"] == 2
    by_repo = per["by_repo"]
    assert sorted(by_repo) == ["o/r0", "o/r1"]
    for repo, result in by_repo.items():
        alone = [(t, b, lab) for r, t, b, lab in data if r == repo]
        assert result["rows"] == len(alone) == 18
        assert _without_time(result) == _without_time(cross_validate(alone, 2, seed=0))
    for key in ("macro_f1", "coverage_at_90"):
        mean = sum(r[key] for r in by_repo.values()) / 2
        assert per[key] == round(mean, 4)
    # the pooled CV is still the top level, over every row
    assert out["rows"] == 36 and out["folds"] == 2


def test_per_repo_scores_the_model_on_each_repositorys_rows(
    tmp_path: Path, model_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from foreman.classifier.evaluate import score_model
    from foreman.classifier.model import load

    data = rows(6, seed=11)
    path = str(write(tmp_path / "d.csv", data, HEADER))
    argv = ["eval-router", "--data", path, "--model", str(model_file), "--per-repo"]
    per = run_json(argv, capsys)["per_repo"]
    assert isinstance(per, dict)
    model = load(model_file)
    for repo in ("o/r0", "o/r1"):
        alone = [(t, b, lab) for r, t, b, lab in data if r == repo]
        expected = _without_time(score_model(model, alone))
        assert _without_time(per["by_repo"][repo]) == expected


def test_per_repo_names_the_repository_whose_rows_are_too_few(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = [*rows(6), ("o/tiny", "crash in yaml", BODIES["bug"], "bug")]
    path = write(tmp_path / "d.csv", data, HEADER)
    assert main(["eval-router", "--data", str(path), "--folds", "2", "--per-repo"]) == 2
    err = capsys.readouterr().err
    assert "repository 'o/tiny' (1 row(s)): --folds 2 is more than the 1 row(s)" in err
    assert str(path) in err and "Traceback" not in err


def test_unknown_label_names_the_file_and_line(
    tmp_path: Path, model_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = rows(3)
    data[4] = (data[4][0], data[4][1], data[4][2], "docs")
    path = write(tmp_path / "d.csv", data, HEADER)
    before = write(tmp_path / "head.csv", data[:4], HEADER).read_text().count("\n")
    assert main(["eval-router", "--data", str(path), "--model", str(model_file)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:{before + 1}:" in err  # the line the multi-line record starts on
    assert "unknown label 'docs'" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("argv_tail", "header", "message"),
    [
        (["--folds", "1"], HEADER, "--folds must be at least 2"),
        (["--folds", "2", "--group-by-repo"], ("title", "body", "label"), "'repo' column"),
        (["--folds", "2", "--per-repo"], ("title", "body", "label"), "--per-repo needs"),
    ],
)
def test_usage_errors_are_reported_without_traceback(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv_tail: list[str],
    header: tuple[str, ...],
    message: str,
) -> None:
    path = write(tmp_path / "d.csv", rows(4), header)
    assert main(["eval-router", "--data", str(path), *argv_tail]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("data", "folds", "message"),
    [
        ([("o/r", f"crash {i}", "boom", "bug") for i in range(4)], "2", "leaves only 'bug' (2)"),
        (
            [("o/r", "crash", "boom", "bug"), ("o/r", "how?", "", "question")],
            "2",
            "leaves only 'question' (1)",
        ),
    ],
)
def test_folds_that_leave_one_label_to_train_on_are_a_usage_error(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    data: list[tuple[str, str, str, str]],
    folds: str,
    message: str,
) -> None:
    path = write(tmp_path / "d.csv", data, HEADER)
    assert main(["eval-router", "--data", str(path), "--folds", folds]) == 2
    err = capsys.readouterr().err
    assert message in err and "add rows or use fewer folds" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("value", "message"), [("1.5", "must be between 0 and 1, got 1.5"), ("x", "not a number")]
)
def test_min_confidence_outside_zero_to_one_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str, message: str
) -> None:
    path = write(tmp_path / "d.csv", rows(2), HEADER)
    assert main(["eval-router", "--data", str(path), "--min-confidence", value]) == 2
    err = capsys.readouterr().err
    assert f"argument --min-confidence: {message}" in err


def test_a_single_group_is_a_usage_error() -> None:
    data = [(t, b, lab) for _, t, b, lab in rows(3)]
    with pytest.raises(UsageError, match="at least two groups"):
        cross_validate(data, 0, groups=["same"] * len(data))


def _no_training(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail fast if cross-validation gets as far as splitting or training (the old code made
    the k fold lists first: ``--folds 999999999999`` ran out of memory)."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("split or trained despite impossible --folds")

    monkeypatch.setattr("foreman.classifier.evaluate.folds", refuse)
    monkeypatch.setattr("foreman.classifier.evaluate.train", refuse)


@pytest.mark.parametrize(
    ("n_per", "folds"), [(4, "1000"), (4, "999999999999"), (4, "13"), (None, "5")]
)
def test_more_folds_than_rows_is_a_usage_error_before_any_training(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    n_per: int | None,
    folds: str,
) -> None:
    data = rows(n_per) if n_per else [("o/r", "crash", "boom", "bug")]
    path = write(tmp_path / "d.csv", data, HEADER)
    _no_training(monkeypatch)
    assert main(["eval-router", "--data", str(path), "--folds", folds]) == 2
    err = capsys.readouterr().err
    assert f"{path}: --folds {folds} is more than the {len(data)} row(s)" in err
    assert "use fewer folds" in err and "Traceback" not in err


def test_as_many_folds_as_rows_is_leave_one_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "d.csv", rows(2), HEADER)
    out = run_json(["eval-router", "--data", str(path), "--folds", "6"], capsys)
    assert out["rows"] == 6 and out["folds"] == 6


def test_a_byte_order_mark_is_dropped(
    tmp_path: Path, model_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = write(tmp_path / "plain.csv", rows(4, seed=8), ("title", "body", "label"))
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + plain.read_bytes())
    argv = ["eval-router", "--data", str(path), "--model", str(model_file)]
    with_bom = run_json(argv, capsys)
    without = run_json(["eval-router", "--data", str(plain), "--model", str(model_file)], capsys)
    assert with_bom["rows"] == 12
    with_bom.pop("ms_per_issue"), without.pop("ms_per_issue")
    assert with_bom == without


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_a_csv_that_is_not_utf8_names_the_line_and_byte(
    tmp_path: Path, model_file: Path, capsys: pytest.CaptureFixture[str], bom: bytes
) -> None:
    head = b'title,body,label\r\nfine,"two\nlines",bug\r\n'
    bad = b"caf\xe9 crashes,boom,bug\r\n"  # Latin-1, line 4 of the file
    path = tmp_path / "latin1.csv"
    path.write_bytes(bom + head + bad + b"ok,x,bug\r\n")
    assert main(["eval-router", "--data", str(path), "--model", str(model_file)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:4: CSV is not UTF-8 text: byte {len(bom + head) + 3} (0xe9)" in err
    assert "Traceback" not in err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_folds_show_progress_on_a_terminal_and_stay_silent_otherwise(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = str(write(tmp_path / "d.csv", rows(12), HEADER))
    argv = ["eval-router", "--data", path, "--folds", "2", "--per-repo", "--group-by-repo"]
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    shown = run_json(argv, capsys)
    lines = [line for line in terminal.getvalue().split("\r\x1b[K") if line]
    assert lines[:2] == ["all 36 rows: fold 1/2: training on 18 issues",
                         "all 36 rows: fold 2/2: training on 18 issues"]  # fmt: skip
    assert "repository 2/2: o/r1" in lines
    assert "repository 2/2: o/r1: fold 2/2: training on 9 issues" in lines
    assert "leave one repository out: fold 2/2: training on 18 issues" in lines
    assert terminal.getvalue().endswith("\r\x1b[K")  # the line is cleared at the end
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # not a terminal: nothing
    quiet = run_json(argv, capsys)
    for key in ("macro_f1", "per_repo", "grouped_by_repo"):
        assert json.dumps(quiet[key]).count("macro_f1") == json.dumps(shown[key]).count("macro_f1")
    assert quiet["macro_f1"] == shown["macro_f1"]
    assert sys.stderr.getvalue() == ""  # type: ignore[attr-defined]
