"""Thresholds from score distributions, and the fit bands they give."""

from __future__ import annotations

import pytest

from matching.calibration import balanced_threshold, fit_bands, random_texts

THRESHOLDS = {"non_match": 0.1, "strong": 0.4}


def test_separate_distributions_split_down_the_middle() -> None:
    assert balanced_threshold([0.1, 0.2, 0.5], [0.7, 0.8, 0.9]) == pytest.approx(0.6)


def test_overlapping_distributions_balance_the_two_errors() -> None:
    # Between 0.1 and 0.2 one non-match in three gets through and no genuine query is turned away;
    # no threshold does better than one error in three on the worse side.
    assert balanced_threshold([0.0, 0.1, 0.3], [0.2, 0.4, 0.5]) == pytest.approx(0.15)


def test_random_texts_are_fixed() -> None:
    assert random_texts() == random_texts()
    assert len(random_texts(5)) == 5


def test_a_strong_clear_winner_is_best() -> None:
    assert fit_bands([0.6, 0.3, 0.5 * 0.6], True, THRESHOLDS, 0.1, 0.75) == ["best", "good", "good"]


def test_close_runners_up_are_great_not_best() -> None:
    assert fit_bands([0.6, 0.58, 0.2], True, THRESHOLDS, 0.1, 0.75) == ["great", "great", "good"]


def test_weak_top_is_never_best() -> None:
    assert fit_bands([0.3, 0.05], True, THRESHOLDS, 0.1, 0.75)[0] == "great"


def test_not_confident_means_all_good() -> None:
    assert fit_bands([0.9, 0.1], False, THRESHOLDS, 0.1, 0.75) == ["good", "good"]
    assert fit_bands([], True, THRESHOLDS, 0.1, 0.75) == []
