"""Does a threshold chosen on a project's past issues hold on its later ones? (issue #23)

The learning curve's split (:mod:`bench.bench_learning_curve`): each project's newest
``--held`` issues held back, the other four projects' rows as the shipped corpus, the
project's N most recent older issues as its own (weighted ``--weight``). Each way of choosing
the abstain threshold sees only those N issues; the table says what share of the held-back
issues it then decides and at what precision (pooled over the five projects), against the
90 % it was chosen for:

* ``newest slice`` (what the learn job does): fit on the older 75 %, the lowest confidence at
  which the newest 25 % (at least 30) are decided at >= 90 %;
* ``newest slice, 95 %``: the same, asking 95 % of the slice (a margin for drift);
* ``5-fold CV``: every own issue scored by a model fitted without it, one threshold at 90 %;
* ``5-fold CV, 95 %``; ``5-fold CV, per class`` (one threshold per predicted class, each
  at 90 %);
* ``stricter of slice and CV``: the higher of the first and third;
* ``best for the held-back issues``: the threshold only their labels could give (a bound).

    uv run python -m bench.bench_thresholds [--cache /tmp/foreman-thresholds] [--json out]

Seven fits per project and N, cached as class probabilities (about 25 minutes on one core
the first time). Skipped (exit 0, a message) without ../shared.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.bench_learning_curve import others_corpus, start
from bench.bench_unseen import Pred, decided, threshold
from foreman.classifier.adapt import OwnRow, fit, split
from foreman.classifier.evaluate import folds
from foreman.classifier.model import IssueModel

POINTS = (50, 100, 200)
K = 5
Probs = list[list[float]]


def _probs(model: IssueModel, rows: Sequence[OwnRow]) -> Probs:
    return [model.proba(r.title, r.body) for r in rows]


def scores(
    projects: dict[str, list[OwnRow]], name: str, n: int, held: int, weight: float
) -> dict[str, Any]:
    """Class probabilities: of the held-back issues (model fitted on all N own issues), of
    the newest slice (fitted on the older rest), and out of fold (K folds of the N)."""
    rows = projects[name]
    test, older = rows[-held:], rows[:-held]
    own = older[len(older) - n :]
    corpus = others_corpus(projects, name)
    final = fit(corpus, own, weight=weight)
    fit_on, newest = split(own, 0.25, 30)
    oof: Probs = [[] for _ in own]
    for part in folds([r.label for r in own], K):
        out = set(part)
        model = fit(corpus, [r for i, r in enumerate(own) if i not in out], weight=weight)
        for i, p in zip(part, _probs(model, [own[i] for i in part]), strict=True):
            oof[i] = p
    return {
        "labels": final.labels,
        "test": [[r.label, p] for r, p in zip(test, _probs(final, test), strict=True)],
        "newest": [
            [r.label, p]
            for r, p in zip(newest, _probs(fit(corpus, fit_on, weight=weight), newest), strict=True)
        ],
        "oof": [[r.label, p] for r, p in zip(own, oof, strict=True)],
    }


def preds(labels: Sequence[str], scored: Sequence[Sequence[Any]]) -> list[Pred]:
    out: list[Pred] = []
    for gold, probs in scored:
        k = max(range(len(probs)), key=probs.__getitem__)
        out.append((gold, labels[k], probs[k]))
    return out


Rule = Callable[[list[Pred], list[Pred], list[Pred], list[str]], dict[str, float]]


def _same(t: float, labels: Sequence[str]) -> dict[str, float]:
    return dict.fromkeys(labels, t)


RULES: dict[str, Rule] = {
    "newest slice": lambda new, oof, test, ls: _same(threshold(new), ls),
    "newest slice, 95 %": lambda new, oof, test, ls: _same(threshold(new, 0.95), ls),
    "5-fold CV": lambda new, oof, test, ls: _same(threshold(oof), ls),
    "5-fold CV, 95 %": lambda new, oof, test, ls: _same(threshold(oof, 0.95), ls),
    "5-fold CV, per class": lambda new, oof, test, ls: {
        c: threshold([p for p in oof if p[1] == c]) for c in ls
    },
    "stricter of slice and CV": lambda new, oof, test, ls: _same(
        max(threshold(new), threshold(oof)), ls
    ),
    "best for the held-back issues": lambda new, oof, test, ls: _same(threshold(test), ls),
}


def evaluate(scored: dict[tuple[str, int], dict[str, Any]]) -> list[dict[str, Any]]:
    """Per rule and N: the held-back issues decided and the precision of those, pooled over
    the projects, and per project."""
    out = []
    for rule, choose in RULES.items():
        for n in sorted({k[1] for k in scored}):
            per: dict[str, list[float]] = {}
            hits = total = kept = 0.0
            for (name, m), s in sorted(scored.items()):
                if m != n:
                    continue
                ls = s["labels"]
                test = preds(ls, s["test"])
                chosen = choose(preds(ls, s["newest"]), preds(ls, s["oof"]), test, ls)
                share, prec = decided(test, chosen)
                per[name] = [round(share, 4), round(prec, 4)]
                kept += share * len(test)
                hits += share * prec * len(test)
                total += len(test)
            out.append(
                {
                    "rule": rule,
                    "own": n,
                    "decided": round(kept / total, 4),
                    "precision": round(hits / kept, 4) if kept else 0.0,
                    "per_project": per,
                }
            )
    return out


def table(results: Sequence[dict[str, Any]]) -> str:
    ns = sorted({r["own"] for r in results})
    head = " | ".join(f"{n} own: decided / precision" for n in ns)
    lines = [f"| threshold chosen by | {head} |", "|---|" + "---:|" * len(ns)]
    for rule in RULES:
        cells = []
        for n in ns:
            (r,) = [x for x in results if x["rule"] == rule and x["own"] == n]
            cells.append(f"{r['decided']:.0%} / {r['precision']:.0%}")
        lines.append(f"| {rule} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    run = start(argv, __doc__, "/tmp/foreman-thresholds", POINTS)
    if run is None:
        return 0
    args, projects, names, cache = run.args, run.projects, run.names, run.cache
    scored = {}
    for name in names:
        for n in map(int, args.points.split(",")):
            key = cache / f"{name.replace('/', '+')}-{n}-w{args.weight}-h{args.held}-k{K}.json"
            if not key.is_file():
                key.write_text(json.dumps(scores(projects, name, n, args.held, args.weight)))
                print(f"{name} {n}: scored", file=sys.stderr, flush=True)
            scored[(name, n)] = json.loads(key.read_text())
    results = evaluate(scored)
    print(table(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
