"""No subtraction of one published workforce figure from another brings back a withheld cell (no database)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from portal.services.tallies import AREA_INTEREST, EXPRESSION_OF_INTEREST
from portal.services.workforce import (
    DIVISION_SLUGS,
    PERIOD_WEEKS,
    REGION_SLUGS,
    Count,
    Figures,
    Filters,
    Row,
)
from portal.services.workforce.cells import Listing, published
from tests.workforce_expected import (
    AREA_TABLE,
    PEOPLE,
    REGION_NAMES,
    TEST_AREAS,
    THIS_WEEK,
    Expected,
    Fact,
    Key,
    assert_nothing_from_1_to_4,
    everything,
    make_cells,
    raw_cell,
)

raw_cells = st.dictionaries(
    st.builds(
        raw_cell,
        st.sampled_from(PEOPLE),
        st.sampled_from(sorted(TEST_AREAS)),
        st.integers(0, 53),
        st.sampled_from(REGION_NAMES),
    ),
    # Mostly small counts, so that most cells are withheld and every differencing has a target.
    st.one_of(st.integers(0, 4), st.integers(5, 40)),
    max_size=60,
)
listings = st.lists(
    st.builds(
        Listing,
        area=st.sampled_from(sorted(TEST_AREAS)),
        region=st.sampled_from(REGION_NAMES),
        type=st.sampled_from(["placement", "job", "event"]),
        level=st.sampled_from(["assistant", "practitioner"]),
        places=st.integers(0, 30),
        live_now=st.booleans(),
        went_live_week=st.integers(0, 60).map(lambda n: THIS_WEEK - timedelta(weeks=n)),
    ),
    max_size=12,
)
filters = st.builds(
    Filters,
    area=st.one_of(st.none(), st.sampled_from(sorted(TEST_AREAS))),
    division=st.one_of(st.none(), st.sampled_from(sorted(DIVISION_SLUGS))),
    region=st.one_of(st.none(), st.sampled_from(sorted(REGION_SLUGS))),
    weeks=st.sampled_from(PERIOD_WEEKS),
)


@settings(max_examples=150, deadline=None)
@given(raw=raw_cells, listed=listings, chosen=filters)
def test_every_figure_is_the_sum_of_published_cells_and_never_1_to_4(raw, listed, chosen):
    figures = Figures(make_cells(raw, listed), chosen)
    expected = Expected(
        raw,
        [Fact(**vars(listing)) for listing in listed],
        AREA_TABLE,
        THIS_WEEK,
        area=chosen.area,
        division=chosen.division,
        region=chosen.region,
        weeks=chosen.weeks,
    )
    published_figures = everything(figures)
    assert published_figures["overall"] == expected.overall()
    assert published_figures["areas"] == expected.by_area()
    assert published_figures["divisions"] == expected.by_division()
    assert published_figures["regions"] == expected.by_region()
    assert published_figures["weeks"] == expected.by_week()
    assert_nothing_from_1_to_4(published_figures)


@settings(max_examples=150, deadline=None)
@given(raw=raw_cells, listed=listings, chosen=filters, data=st.data())
def test_no_figure_changes_whatever_the_withheld_cells_hold(raw, listed, chosen, data):
    other = {
        key: data.draw(st.integers(1, 4), label=repr(key)) if 1 <= count <= 4 else count
        for key, count in raw.items()
    }
    before = everything(Figures(make_cells(raw, listed), chosen))
    assert everything(Figures(make_cells(other, listed), chosen)) == before


def _value(count: Count | None) -> int:
    return 0 if count is None or count.value is None else count.value


@settings(max_examples=150, deadline=None)
@given(raw=raw_cells, listed=listings, period=st.sampled_from(PERIOD_WEEKS))
def test_subtracting_one_figure_from_another_leaves_only_published_cells(raw, listed, period):
    cells = make_cells(raw, listed)
    first = THIS_WEEK - timedelta(weeks=period - 1)

    def published_sum(kind: str, keep: Callable[[Key], bool]) -> int:
        return sum(
            count
            for key, count in raw.items()
            if key[0] == kind and key[2] >= first and not 1 <= count <= 4 and keep(key)
        )

    def overall(**chosen: Any) -> Row:
        return Figures(cells, Filters(weeks=period, **chosen)).overall()

    whole = Figures(cells, Filters(weeks=period))
    everywhere = whole.overall()
    # The total minus every row it is made of: nothing is left over.
    for rows in (whole.by_area(), whole.by_division(), whole.by_region(), whole.by_week()):
        rest = _value(everywhere.expressions_of_interest) - sum(
            _value(r.expressions_of_interest) for r in rows
        )
        assert rest == 0
    rest = _value(everywhere.registered_interest) - sum(
        _value(r.registered_interest) for r in whole.by_area()
    )
    assert rest == 0
    # Everywhere minus one region: the published cells of the other regions, nothing more.
    for slug, name in REGION_SLUGS.items():
        difference = _value(everywhere.expressions_of_interest) - _value(
            overall(region=slug).expressions_of_interest
        )
        assert difference == published_sum(EXPRESSION_OF_INTEREST, lambda key, n=name: key[3] != n)
    # A division (alpha and beta) minus its other area: alpha's published cells, not alpha's people.
    difference = _value(overall(division="life-sciences").registered_interest) - _value(
        overall(area="beta").registered_interest
    )
    assert difference == published_sum(AREA_INTEREST, lambda key: key[1] == "alpha")
    # A longer period minus a shorter one: the published cells of the weeks between.
    if period > 4:
        between = published_sum(AREA_INTEREST, lambda key: key[2] <= THIS_WEEK - timedelta(weeks=4))
        shorter = Figures(cells, Filters(weeks=4)).overall()
        assert _value(everywhere.registered_interest) - _value(shorter.registered_interest) == between


def test_counting_rules_at_the_boundaries():
    assert [published(n) for n in range(7)] == [0, None, None, None, None, 5, 6]
    figures = Figures(make_cells({(AREA_INTEREST, "alpha", THIS_WEEK, None): 4}), Filters())
    assert figures.overall().registered_interest == Count(None, 1)
    assert figures.overall().registered_interest.as_json() == {
        "value": None,
        "suppressed": True,
        "withheld_cells": 1,
    }
    raw = {
        (AREA_INTEREST, "alpha", THIS_WEEK, None): 5,
        (AREA_INTEREST, "alpha", THIS_WEEK - timedelta(weeks=1), None): 2,
        (AREA_INTEREST, "alpha", THIS_WEEK - timedelta(weeks=2), None): 0,
    }
    count = Figures(make_cells(raw), Filters()).overall().registered_interest
    assert count == Count(5, 1) and (count.at_least, count.at_most) == (6, 9) and not count.suppressed
    nobody = Figures(make_cells({(AREA_INTEREST, "alpha", THIS_WEEK, None): 0}), Filters()).overall()
    assert nobody.registered_interest == Count(0) and not nobody.registered_interest.suppressed


def test_a_region_leaves_out_what_is_not_kept_by_region():
    raw = {
        (AREA_INTEREST, "alpha", THIS_WEEK, None): 9,
        (EXPRESSION_OF_INTEREST, "alpha", THIS_WEEK, "London"): 6,
        (EXPRESSION_OF_INTEREST, "alpha", THIS_WEEK, "Wales"): 7,
    }
    figures = Figures(make_cells(raw), Filters(region="london"))
    overall = figures.overall()
    assert (overall.registered_interest, overall.suggested, overall.opened) == (None, None, None)
    assert overall.expressions_of_interest == Count(6)
    assert all(w.registered_interest is None for w in figures.by_week())
    regions = Figures(make_cells(raw), Filters()).by_region()
    assert {r.key: _value(r.expressions_of_interest) for r in regions if r.expressions_of_interest.value} == {
        "london": 6,
        "wales": 7,
    }
    assert all(r.registered_interest is None and r.suggested is None for r in regions)
