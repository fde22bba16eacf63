"""Thresholds from few labelled rows: the Wilson lower bound on precision."""

from __future__ import annotations

import math

import pytest

from foreman.classifier.evaluate import coverage_at, threshold_at, wilson_lower


def test_wilson_lower_is_the_measured_precision_at_z_zero() -> None:
    assert wilson_lower(9, 10, 0.0) == pytest.approx(0.9)
    assert wilson_lower(0, 0, 1.0) == 0.0


def test_wilson_lower_discounts_few_rows_more_than_many() -> None:
    few, many = wilson_lower(9, 10, 1.0), wilson_lower(90, 100, 1.0)
    assert few < many < 0.9
    # All correct: n / (n + z²), the textbook form of the bound at p = 1.
    assert wilson_lower(30, 30, 1.0) == pytest.approx(30 / 31)
    assert math.isclose(wilson_lower(5, 10, 1.0) + wilson_lower(5, 10, -1.0), 1.0)


def test_threshold_at_z_zero_is_the_coverage_threshold() -> None:
    conf = [0.99, 0.95, 0.9, 0.8, 0.7, 0.6]
    correct = [True, True, True, True, False, False]
    assert threshold_at(conf, correct, 0.9, 0.0) == coverage_at(conf, correct)[1] == 0.8


def test_threshold_at_needs_more_evidence_with_z() -> None:
    conf = [0.99, 0.95, 0.9, 0.8, 0.7, 0.6]
    correct = [True, True, True, True, False, False]
    # 4 of 4 correct is not enough to trust 90 % one deviation down (4/5 = 0.8).
    assert threshold_at(conf, correct, 0.9, 1.0) is None
    many = [1.0 - i / 100 for i in range(40)]
    assert threshold_at(many, [True] * 40, 0.9, 1.0) == many[-1]


def test_threshold_at_decides_tied_rows_together() -> None:
    # The two rows at 0.9 go together: 2 of 3 correct is below 90 %.
    conf = [0.95, 0.9, 0.9]
    assert threshold_at(conf, [True, True, False], 0.9, 0.0) == 0.95


def test_coverage_at_decides_tied_rows_together() -> None:
    """A threshold of 0.8 decides all three 0.8 rows (1 of 3 right): the coverage it gives
    is the rows above it, not the right one that sorted first among the ties."""
    conf = [0.9, 0.8, 0.8, 0.8]
    assert coverage_at(conf, [True, True, False, False]) == (0.25, 0.9)
    assert coverage_at(conf, [True, True, True, True]) == (1.0, 0.8)
    assert coverage_at([0.8, 0.8], [True, False]) == (0.0, 1.0)
