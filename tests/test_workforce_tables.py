"""Workforce tables and their CSV: the same numbers as the figures, withheld cells blank and marked,
nothing a spreadsheet would run as a formula. Built from hand-made cells, so no database is needed."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest

from portal.services.tallies import AREA_INTEREST, EXPRESSION_OF_INTEREST, OPENED, SUGGESTED
from portal.services.workforce import Cells, Count, Figures, Filters
from portal.services.workforce.cells import Area, Listing, PeopleCell
from portal.workforce_tables import (
    NOT_RECORDED,
    PARTLY_WITHHELD,
    TABLE_NAMES,
    WITHHELD,
    Period,
    people_cell,
    table_csv,
    table_named,
)
from portal.workforce_view import workforce_view

THIS_WEEK = date(2026, 6, 1)  # a Monday
LAST_WEEK = THIS_WEEK - timedelta(weeks=1)
LEVELS = {"practitioner": "Practitioner", "none": "Experience only"}
HOSTILE_NAMES = ['=HYPERLINK("https://evil.example","x")', "+SUM(A1)", "-2+3", "@cmd"]
AREAS = {
    "audiology": Area("audiology", "Audiology", "Physiological sciences"),
    "genomics": Area("genomics", "Genomics", "Life sciences"),
    **{f"hostile-{i}": Area(f"hostile-{i}", name, "Life sciences") for i, name in enumerate(HOSTILE_NAMES)},
}
# Published cells (None: a cell of 1 to 4 people, withheld before anything here sees it).
PEOPLE = {
    PeopleCell(AREA_INTEREST, "audiology", THIS_WEEK): 12,
    PeopleCell(AREA_INTEREST, "audiology", LAST_WEEK): None,
    PeopleCell(AREA_INTEREST, "genomics", THIS_WEEK): None,
    PeopleCell(SUGGESTED, "audiology", THIS_WEEK): 40,
    PeopleCell(OPENED, "genomics", THIS_WEEK): 9,
    PeopleCell(EXPRESSION_OF_INTEREST, "audiology", THIS_WEEK, "London"): 6,
    PeopleCell(EXPRESSION_OF_INTEREST, "audiology", LAST_WEEK, "Scotland"): None,
    PeopleCell(EXPRESSION_OF_INTEREST, "genomics", THIS_WEEK, "Scotland"): None,
}
LISTINGS = (
    Listing("audiology", "London", "placement", "practitioner", 3, True, THIS_WEEK),
    Listing("audiology", "Scotland", "job", "practitioner", 2, True, LAST_WEEK),
    Listing("genomics", "Scotland", "event", "none", 0, True, THIS_WEEK),
    Listing("genomics", "London", "job", "practitioner", 7, False, LAST_WEEK),
)


def _figures(includes_demo: bool = False, **args: str) -> Figures:
    cells = Cells(THIS_WEEK, PEOPLE, LISTINGS, AREAS, includes_demo)
    return Figures(cells, Filters.from_args(args, cells.areas))


def _csv(name: str, figures: Figures) -> list[dict[str, str]]:
    text = table_csv(table_named(name, figures, LEVELS), Period.of(figures))
    return list(csv.DictReader(io.StringIO(text)))


def test_every_cell_a_spreadsheet_would_run_as_a_formula_is_quoted():
    rows = _csv("areas", _figures())
    names = [row["Service area"] for row in rows]
    for hostile in HOSTILE_NAMES:
        assert f"'{hostile}" in names
    assert not any(re.match(r"^[=+\-@\t\r]", value) for row in rows for value in row.values())


def test_the_area_csv_holds_the_same_numbers_as_the_figures():
    figures = _figures()
    rows = {row["Service area"]: row for row in _csv("areas", figures)}
    for area in figures.by_area():
        row = rows.get(area.label) or rows[f"'{area.label}"]
        assert int(row["Live listings"]) == area.live_listings
        assert int(row["Places offered"]) == area.places
        for heading, count in (
            ("Expressions of interest", area.expressions_of_interest),
            ("Registered interest", area.registered_interest),
            ("Suggested by Find your fit", area.suggested),
            ("Opened from Find your fit", area.opened),
        ):
            assert row[heading] == ("" if count.value is None else str(count.value)), (area.key, heading)
    # And those are what the hand-made cells add up to.
    audiology = rows["Audiology"]
    assert (audiology["Live listings"], audiology["Places offered"]) == ("2", "5")
    assert audiology["Live listings: Placement"] == "1" and audiology["Live listings: Job"] == "1"
    assert audiology["Live listings at level: Practitioner"] == "2"
    assert audiology["Expressions of interest"] == "6"
    assert audiology["Suggested by Find your fit"] == "40"
    assert rows["Genomics"]["Places offered"] == "0"  # an event has no places; the job is closed


def test_a_withheld_figure_is_blank_and_marked_and_no_small_number_stands_in_for_it():
    rows = {row["Service area"]: row for row in _csv("areas", _figures())}
    genomics = rows["Genomics"]
    assert genomics["Registered interest"] == ""
    assert genomics["Registered interest: note"] == WITHHELD
    assert genomics["Registered interest: at least"] == genomics["Registered interest: at most"] == ""
    assert genomics["Expressions of interest"] == "" and genomics["Expressions of interest: note"] == WITHHELD
    assert genomics["Expressions of interest per place: note"] == WITHHELD
    people_values = [value for key, value in genomics.items() if "interest" in key or "Find your fit" in key]
    assert not any(value in {"1", "2", "3", "4"} for value in people_values)


def test_a_figure_that_leaves_small_counts_out_says_so_with_its_range():
    rows = {row["Service area"]: row for row in _csv("areas", _figures())}
    audiology = rows["Audiology"]
    # 12 published this week, plus last week's withheld cell of 1 to 4.
    assert audiology["Registered interest"] == "12"
    assert audiology["Registered interest: note"] == PARTLY_WITHHELD
    assert (audiology["Registered interest: at least"], audiology["Registered interest: at most"]) == (
        "13",
        "16",
    )
    cell = people_cell(Count(12, 1))
    assert cell.text == "12" and cell.detail == "plus withheld: 13 to 16 in all"
    assert people_cell(Count(None, 1)).text == "Withheld"
    assert people_cell(None).text == "Not recorded by region"


def test_within_a_region_figures_not_kept_by_region_are_left_out_with_a_note_never_zero():
    figures = _figures(region="scotland")
    table = table_named("areas", figures, LEVELS)
    headings = [column.heading for column in table.columns]
    assert "Registered interest" not in headings and "Suggested by Find your fit" not in headings
    assert any("Not recorded by region" in note for note in table.notes)
    rows = {row["Service area"]: row for row in _csv("areas", figures)}
    assert (rows["Audiology"]["Live listings"], rows["Audiology"]["Places offered"]) == ("1", "2")
    assert rows["Audiology"]["Expressions of interest: note"] == WITHHELD
    assert not any(value == NOT_RECORDED for row in rows.values() for value in row.values())


def test_every_row_says_its_period_and_the_withholding_rule_and_marks_demonstration_data():
    rows = _csv("weeks", _figures(includes_demo=True, weeks="4"))
    assert [row["Week starting"] for row in rows] == [
        (THIS_WEEK - timedelta(weeks=n)).isoformat() for n in (3, 2, 1, 0)
    ]
    for row in rows:
        assert row["Weeks"] == "4"
        assert (row["First week starting"], row["Last week starting"]) == ("2026-05-11", "2026-06-01")
        assert "Counts of 1 to 4 people are withheld" in row["Notes"]
        assert "Demonstration data" in row["Notes"]
    assert "Demonstration data" not in _csv("weeks", _figures())[0]["Notes"]
    this_week = rows[-1]
    # The placement (3 places) and the event (none) went live this week.
    assert (this_week["Listings that went live"], this_week["Places that went live"]) == ("2", "3")
    assert this_week["Registered interest"] == "12"
    assert this_week["Registered interest: note"] == PARTLY_WITHHELD  # genomics' withheld cell


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_every_table_has_one_header_row_and_rows_as_long_as_it(name):
    text = table_csv(table_named(name, _figures(), LEVELS), Period.of(_figures()))
    lines = list(csv.reader(io.StringIO(text)))
    assert len({len(line) for line in lines}) == 1
    assert lines[0][-4:] == ["Weeks", "First week starting", "Last week starting", "Notes"]


def test_the_view_builds_charts_whose_bars_are_the_table_figures():
    view = workforce_view(_figures(), LEVELS)
    by_division = {row[0].text: (row[1].value, row[2].value) for row in view.tables["divisions"].rows}
    bars = {(bar.label, bar.series): bar.value_text for bar in view.charts["divisions"].bars}
    for division, (listings, places) in by_division.items():
        assert bars[(division, 0)] == f"{listings:,}" and bars[(division, 1)] == f"{places:,}"
    assert [trend.key for trend in view.trends] == [
        "listings",
        "expressions",
        "registered",
        "suggested",
        "opened",
    ]
    # Within a region the counts kept without a region have no trend to draw.
    regional = workforce_view(_figures(region="london"), LEVELS)
    assert [trend.key for trend in regional.trends] == ["listings", "expressions"]


def test_an_unknown_table_has_no_builder():
    assert table_named("secrets", _figures(), LEVELS) is None
