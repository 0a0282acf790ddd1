"""What a workforce page shows for one set of filters: headline figures, tables, charts and filters.

The admin dashboard and the public page both build their pages from ``workforce_view``; the
tables and their CSV form are in portal/workforce_tables.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from flask import Response, abort, current_app

from portal.charts import PALETTE, BarChart, Series, TrendChart, bar_chart, trend_chart
from portal.services.workforce import (
    DEFAULT_PERIOD_WEEKS,
    DIVISION_SLUGS,
    PERIOD_WEEKS,
    REGION_SLUGS,
    Cells,
    Count,
    Figures,
    FilterError,
    Filters,
    Row,
    Shortage,
    current_cells,
    shortage,
)
from portal.services.workforce.cells import Area
from portal.workforce_tables import (
    INTEREST_OUTRUNS,
    PLACES_OUTRUN,
    TABLES,
    Cell,
    Period,
    Table,
    number_cell,
    people_cell,
    per_place_cell,
    period_text,
    ranking_table,
    shortage_table,
    table_csv,
    table_named,
)


def cells_now() -> Cells:
    """The published cells, reused by this worker for WORKFORCE_CACHE_SECONDS."""
    return current_cells(current_app.config["WORKFORCE_CACHE_SECONDS"])


def career_level_names() -> dict[str, str]:
    """Career levels as people say them, from the content's vocabulary."""
    return current_app.extensions["content_reference"].vocabulary["career_levels"]


def figures_for(args: Mapping[str, str]) -> Figures:
    """The figures under the filters in a query string; FilterError names a filter that is wrong."""
    cells = cells_now()
    return Figures(cells, Filters.from_args(args, cells.areas))


def csv_download(table: str, args: Mapping[str, str], cache_control: str) -> Response:
    """A table (one of TABLE_NAMES) as a CSV download under the query string's filters.

    A bad filter is a 400 saying which; the text starts with a byte-order mark, so spreadsheets
    read it as UTF-8.
    """
    try:
        figures = figures_for(args)
    except FilterError as error:
        abort(400, description=str(error))
    built = table_named(table, figures, career_level_names())
    response = Response("\ufeff" + table_csv(built, Period.of(figures)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="workforce-{table}.csv"'
    response.headers["Cache-Control"] = cache_control
    return response


@dataclass(frozen=True)
class Trend:
    """One weekly measure as a chart."""

    key: str
    chart: TrendChart


@dataclass(frozen=True)
class WorkforceView:
    """Everything a workforce page shows for one set of filters: figures, tables and charts."""

    figures: Figures
    period: str
    headlines: tuple[tuple[str, Cell], ...]
    shortage: Shortage
    tables: Mapping[str, Table]
    rankings: Mapping[str, Table]
    charts: Mapping[str, BarChart]
    trends: tuple[Trend, ...]


def _listings_and_places(rows: Sequence[Row]) -> BarChart:
    return bar_chart(
        [row.label for row in rows],
        [
            Series("Live listings", [row.live_listings for row in rows]),
            Series("Places offered", [row.places for row in rows]),
        ],
    )


def _totals_chart(table: Table) -> BarChart:
    """A one-series chart of a label and number table (listings by type or by level)."""
    return bar_chart(
        [row[0].text for row in table.rows],
        [Series(table.columns[1].heading, [row[1].value for row in table.rows])],
    )


TREND_MEASURES = (
    ("listings", "Listings that went live", "column", lambda week: week.listings_went_live),
    ("expressions", "Expressions of interest", "line", lambda week: week.expressions_of_interest),
    ("registered", "Registered interest", "line", lambda week: week.registered_interest),
    ("suggested", "Suggested by Find your fit", "line", lambda week: week.suggested),
    ("opened", "Opened from Find your fit", "line", lambda week: week.opened),
)


def _trends(figures: Figures) -> tuple[Trend, ...]:
    """Small multiples, each on its own scale: the measures differ a hundredfold."""
    weeks = figures.by_week()
    names = [f"{week.week.day} {week.week:%b %Y}" for week in weeks]
    trends = []
    for key, name, kind, measure in TREND_MEASURES:
        values = [measure(week) for week in weeks]
        if any(value is None for value in values):
            continue  # not recorded by region: the table says so
        counts = [value if isinstance(value, Count) else Count(value) for value in values]
        chart = trend_chart(
            name,
            names,
            [count.value for count in counts],
            kind=kind,
            partial=[count.withheld > 0 and count.value is not None for count in counts],
            texts=[people_cell(count).text for count in counts],
            style=PALETTE[1] if kind == "column" else PALETTE[0],
        )
        trends.append(Trend(key, chart))
    return tuple(trends)


def workforce_view(figures: Figures, level_names: Mapping[str, str]) -> WorkforceView:
    """Build the tables, charts and headline figures for ``figures``."""
    overall = figures.overall()
    result = shortage(figures)
    tables = {name: builder(figures, level_names) for name, builder in TABLES.items()}
    tables["shortage"] = shortage_table(result)
    headlines = (
        ("Live listings", number_cell(overall.live_listings)),
        ("Places offered", number_cell(overall.places)),
        ("Expressions of interest", people_cell(overall.expressions_of_interest)),
        ("Expressions of interest per place", per_place_cell(overall)),
        ("Registered interest", people_cell(overall.registered_interest)),
        ("Suggested by Find your fit", people_cell(overall.suggested)),
        ("Opened from Find your fit", people_cell(overall.opened)),
    )
    return WorkforceView(
        figures=figures,
        period=period_text(figures),
        headlines=headlines,
        shortage=result,
        tables=tables,
        rankings={
            "places": ranking_table("places", PLACES_OUTRUN, result.places_outrun_interest),
            "interest": ranking_table("interest", INTEREST_OUTRUNS, result.interest_outruns_places),
        },
        charts={
            "divisions": _listings_and_places(figures.by_division()),
            "regions": _listings_and_places(figures.by_region()),
            "types": _totals_chart(tables["types"]),
            "levels": _totals_chart(tables["levels"]),
        },
        trends=_trends(figures),
    )


PERIOD_NAMES = {
    4: "The last 4 weeks",
    13: "The last 13 weeks (about 3 months)",
    52: "The last 52 weeks (a year)",
}


@dataclass(frozen=True)
class FilterOptions:
    """What each filter can be set to, as (value, text) pairs."""

    areas: tuple[tuple[str, str], ...]
    divisions: tuple[tuple[str, str], ...]
    regions: tuple[tuple[str, str], ...]
    periods: tuple[tuple[str, str], ...]


def filter_options(areas: Mapping[str, Area]) -> FilterOptions:
    """The filters' choices: areas by name, divisions and regions in their usual order."""
    return FilterOptions(
        areas=tuple(sorted(((slug, area.name) for slug, area in areas.items()), key=lambda p: p[1].lower())),
        divisions=tuple(DIVISION_SLUGS.items()),
        regions=tuple(REGION_SLUGS.items()),
        periods=tuple(
            (str(weeks), PERIOD_NAMES.get(weeks) or f"The last {weeks} weeks") for weeks in PERIOD_WEEKS
        ),
    )


def chosen_filters(args: Mapping[str, str]) -> dict[str, str]:
    """What the visitor chose, to keep the form as they left it (compared with the options only)."""
    chosen = {name: args.get(name) or "" for name in ("area", "division", "region")}
    chosen["weeks"] = args.get("weeks") or str(DEFAULT_PERIOD_WEEKS)
    return chosen
