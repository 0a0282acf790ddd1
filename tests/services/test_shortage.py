"""The shortage signal: which areas rank, in what order, and the cautions that go with them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from portal.services.tallies import AREA_INTEREST, EXPRESSION_OF_INTEREST
from portal.services.workforce import (
    Cells,
    Count,
    Figures,
    Filters,
    shortage,
)
from portal.services.workforce.cells import Area, Listing
from tests.workforce_expected import DIVISION_NAMES, THIS_WEEK, Key, make_cells


def _live(area: str, places: int, kind: str = "placement", region: str = "London") -> Listing:
    return Listing(area, region, kind, "practitioner", places, True, THIS_WEEK)


def _interest(area: str, *counts: int, kind: str = AREA_INTEREST) -> dict[Key, int]:
    return {
        (kind, area, THIS_WEEK - timedelta(weeks=n), "London" if kind == EXPRESSION_OF_INTEREST else None): c
        for n, c in enumerate(counts)
    }


def _ranked(raw: dict[Key, int], listed: list[Listing], **chosen: Any) -> tuple[dict, dict, list[str]]:
    result = shortage(Figures(make_cells(raw, listed, demo=chosen.pop("demo", False)), Filters(**chosen)))
    return (
        {r.slug: r for r in result.places_outrun_interest},
        {r.slug: r for r in result.interest_outruns_places},
        result.cautions,
    )


def test_many_places_and_no_interest_ranks_as_places_outrunning_interest():
    outrun, outruns, _ = _ranked({}, [_live("alpha", 12), _live("alpha", 8)])
    assert set(outrun) == {"alpha"} and not outruns
    row = outrun["alpha"]
    assert (row.places, row.interest, row.places_per_person) == (20, Count(0), 21.0)
    assert row.sentence == (
        "20 places offered and nobody has shown interest in the last 13 weeks. "
        "Employers here may need to reach more people."
    )


def test_much_interest_and_few_places_ranks_as_interest_outrunning_places():
    raw = {**_interest("beta", 20, 15), **_interest("beta", 6, kind=EXPRESSION_OF_INTEREST)}
    outrun, outruns, _ = _ranked(raw, [_live("beta", 1)])
    assert set(outruns) == {"beta"} and not outrun
    row = outruns["beta"]
    assert (row.places, row.interest, row.places_per_person) == (1, Count(41), 2 / 42)
    assert row.sentence.startswith("41 people showed interest in the last 13 weeks and 1 place offered")


def test_areas_below_the_thresholds_are_not_ranked():
    # 4 places and nobody interested; nobody's places and 1 to 4 people interested.
    outrun, outruns, _ = _ranked(_interest("beta", 3), [_live("alpha", 4)])
    assert not outrun and not outruns
    # Five places and nobody interested is enough.
    outrun, _, _ = _ranked({}, [_live("alpha", 5)])
    assert set(outrun) == {"alpha"}


def test_withheld_weeks_count_as_the_most_interest_could_be_before_places_outrun_it():
    # Two withheld weeks: between 2 and 8 people. 13 / 9 is not two to one, so not ranked...
    outrun, _, _ = _ranked(_interest("alpha", 1, 1), [_live("alpha", 12)])
    assert not outrun
    # ...though 13 / 3, taking the fewest there could be, would have been.
    # One withheld week: at most 4 people, and 13 / 5 is more than two to one.
    outrun, _, _ = _ranked(_interest("alpha", 1), [_live("alpha", 12)])
    row = outrun["alpha"]
    assert row.interest == Count(None, 1) and row.places_per_person == 13 / 5
    assert row.sentence.startswith(
        "12 places offered and between 1 and 4 people showed interest in the last 13 weeks: "
        "at least 2.6 places for each person."
    )


def test_withheld_weeks_count_as_the_least_interest_could_be_before_interest_outruns_places():
    raw = _interest("gamma", 5, 1)  # between 6 and 9 people
    _, outruns, _ = _ranked(raw, [_live("gamma", 2)])
    row = outruns["gamma"]
    assert row.places_per_person == 3 / 7 and row.interest == Count(5, 1)
    assert row.sentence.startswith("Between 6 and 9 people showed interest")
    # 4 / 7 is not one to two, though 4 / 10, taking the most there could be, would have been.
    _, outruns, _ = _ranked(raw, [_live("gamma", 3)])
    assert not outruns


def test_the_demonstration_caution_appears_only_with_demonstration_data():
    *_, cautions = _ranked({}, [_live("alpha", 20)])
    assert not any("demonstration data" in caution for caution in cautions)
    *_, cautions = _ranked({}, [_live("alpha", 20)], demo=True)
    assert cautions[0].startswith("This site holds demonstration data")


def test_the_region_caution_appears_when_a_region_is_chosen():
    *_, cautions = _ranked({}, [_live("alpha", 20)])
    assert not any("not recorded by region" in caution for caution in cautions)
    outrun, _, cautions = _ranked(_interest("alpha", 30), [_live("alpha", 20)], region="london")
    assert any("Registered interest is not recorded by region" in caution for caution in cautions)
    # Within a region registered interest is not counted, so 30 registrations do not hold back 20 places.
    assert outrun["alpha"].interest == Count(0)


def test_rankings_put_the_biggest_imbalance_first_and_show_ten_at_most():
    areas = {f"area-{n:02d}": Area(f"area-{n:02d}", f"Area {n}", DIVISION_NAMES[0]) for n in range(14)}
    cells = Cells(THIS_WEEK, {}, tuple(_live(slug, 10 + n) for n, slug in enumerate(areas)), areas, False)
    ranked = shortage(Figures(cells, Filters())).places_outrun_interest
    assert [row.slug for row in ranked] == [f"area-{n:02d}" for n in range(13, 3, -1)]
