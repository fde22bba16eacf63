"""Train the shipped classifier reproducibly.

    uv run python scripts/train_classifier.py \
        --data ../shared/datasets/issue-types/issues_train.csv \
        --out src/foreman/routing/model.json.gz

Reads a CSV with title, body, label columns. The abstain threshold stored in
the model is the one at which 5-fold cross-validated decisions reach 90 %
precision (pass --folds 0 to skip the CV and keep --threshold).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from foreman.routing.classifier import save
from foreman.routing.evaluate import cross_validate, read_rows
from foreman.routing.train import train


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--threshold", type=float, default=0.65)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rows, _ = read_rows(Path(args.data))
    threshold = args.threshold
    cv = None
    if args.folds:
        cv = cross_validate(rows, args.folds, seed=args.seed)
        threshold = cv["abstain_threshold"]
        print(json.dumps(cv, indent=2), file=sys.stderr)
    start = time.perf_counter()
    model = train(rows, seed=args.seed, threshold=threshold)
    model.meta.update({
        "trained_on": Path(args.data).name,
        "train_seconds": round(time.perf_counter() - start, 1),
        "cv_macro_f1": cv["macro_f1"] if cv else None,
        "cv_coverage_at_90": cv["coverage_at_90"] if cv else None,
    })  # fmt: skip
    save(model, Path(args.out))
    print(f"wrote {args.out}: {len(model.vocab)} features, threshold {threshold:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
