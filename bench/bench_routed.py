"""Out of the box, by class or by worker (issue #23, third round): the shipped model on a
project it has never seen, deciding the worker where no class is sure.

Leave-one-repository-out on ``issues_train.csv``, as :mod:`bench.bench_unseen`: for each of
the five projects, a model fitted on the other four scores all of its issues. The default
``routing.classifier.classes`` (bug -> debug, feature and question -> triage). Per project,
both thresholds are chosen on the *other* four projects' predictions (the class threshold
at 90 % precision, then the worker threshold at 90 % to the right worker,
:mod:`foreman.classifier.routes`) and applied to this one:

* ``by class``: decided by the class threshold alone, and the precision of those;
* ``by class or worker``: decided by either (one worker threshold for every worker, as the
  shipped model has), and the share sent to the right worker;
* ``each worker's own``: the same with a threshold per worker, each chosen for 90 % of its
  own decisions (as the learn job chooses them on a repository's issues);
* ``best``: coverage at 90 % with the best threshold for this project itself, by class and
  by worker (bounds no threshold chosen elsewhere reaches).

    uv run python -m bench.bench_routed [--cache /tmp/foreman-routed]

The five fits are cached (class probabilities). Skipped without ../shared.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.bench_unseen import CSV_PATH, cache_dir
from foreman.classifier.adapt import RoutedRows
from foreman.classifier.evaluate import NEVER, coverage_at
from foreman.classifier.rows import read_rows
from foreman.classifier.train import train
from foreman.config.models import ClassifierConfig

GROUPS = ClassifierConfig().classes


def probabilities(cache: Path) -> dict[str, tuple[list[str], list[tuple[str, list[float]]]]]:
    """Per project: the model's labels and (gold, class probabilities) of each of its issues,
    from the model fitted on the other projects."""
    rows, repos = read_rows(CSV_PATH)
    out: dict[str, tuple[list[str], list[tuple[str, list[float]]]]] = {}
    for repo in sorted(set(repos)):
        key = cache / f"{repo.replace('/', '+')}.json"
        if not key.is_file():
            model = train([r for r, g in zip(rows, repos, strict=True) if g != repo])
            scored = [
                (gold, model.proba(title, body))
                for (title, body, gold), g in zip(rows, repos, strict=True)
                if g == repo
            ]
            key.write_text(json.dumps({"labels": list(model.labels), "scored": scored}))
        data = json.loads(key.read_text())
        out[repo] = (data["labels"], [(g, p) for g, p in data["scored"]])
        print(f"{repo}: {len(out[repo][1])} issues", file=sys.stderr)
    return out


def _share(decided: Sequence[bool], right: Sequence[bool]) -> tuple[float, float, int, int]:
    n = sum(decided)
    hits = sum(r for r, d in zip(right, decided, strict=True) if d)
    return n / len(decided), hits / n if n else 0.0, n, hits


def evaluate(
    probs: dict[str, tuple[list[str], list[tuple[str, list[float]]]]],
) -> dict[str, Any]:
    routed = {repo: RoutedRows.of(labels, rows, GROUPS) for repo, (labels, rows) in probs.items()}
    out: dict[str, Any] = {}
    for repo, own in routed.items():
        others = RoutedRows()
        for name, r in routed.items():
            if name != repo:
                others = others + r
        correct = [g == p for g, p in zip(others.gold, others.pred, strict=True)]
        cov, t = coverage_at(others.conf, correct, 0.9)
        t_class = t if cov > 0 else NEVER
        t_worker = others.worker_threshold(t_class, GROUPS)
        each = others.worker_thresholds(t_class, GROUPS)
        own_correct = [g == p for g, p in zip(own.gold, own.pred, strict=True)]
        by_class = _share([c >= t_class for c in own.conf], own_correct)
        one = dict.fromkeys(each, t_worker)
        either = _share(*own.decisions(t_class, GROUPS, one))
        right_worker = [w == g for w, g in zip(own.worker, own.gold_worker, strict=True)]
        out[repo] = {
            "thresholds": [round(t_class, 4), round(t_worker, 4)],
            "by_class": list(by_class),
            "by_class_or_worker": list(either),
            "each_worker": list(_share(*own.decisions(t_class, GROUPS, each))),
            "best_class": coverage_at(own.conf, own_correct, 0.9)[0],
            "best_worker": coverage_at(own.worker_conf, right_worker, 0.9)[0],
            "rows": len(own.gold),
        }
    return out


def table(result: dict[str, Any]) -> str:
    lines = [
        "| unseen project | thresholds (class, worker) | by class: decided / precision"
        " | by class or worker: decided / to the right worker | each worker's own"
        " | best at 90 %: class / worker |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for repo, r in result.items():
        c, e = r["by_class"], r["by_class_or_worker"]
        lines.append(
            f"| {repo} | {r['thresholds'][0]:.3f}, {r['thresholds'][1]:.3f}"
            f" | {c[0]:.1%} / {c[1]:.1%} | {e[0]:.1%} / {e[1]:.1%}"
            f" | {r['each_worker'][0]:.1%} / {r['each_worker'][1]:.1%}"
            f" | {r['best_class']:.1%} / {r['best_worker']:.1%} |"
        )
    k = len(result)
    rows = sum(r["rows"] for r in result.values())

    def pooled(key: str) -> str:
        n = sum(r[key][2] for r in result.values())
        hits = sum(r[key][3] for r in result.values())
        return f"{n / rows:.1%} / {hits / n if n else 0.0:.1%}"

    best_c = sum(r["best_class"] for r in result.values()) / k
    best_w = sum(r["best_worker"] for r in result.values()) / k
    lines.append(
        f"| all ({rows} issues, pooled; best: mean) | | {pooled('by_class')}"
        f" | {pooled('by_class_or_worker')} | {pooled('each_worker')}"
        f" | {best_c:.1%} / {best_w:.1%} |"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    cache = cache_dir(argv, __doc__, "/tmp/foreman-routed")
    if cache is None:
        return 0
    result = evaluate(probabilities(cache))
    print(table(result))
    print(json.dumps(result, indent=1), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
