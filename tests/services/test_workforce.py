"""Workforce figures on a seeded database: they agree with counts made afresh, and never publish 1 to 4."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from portal.extensions import db
from portal.models import AnonymousTally
from portal.services.tallies import AREA_INTEREST, add_to_tallies
from portal.services.workforce import (
    Count,
    Figures,
    Filters,
    load_cells,
    shortage,
)
from portal.services.workforce.cells import Listing, PeopleCell, published
from tests.workforce_expected import row_dict, week_dict
from tests.workforce_world import LISTINGS, during, every_filter, expected_for, monday, seed_world


def test_figures_agree_with_counts_made_afresh_under_every_filter(db_session):
    world = seed_world()
    cells = load_cells(world.today)
    assert cells.this_week == world.this_week and cells.includes_demo
    for args in every_filter():
        figures = Figures(cells, Filters.from_args(args, cells.areas))
        expected = expected_for(world, args)
        assert row_dict(figures.overall()) == expected.overall(), args
        assert [row_dict(r) for r in figures.by_area()] == expected.by_area(), args
        assert [row_dict(r) for r in figures.by_division()] == expected.by_division(), args
        assert [row_dict(r) for r in figures.by_region()] == expected.by_region(), args
        assert [week_dict(w) for w in figures.by_week()] == expected.by_week(), args


def test_the_seeded_cells_are_the_ones_the_figures_hold(db_session):
    world = seed_world()
    cells = load_cells(world.today)
    want = {PeopleCell(*key): published(count) for key, count in world.raw().items()}
    assert dict(cells.people) == want
    assert sorted(cells.listings, key=repr) == sorted(
        (Listing(**vars(fact)) for fact in world.facts.values() if fact.went_live_week), key=repr
    )


def test_a_listing_counts_in_its_first_area_and_its_own_region_first(db_session):
    world = seed_world()
    cells = load_cells(world.today)
    figures = Figures(cells, Filters(area="andrology"))
    # andrology-first (1 place, London) is andrology's; hearing-london-a (andrology second) is not.
    assert figures.overall().places == 1 and figures.overall().live_listings == 1
    regions = {row.key: row for row in Figures(cells, Filters(area="bone-densitometry")).by_region()}
    # Neither the listing nor its organisation has a region the figures know.
    assert regions["not-known"].live_listings == 2 and regions["not-known"].places == 3
    assert regions["not-known"].expressions_of_interest == Count(None, 1)
    # An event has no places, however many it says.
    screening = Figures(cells, Filters(area="aaa-screening")).overall()
    assert (screening.live_listings, screening.places, screening.listings_by_type) == (1, 0, {"event": 1})
    assert not shortage(Figures(cells, Filters(area="aaa-screening"))).places_outrun_interest
    scotland = Figures(cells, Filters(area="clinical-informatics", region="scotland")).overall()
    assert scotland.places == 6 and scotland.expressions_of_interest == Count(5)


def test_small_tallies_add_up_to_a_published_cell_and_withheld_cells_stay_out(db_session):
    world = seed_world()
    cells = load_cells(world.today)
    weeks = {w.week: w for w in Figures(cells, Filters(area="audiology", region="london")).by_week()}
    # 2 + 3 expressions of interest in two London listings that week: one cell of 5, published.
    assert weeks[world.week(2)].expressions_of_interest == Count(5)
    # 1 + 2 in the same cell this week: 3, withheld.
    assert weeks[world.week(0)].expressions_of_interest == Count(None, 1)
    # Demonstration 2 and real 3 in the same week: cells of their own, each withheld.
    audiology = {w.week: w for w in Figures(cells, Filters(area="audiology")).by_week()}
    assert audiology[world.week(2)].registered_interest == Count(None, 2)
    assert audiology[world.week(1)].registered_interest == Count(None, 1)
    assert audiology[world.week(3)].opened == Count(None, 1)
    assert Figures(cells, Filters(area="audiology")).overall().registered_interest == Count(19, 4)


def test_old_tallies_unknown_subjects_and_drafts_count_for_nothing(db_session):
    world = seed_world()
    cells = load_cells(world.today)
    year = Figures(cells, Filters(weeks=52)).overall()
    # audiology 7 + 12 + 9, andrology 6 + 7, allergy-diagnostics 25; seven cells withheld (the
    # demonstration 2 and the real 3 of one audiology week among them).
    assert year.registered_interest == Count(7 + 12 + 9 + 6 + 7 + 25, 7)
    assert {cell.area for cell in cells.people} <= set(world.areas)
    # Every listing but the draft, which was never live.
    assert len(cells.listings) == len(LISTINGS) - 1
    assert not any(listing.places == 9 for listing in cells.listings)


def test_a_tally_is_counted_in_its_utc_week(db_session):
    world = seed_world()
    cells = load_cells(world.today)
    andrology = {w.week: w for w in Figures(cells, Filters(area="andrology", weeks=13)).by_week()}
    assert andrology[world.week(4)].registered_interest == Count(7)
    assert andrology[world.week(3)].registered_interest == Count(0)
    # Four weeks reach back to week 3: the 6 of week 1, not the 7 of week 4.
    assert Figures(cells, Filters(area="andrology", weeks=4)).overall().registered_interest == Count(6)


def test_without_demonstration_data_the_figures_say_so(db_session):
    seed_world(demo=False)
    cells = load_cells()
    assert not cells.includes_demo
    assert not any("demonstration" in caution for caution in shortage(Figures(cells, Filters())).cautions)


def test_a_total_is_the_sum_of_its_weeks_even_with_a_tally_dated_after_this_week(db_session):
    today = datetime.now(UTC).date()
    add_to_tallies(AREA_INTEREST, ["audiology"], at=during(monday(today) + timedelta(weeks=1)), by=9)
    figures = Figures(load_cells(today), Filters(area="audiology"))
    in_weeks = sum(week.registered_interest.value or 0 for week in figures.by_week())
    assert figures.overall().registered_interest == Count(in_weeks)


def test_a_real_count_of_1_to_4_stays_withheld_beside_demonstration_tallies(db_session):
    at = during(monday(datetime.now(UTC).date()))
    add_to_tallies(AREA_INTEREST, ["audiology"], at=at, by=3, is_demo=True)
    add_to_tallies(AREA_INTEREST, ["audiology"], at=at, by=1)
    answers = []
    for real in (1, 2):
        db.session.execute(update(AnonymousTally).where(~AnonymousTally.is_demo).values(count=real))
        answers.append(Figures(load_cells(), Filters(area="audiology")).overall().registered_interest)
    assert answers[0] == answers[1]
