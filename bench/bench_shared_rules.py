"""The rules every tracker shares in front of the shipped model (issue #23, item 4).

On ``issues_train.csv``: each shared rule's precision per project (correct / fired, of 300
issues each), then what the rules add to the model on a project it has never seen. The
leave-one-repository-out predictions are ``bench_unseen``'s (same cache); a rule that fires
replaces the model's answer. Printed for the model alone and with the rules:

* pooled LORO macro-F1 and coverage at 90 % precision (rule answers ranked first);
* per project, decided / precision with the model's threshold transferred from the other
  four projects' model-only predictions (the rules do not move the model's threshold).

    uv run python -m bench.bench_shared_rules [--cache /tmp/foreman-unseen]

Skipped without ../shared.
"""

from __future__ import annotations

from collections.abc import Sequence

from bench.bench_unseen import CSV_PATH, Pred, cache_dir, decided, predictions, threshold
from foreman.classifier.evaluate import coverage_at, macro_f1
from foreman.classifier.rows import read_rows
from foreman.classifier.shared_rules import RULES, SharedRule, decide

RULED = 2.0  # a rule's answer ranks above every model confidence


def rule_table(fired: dict[str, list[SharedRule | None]], gold: dict[str, list[str]]) -> None:
    names = sorted(fired)
    print("| rule | class | " + " | ".join(n.split("/")[0] for n in names) + " |")
    print("|---|---|" + "---:|" * len(names))
    for rule in RULES:
        cells = []
        for n in names:
            hits = [g for g, r in zip(gold[n], fired[n], strict=True) if r is rule]
            cells.append(f"{sum(g == rule.label for g in hits)}/{len(hits)}")
        print(f"| {rule.name} | {rule.label} | " + " | ".join(cells) + " |")


def pooled(preds: dict[str, list[Pred]]) -> str:
    allp = [p for ps in preds.values() for p in ps]
    labels = sorted({p[0] for p in allp})
    f1 = macro_f1([p[0] for p in allp], [p[1] for p in allp], labels)[0]
    cov = coverage_at([p[2] for p in allp], [p[0] == p[1] for p in allp])[0]
    return f"macro-F1 {f1:.3f}, coverage at 90 % {cov:.3f}"


def main(argv: Sequence[str] | None = None) -> int:
    cache = cache_dir(argv, __doc__)
    if cache is None:
        return 0
    rows, repos = read_rows(CSV_PATH)
    fired: dict[str, list[SharedRule | None]] = {}
    gold: dict[str, list[str]] = {}
    for (title, body, label), repo in zip(rows, repos, strict=True):
        fired.setdefault(repo, []).append(decide(title, body))
        gold.setdefault(repo, []).append(label)
    rule_table(fired, gold)
    model = predictions(cache)
    ruled = {
        n: [(p[0], r.label, RULED) if r else p for p, r in zip(ps, fired[n], strict=True)]
        for n, ps in model.items()
    }
    print(f"\npooled LORO, model alone: {pooled(model)}; with the rules: {pooled(ruled)}\n")
    print("| project | threshold | model alone: decided / precision | with the rules |")
    print("|---|---:|---:|---:|")
    sums = [[0.0, 0.0], [0.0, 0.0]]
    for n in sorted(model):
        t = threshold([p for k, ps in model.items() if k != n for p in ps])
        cells = [decided(ps[n], {p[1]: t for p in ps[n]}) for ps in (model, ruled)]
        for total, cell in zip(sums, cells, strict=True):
            total[:] = [a + b / len(model) for a, b in zip(total, cell, strict=True)]
        print(f"| {n} | {t:.3f} | {_cells(cells)} |")
    print(f"| mean | | {_cells(sums)} |")
    return 0


def _cells(cells: Sequence[Sequence[float]]) -> str:
    return " | ".join(f"{d:.1%} / {p:.1%}" for d, p in cells)


if __name__ == "__main__":
    raise SystemExit(main())
