"""Evaluation on the shared NLBSE'24 training CSV (skipped without ../shared)."""

from __future__ import annotations

import pytest

from foreman.classifier.evaluate import cross_validate
from foreman.classifier.rows import read_rows
from tests.support.sharedref import shared_path

pytestmark = pytest.mark.shared


def test_cross_validated_router_meets_its_targets() -> None:
    rows, _ = read_rows(shared_path("datasets", "issue-types", "issues_train.csv"))
    out = cross_validate(rows, 5, seed=0)
    print(f"\n5-fold CV: macro-F1 {out['macro_f1']}, coverage@90 {out['coverage_at_90']}")
    assert out["macro_f1"] >= 0.78
    assert out["coverage_at_90"] >= 0.55
