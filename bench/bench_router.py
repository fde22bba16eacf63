"""The embedded classifier on the shared issue dataset (../shared, optional).

* the share of issues it decides (does not abstain on) at its default
  threshold, with no rules: those never reach the LLM;
* ``foreman eval-router``: cross-validated macro-F1, coverage at 90 % precision, over all
  issues and with one model per repository (``--per-repo``, the published baselines' way);
* the time to import the classifier, load the shipped model and make the first prediction,
  in a fresh process;
* CPU instructions per prediction under valgrind (when installed): unlike the times, the same
  from run to run, so that a change of a few per cent can be told apart from the noise.

Each returns ``None`` plus a reason when the dataset or the classifier is missing.
"""

from __future__ import annotations

import csv
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.bench_proc import (
    PYTHON,
    BenchError,
    Stats,
    clean_env,
    foreman,
    instructions,
    module_exists,
    run,
)
from tests.support.sharedref import SHARED

CSV_PATH = SHARED / "datasets" / "issue-types" / "issues_train.csv"
CLASSIFIER = "foreman.routing.classifier"
EVAL_KEYS = ("macro_f1", "per_class", "coverage_at_90", "abstain_threshold", "ms_per_issue")
_LOAD = """\
import json, time
t0 = time.perf_counter()
from foreman.routing.classifier import Classifier
t1 = time.perf_counter()
c = Classifier.load(None)
t2 = time.perf_counter()
c.predict("Crash on start", "Traceback (most recent call last): ...")
t3 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "load": t2 - t1, "first": t3 - t2}))
"""

# Predicts the first N issues of the CSV after loading the model and folding it (the second
# prediction folds the whole vocabulary); run with N and with 0, the difference is what the N
# predictions cost.
_PREDICT = """\
import csv, sys
from foreman.routing.classifier import Classifier
csv.field_size_limit(1 << 24)
c = Classifier.load(None)
for _ in range(2):
    c.predict("Crash on start", "Traceback (most recent call last): ...")
with open(sys.argv[1], newline="", encoding="utf-8") as fh:
    rows = [r for _, r in zip(range(int(sys.argv[2])), csv.DictReader(fh))]
for r in rows[: int(sys.argv[3])]:
    c.predict(r["title"] or "", r["body"] or "")
"""


def classifier_missing() -> str | None:
    """Why the classifier cannot be imported here (another helper may not have written it)."""
    return None if module_exists(CLASSIFIER) else f"{CLASSIFIER} does not exist yet"


def missing(csv_path: Path = CSV_PATH, *, command: str | None = None) -> str | None:
    """Why the classifier measurements on the dataset cannot run here, or None."""
    if why := classifier_missing():
        return why
    if command is not None and not module_exists(f"foreman.commands.{command}"):
        return f"foreman.commands.{command} does not exist yet"
    if not csv_path.is_file():
        return f"dataset not found: {csv_path}"
    return None


def read_issues(csv_path: Path, limit: int | None = None) -> list[dict[str, str]]:
    csv.field_size_limit(1 << 24)
    with csv_path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return rows[:limit] if limit is not None else rows


def shipped_classifier() -> Any:
    """The shipped model, imported by name (the module may not exist yet: see
    :func:`classifier_missing`)."""
    import importlib

    return importlib.import_module(CLASSIFIER).Classifier.load(None)


@dataclass(frozen=True)
class Share:
    decided: int
    total: int
    by_label: dict[str, int]  # predicted label -> count (decided only)
    ms_per_issue: float

    @property
    def ratio(self) -> float:
        return self.decided / self.total if self.total else 0.0


def share_without_llm(csv_path: Path = CSV_PATH, limit: int | None = None) -> Share:
    """Issues the shipped classifier decides at its default threshold (what the plan does)."""
    classifier = shipped_classifier()
    rows = read_issues(csv_path, limit)
    by_label: dict[str, int] = {}
    started = time.perf_counter()
    for row in rows:
        pred = classifier.predict(row["title"] or "", row["body"] or "", min_confidence=None)
        if pred.label is not None:
            by_label[pred.label] = by_label.get(pred.label, 0) + 1
    elapsed = time.perf_counter() - started
    decided = sum(by_label.values())
    return Share(decided, len(rows), by_label, 1000 * elapsed / max(len(rows), 1))


@dataclass(frozen=True)
class Floor:
    """Per-issue prediction time, each issue's fastest of ``repeats`` runs (ms): the machine's
    noise (other processes, interrupts) taken out, which a single pass keeps in."""

    mean: float
    median: float
    p90: float
    repeats: int


def prediction_floor(
    csv_path: Path = CSV_PATH, repeats: int = 5, limit: int | None = None
) -> Floor:
    classifier = shipped_classifier()
    best: list[float] = []
    for row in read_issues(csv_path, limit):
        title, body = row["title"] or "", row["body"] or ""
        runs = []
        for _ in range(repeats):
            started = time.perf_counter()
            classifier.predict(title, body)
            runs.append(time.perf_counter() - started)
        best.append(1000 * min(runs))
    best.sort()
    mid = best[len(best) // 2] if best else 0.0
    p90 = best[min(len(best) - 1, int(0.9 * len(best)))] if best else 0.0
    return Floor(sum(best) / max(len(best), 1), mid, p90, repeats)


@dataclass(frozen=True)
class EvalResult:
    scores: dict[str, Any]  # eval-router's JSON
    seconds: float  # the command's wall time


def eval_router(csv_path: Path = CSV_PATH, folds: int = 5) -> EvalResult:
    argv = ["eval-router", "--data", str(csv_path), "--folds", str(folds), "--per-repo"]
    proc = foreman(*argv, env=clean_env())
    proc.check()
    try:
        scores = proc.json()
    except ValueError:  # tolerate a human-readable preamble: the JSON is the last line
        scores = json.loads(proc.stdout.strip().splitlines()[-1])
    absent = [k for k in EVAL_KEYS if k not in scores]
    if absent:
        raise BenchError(f"eval-router output lacks {absent}: {proc.stdout[:500]}")
    return EvalResult(scores, proc.seconds)


def model_load(runs: int) -> tuple[Stats, Stats, Stats]:
    """Import time, model load time and first prediction (which folds the weights once) of
    the classifier, each in a fresh process."""
    imports, loads, firsts = [], [], []
    for _ in range(runs):
        timing = run([PYTHON, "-c", _LOAD], env=clean_env()).check().json()
        imports.append(timing["import"])
        loads.append(timing["load"])
        firsts.append(timing["first"])
    return Stats.of(imports), Stats.of(loads), Stats.of(firsts)


@dataclass(frozen=True)
class Instructions:
    per_prediction: float
    issues: int


def prediction_instructions(csv_path: Path = CSV_PATH, limit: int = 300) -> Instructions:
    """Instructions per prediction over the CSV's first ``limit`` issues (valgrind's callgrind,
    two runs: ``limit`` predictions and none)."""
    script = [PYTHON, "-c", _PREDICT, str(csv_path), str(limit)]
    run([*script, "0"], env=clean_env()).check()  # writes the bytecode both runs then read
    full, empty = (instructions([*script, str(n)], env=clean_env()) for n in (limit, 0))
    return Instructions((full - empty) / limit, limit)
