"""Chart geometry: bars in proportion, withheld values drawn as gaps, every value labelled."""

from __future__ import annotations

from itertools import pairwise

import pytest

from portal.charts import (
    PALETTE,
    WHITE,
    WITHHELD,
    Series,
    bar_chart,
    contrast,
    nice_ceiling,
    number_text,
    trend_chart,
)


def test_bars_are_in_proportion_to_their_values_on_one_scale_for_both_series():
    chart = bar_chart(["North", "South"], [Series("Listings", [10, 40]), Series("Places", [20, 0])])
    widths = {(bar.label, bar.series): bar.width for bar in chart.bars}
    assert widths[("South", 0)] == pytest.approx(4 * widths[("North", 0)])
    assert widths[("North", 1)] == pytest.approx(2 * widths[("North", 0)])
    assert widths[("South", 1)] == 0
    # The longest bar leaves room for its label inside the chart.
    longest = max(chart.bars, key=lambda bar: bar.width)
    assert longest.x + longest.width < chart.width


def test_every_bar_carries_its_value_and_category_as_text():
    chart = bar_chart(
        ["Life sciences", "Physiological sciences"], [Series("Places", [1234, 7], texts=["1,234", "7"])]
    )
    assert [label.text for label in chart.categories] == ["Life sciences", "Physiological sciences"]
    assert [bar.value_text for bar in chart.bars] == ["1,234", "7"]
    assert [bar.label for bar in chart.bars] == ["Life sciences", "Physiological sciences"]
    assert all(bar.text_x > bar.x + bar.width for bar in chart.bars)
    assert chart.summary() == "Life sciences: Places 1,234. Physiological sciences: Places 7."


def test_a_withheld_value_is_a_marked_gap_not_a_bar_of_zero():
    chart = bar_chart(["A", "B", "C"], [Series("Interest", [None, 0, 12])])
    withheld, zero, twelve = chart.bars
    assert withheld.withheld and withheld.width == 0 and withheld.value_text == WITHHELD
    assert not zero.withheld and zero.value_text == "0"
    assert twelve.width > 0
    assert chart.has_withheld
    assert "A: Interest Withheld." in chart.summary()


def test_bars_do_not_overlap_and_the_chart_is_tall_enough_for_them():
    chart = bar_chart(["A", "B", "C"], [Series("One", [1, 2, 3]), Series("Two", [3, 2, 1])])
    tops = sorted((bar.y, bar.y + bar.height) for bar in chart.bars)
    assert all(below[0] >= above[1] for above, below in pairwise(tops))
    assert tops[-1][1] <= chart.height
    # Two series get a legend, each key in its own style.
    assert [key.name for key in chart.legend] == ["One", "Two"]
    assert chart.legend[0].style.pattern != chart.legend[1].style.pattern


def test_nothing_but_zeros_draws_no_bars_and_no_division_by_zero():
    chart = bar_chart(["A"], [Series("One", [0])])
    assert chart.bars[0].width == 0


def test_bar_charts_refuse_mismatched_input():
    with pytest.raises(ValueError, match="one value per category"):
        bar_chart(["A", "B"], [Series("One", [1])])
    with pytest.raises(ValueError, match="1 to"):
        bar_chart(["A"], [])


def test_every_colour_keeps_three_to_one_against_white_and_has_its_own_pattern():
    assert all(contrast(style.colour, WHITE) >= 3 for style in PALETTE)
    assert len({style.pattern for style in PALETTE}) == len(PALETTE)
    assert contrast("#000000", WHITE) == pytest.approx(21)


def test_a_line_trend_breaks_at_a_withheld_week_and_marks_the_gap():
    weeks = ["1 Jun", "8 Jun", "15 Jun", "22 Jun", "29 Jun"]
    chart = trend_chart("Interest", weeks, [10, 20, None, 40, 0], partial=[False, True, False, False, False])
    assert [len(segment) for segment in chart.segments] == [2, 2]
    assert [gap.label for gap in chart.gaps] == ["15 Jun"]
    assert "15 Jun" not in [point.label for point in chart.points]
    assert chart.has_withheld and chart.has_partial
    heights = {point.label: chart.plot_bottom - point.y for point in chart.points}
    # A scale from 0 to 50 (the round number above 40): heights in proportion, zero on the axis.
    assert heights["8 Jun"] == pytest.approx(2 * heights["1 Jun"])
    assert heights["22 Jun"] == pytest.approx(4 * heights["1 Jun"])
    assert heights["29 Jun"] == 0
    assert [label.text for label in chart.y_labels] == ["0", "25", "50"]
    assert [label.text for label in chart.x_labels] == ["1 Jun", "15 Jun", "29 Jun"]
    assert "Some weeks are withheld." in chart.summary()


def test_a_column_trend_draws_a_column_for_each_published_week_only():
    chart = trend_chart("Listings", ["a", "b", "c"], [5, None, 10], kind="column")
    assert [bar.label for bar in chart.columns] == ["a", "c"]
    assert chart.columns[1].height == pytest.approx(2 * chart.columns[0].height)
    assert [gap.label for gap in chart.gaps] == ["b"]
    assert chart.segments == ()


def test_every_week_withheld_still_makes_a_chart_that_says_so():
    chart = trend_chart("Interest", ["a", "b"], [None, None])
    assert chart.points == () and len(chart.gaps) == 2
    assert chart.summary() == "Interest: every week withheld."


@pytest.mark.parametrize(
    ("value", "ceiling"), [(0, 1), (1, 1), (3, 5), (40, 50), (51, 100), (2100, 2500), (0.3, 0.5)]
)
def test_the_scale_ends_on_a_round_number_at_or_above_the_largest_value(value, ceiling):
    assert nice_ceiling(value) == pytest.approx(ceiling)


def test_numbers_are_labelled_with_thousands_separators():
    assert number_text(12345) == "12,345"
    assert number_text(2.5) == "2.5"
    assert number_text(None) == WITHHELD
