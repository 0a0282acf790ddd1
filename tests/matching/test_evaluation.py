"""Ranking metrics on examples small enough to work out by hand."""

from __future__ import annotations

import pytest

from matching.evaluation import mean_reciprocal_rank, reciprocal_rank, top_k_accuracy

RANKED = [["a", "b", "c"], ["b", "a", "c"], ["c", "b", "a"], ["d", "e", "f"]]
EXPECTED = [{"a"}, {"a"}, {"a", "b"}, {"a"}]


def test_top_k_accuracy_by_hand() -> None:
    assert top_k_accuracy(RANKED, EXPECTED, 1) == pytest.approx(1 / 4)
    assert top_k_accuracy(RANKED, EXPECTED, 2) == pytest.approx(3 / 4)
    assert top_k_accuracy(RANKED, EXPECTED, 3) == pytest.approx(3 / 4)


def test_mean_reciprocal_rank_by_hand() -> None:
    # Reciprocal ranks: 1, 1/2, 1/2 (b is second), 0.
    assert mean_reciprocal_rank(RANKED, EXPECTED) == pytest.approx((1 + 0.5 + 0.5 + 0) / 4)
    assert reciprocal_rank(["x", "y", "z"], {"z"}) == pytest.approx(1 / 3)


def test_empty_inputs_score_zero() -> None:
    assert top_k_accuracy([], [], 3) == 0.0
    assert mean_reciprocal_rank([], []) == 0.0
    assert mean_reciprocal_rank([[]], [{"a"}]) == 0.0


def test_mismatched_lengths_and_bad_k_are_refused() -> None:
    with pytest.raises(ValueError):
        top_k_accuracy(RANKED, EXPECTED[:2], 1)
    with pytest.raises(ValueError):
        mean_reciprocal_rank(RANKED[:1], EXPECTED)
    with pytest.raises(ValueError):
        top_k_accuracy(RANKED, EXPECTED, 0)
