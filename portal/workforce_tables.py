"""Workforce figures as tables of display values, and the same tables as CSV.

Every count of people comes from a ``Count`` and is shown as it allows: the number; "Withheld"
when only counts of 1 to 4 people are behind it; or the number with "plus withheld" and the range
the true figure lies in when some small weekly counts were left out. A figure that is not kept by
region says so in words, never as 0. CSV cells that a spreadsheet would run as a formula are quoted.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from portal.services.listing_import import neutralise
from portal.services.listings import LEVELS, OPPORTUNITY_TYPES
from portal.services.workforce import (
    Count,
    Figures,
    Row,
    Shortage,
    ShortageRow,
    shortage,
)

WITHHELD = "withheld"
PARTLY_WITHHELD = "plus withheld small counts"
NOT_RECORDED = "not recorded by region"
TEXT, NUMBER, RATIO, PEOPLE = "text", "number", "ratio", "people"
WITHHELD_RULE = "Counts of 1 to 4 people are withheld"
DEMONSTRATION = "Demonstration data: made up, not real"


@dataclass(frozen=True)
class Cell:
    """One value: ``text`` for the page, ``value`` for the CSV (None: blank), ``note`` saying why."""

    text: str
    value: int | float | str | None
    note: str = ""
    detail: str = ""
    at_least: int | None = None
    at_most: int | None = None
    slug: str | None = None

    @property
    def withheld(self) -> bool:
        """Nothing is shown: only counts of 1 to 4 people are behind it."""
        return self.note == WITHHELD


@dataclass(frozen=True)
class Column:
    """A heading, what kind of values sit under it, and whether the page shows it (the CSV always does)."""

    heading: str
    kind: str = NUMBER
    on_page: bool = True


@dataclass(frozen=True)
class Table:
    """Column headings and rows of cells, with the notes a reader needs to read them."""

    name: str
    caption: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    notes: tuple[str, ...] = ()

    @property
    def row_header(self) -> int:
        """The column that names each row: the first column of text."""
        return next((i for i, column in enumerate(self.columns) if column.kind == TEXT), 0)

    def page_columns(self, only: Sequence[str] | None = None) -> list[int]:
        """Positions of the columns the page shows (of those headed ``only``, when given)."""
        return [
            i
            for i, column in enumerate(self.columns)
            if column.on_page and (only is None or i == 0 or column.heading in only)
        ]


def people_cell(count: Count | None) -> Cell:
    """A count of people as it may be shown."""
    if count is None:
        return Cell("Not recorded by region", None, NOT_RECORDED)
    if count.suppressed:
        return Cell("Withheld", None, WITHHELD)
    if count.withheld:
        detail = f"plus withheld: {count.at_least:,} to {count.at_most:,} in all"
        return Cell(f"{count.value:,}", count.value, PARTLY_WITHHELD, detail, count.at_least, count.at_most)
    return Cell(f"{count.value:,}", count.value)


def number_cell(value: int) -> Cell:
    """A count of listings or places (never withheld: they are not people)."""
    return Cell(f"{value:,}", value)


def per_place_cell(row: Row) -> Cell:
    """Expressions of interest for each place offered."""
    if row.expressions_of_interest.suppressed:
        return Cell("Withheld", None, WITHHELD)
    if not row.places:
        return Cell("No places", None, "no places")
    ratio = round(row.interest_per_place or 0, 2)
    partly = row.expressions_of_interest.withheld > 0
    return Cell(f"{ratio:.2f}", ratio, PARTLY_WITHHELD if partly else "", "plus withheld" if partly else "")


def week_text(week: date) -> str:
    """A week as people say it: the Monday it starts on."""
    return f"{week.day} {week:%B %Y}"


def period_text(figures: Figures) -> str:
    """The period the counts of people cover, in words."""
    return f"the {figures.filters.weeks} weeks from Monday {week_text(figures.first_week)} to now"


ROW_MEASURES: tuple[tuple[Column, Callable[[Row], Cell]], ...] = (
    (Column("Live listings"), lambda row: number_cell(row.live_listings)),
    (Column("Places offered"), lambda row: number_cell(row.places)),
    (Column("Expressions of interest", PEOPLE), lambda row: people_cell(row.expressions_of_interest)),
    (Column("Expressions of interest per place", RATIO), per_place_cell),
    (Column("Registered interest", PEOPLE), lambda row: people_cell(row.registered_interest)),
    (Column("Suggested by Find your fit", PEOPLE), lambda row: people_cell(row.suggested)),
    (Column("Opened from Find your fit", PEOPLE), lambda row: people_cell(row.opened)),
)


def _breakdowns(level_names: Mapping[str, str]) -> list[tuple[Column, Callable[[Row], Cell]]]:
    """Live listings by type and by level: in the CSV, left off the page to keep it readable."""
    by_type = [
        (Column(f"Live listings: {name}", on_page=False), _by("listings_by_type", kind))
        for kind, name in OPPORTUNITY_TYPES.items()
    ]
    by_level = [
        (
            Column(f"Live listings at level: {level_names.get(level, level)}", on_page=False),
            _by("listings_by_level", level),
        )
        for level in LEVELS
    ]
    return by_type + by_level


def _by(attribute: str, key: str) -> Callable[[Row], Cell]:
    return lambda row: number_cell(getattr(row, attribute).get(key, 0))


def _notes(rows: Sequence[Sequence[Cell]], dropped: Sequence[str]) -> list[str]:
    notes = []
    cells = [cell for row in rows for cell in row]
    if any(cell.withheld for cell in cells):
        notes.append("Withheld: only counts of 1 to 4 people are behind this figure, so it is not shown.")
    if any(cell.note == PARTLY_WITHHELD for cell in cells):
        notes.append(
            "Plus withheld: some weekly counts of 1 to 4 people were left out of this figure; "
            "the range says what the full figure could be."
        )
    if dropped:
        notes.append(f"Not recorded by region, so not shown here: {'; '.join(dropped)}.")
    return notes


def _table(name: str, caption: str, columns: list[Column], rows: list[list[Cell]]) -> Table:
    """A table without the columns that are not recorded for any of its rows."""
    unrecorded = [i for i in range(len(columns)) if rows and all(row[i].note == NOT_RECORDED for row in rows)]
    kept = [i for i in range(len(columns)) if i not in unrecorded]
    dropped = [columns[i].heading for i in unrecorded]
    kept_rows = [[row[i] for i in kept] for row in rows]
    return Table(
        name,
        caption,
        tuple(columns[i] for i in kept),
        tuple(tuple(row) for row in kept_rows),
        tuple(_notes(kept_rows, dropped)),
    )


def _row_table(
    name: str,
    caption: str,
    label_columns: list[Column],
    labels: Callable[[Row], list[Cell]],
    rows: Sequence[Row],
    level_names: Mapping[str, str],
) -> Table:
    measures = [*ROW_MEASURES, *_breakdowns(level_names)]
    columns = label_columns + [column for column, _ in measures]
    cells = [labels(row) + [cell(row) for _, cell in measures] for row in rows]
    return _table(name, caption, columns, cells)


def areas_table(figures: Figures, level_names: Mapping[str, str]) -> Table:
    """One row per service area."""
    areas = figures.cells.areas
    return _row_table(
        "areas",
        "Figures for each service area",
        [Column("Service area", TEXT), Column("Division", TEXT)],
        lambda row: [
            Cell(row.label, row.label, slug=row.key),
            Cell(areas[row.key].division, areas[row.key].division),
        ],
        figures.by_area(),
        level_names,
    )


def divisions_table(figures: Figures, level_names: Mapping[str, str]) -> Table:
    """One row per division."""
    return _row_table(
        "divisions",
        "Figures for each division",
        [Column("Division", TEXT)],
        lambda row: [Cell(row.label, row.label)],
        figures.by_division(),
        level_names,
    )


def regions_table(figures: Figures, level_names: Mapping[str, str]) -> Table:
    """One row per NHS England region or devolved nation."""
    return _row_table(
        "regions",
        "Figures for each region and nation",
        [Column("Region or nation", TEXT)],
        lambda row: [Cell(row.label, row.label)],
        figures.by_region(),
        level_names,
    )


def weeks_table(figures: Figures, level_names: Mapping[str, str] | None = None) -> Table:
    """One row per week of the period, oldest first."""
    columns = [
        Column("Week starting", TEXT),
        Column("Listings that went live"),
        Column("Places that went live"),
        Column("Expressions of interest", PEOPLE),
        Column("Registered interest", PEOPLE),
        Column("Suggested by Find your fit", PEOPLE),
        Column("Opened from Find your fit", PEOPLE),
    ]
    rows = [
        [
            Cell(week_text(week.week), week.week.isoformat()),
            number_cell(week.listings_went_live),
            number_cell(week.places_went_live),
            people_cell(week.expressions_of_interest),
            people_cell(week.registered_interest),
            people_cell(week.suggested),
            people_cell(week.opened),
        ]
        for week in figures.by_week()
    ]
    return _table("weeks", "Week by week", columns, rows)


def _listing_totals(
    name: str, caption: str, heading: str, counts: Mapping[str, int], labels: Mapping[str, str]
) -> Table:
    rows = [[Cell(text, text), number_cell(counts.get(key, 0))] for key, text in labels.items()]
    return _table(name, caption, [Column(heading, TEXT), Column("Live listings")], rows)


def types_table(figures: Figures, level_names: Mapping[str, str] | None = None) -> Table:
    """Live listings of each type, for everything the filters cover."""
    counts = figures.overall().listings_by_type
    return _listing_totals("types", "Live listings by type", "Type", counts, OPPORTUNITY_TYPES)


def levels_table(figures: Figures, level_names: Mapping[str, str]) -> Table:
    """Live listings at each career level, for everything the filters cover."""
    counts = figures.overall().listings_by_level
    labels = {level: level_names.get(level, level) for level in LEVELS}
    return _listing_totals("levels", "Live listings by career level", "Career level", counts, labels)


SHORTAGE_COLUMNS = (
    Column("Rank"),
    Column("Service area", TEXT),
    Column("Places offered"),
    Column("People who showed interest", PEOPLE),
    Column("Places for each person", on_page=False),
    Column("Small numbers", TEXT),
    Column("What it means", TEXT),
)


def _ranked_cells(rank: int, row: ShortageRow) -> list[Cell]:
    ratio = round(row.places_per_person, 3)
    small = "Yes: treat with care" if row.small_numbers else "No"
    return [
        number_cell(rank),
        Cell(row.name, row.name, slug=row.slug),
        number_cell(row.places),
        people_cell(row.interest),
        Cell(f"{ratio:,}", ratio),
        Cell(small, "yes" if row.small_numbers else "no"),
        Cell(row.sentence, row.sentence),
    ]


def ranking_table(name: str, caption: str, rows: Sequence[ShortageRow]) -> Table:
    """One shortage ranking, best-evidenced imbalance first."""
    cells = [_ranked_cells(rank, row) for rank, row in enumerate(rows, start=1)]
    return _table(name, caption, list(SHORTAGE_COLUMNS), cells)


PLACES_OUTRUN = "Places outrun interest"
INTEREST_OUTRUNS = "Interest outruns places"


def shortage_table(result: Shortage) -> Table:
    """Both rankings in one table, with a column saying which each row is in (for the CSV)."""
    columns = [Column("Ranking", TEXT), *SHORTAGE_COLUMNS]
    rows = [
        [Cell(ranking, ranking), *_ranked_cells(rank, row)]
        for ranking, ranked in (
            (PLACES_OUTRUN, result.places_outrun_interest),
            (INTEREST_OUTRUNS, result.interest_outruns_places),
        )
        for rank, row in enumerate(ranked, start=1)
    ]
    return _table("shortage", "Where places and interest are out of balance", columns, rows)


@dataclass(frozen=True)
class Period:
    """What every CSV row says about where its figures come from."""

    weeks: int
    first_week: date
    last_week: date
    demonstration: bool

    @classmethod
    def of(cls, figures: Figures) -> Period:
        """The period and data source of ``figures``."""
        return cls(figures.filters.weeks, figures.first_week, figures.weeks[-1], figures.includes_demo)

    def notes(self) -> str:
        """The withholding rule, and the demonstration marking when it applies."""
        return f"{WITHHELD_RULE}. {DEMONSTRATION}." if self.demonstration else f"{WITHHELD_RULE}."


def _csv_fields(column: Column) -> list[tuple[str, Callable[[Cell], object]]]:
    """A column's CSV columns: its value, then for counts of people its note and range."""
    fields: list[tuple[str, Callable[[Cell], object]]] = [(column.heading, lambda cell: cell.value)]
    if column.kind in (RATIO, PEOPLE):
        fields.append((f"{column.heading}: note", lambda cell: cell.note))
    if column.kind == PEOPLE:
        fields.append((f"{column.heading}: at least", lambda cell: cell.at_least))
        fields.append((f"{column.heading}: at most", lambda cell: cell.at_most))
    return fields


PERIOD_HEADINGS = ("Weeks", "First week starting", "Last week starting", "Notes")


def table_csv(table: Table, period: Period) -> str:
    """The table as CSV: one header row, blanks where a figure is withheld or not recorded.

    Each count of people has a note column ("withheld", "plus withheld small counts" or "not
    recorded by region") and, when small counts were left out, the least and most it can be.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    fields = [field for column in table.columns for field in _csv_fields(column)]
    ending = [period.weeks, period.first_week.isoformat(), period.last_week.isoformat(), period.notes()]
    writer.writerow([neutralise(heading) for heading, _ in fields] + list(PERIOD_HEADINGS))
    for row in table.rows:
        values = [value(cell) for cell, (_, value) in zip(_spread(table, row), fields, strict=True)]
        writer.writerow([neutralise("" if value is None else str(value)) for value in values + ending])
    return out.getvalue()


def _spread(table: Table, row: Sequence[Cell]) -> list[Cell]:
    """Each cell once for every CSV column its column has."""
    return [cell for column, cell in zip(table.columns, row, strict=True) for _ in _csv_fields(column)]


TABLES: dict[str, Callable[[Figures, Mapping[str, str]], Table]] = {
    "areas": areas_table,
    "divisions": divisions_table,
    "regions": regions_table,
    "weeks": weeks_table,
    "types": types_table,
    "levels": levels_table,
}


def table_named(name: str, figures: Figures, level_names: Mapping[str, str]) -> Table | None:
    """The table called ``name`` (one of TABLE_NAMES) for ``figures``, or None if there is none."""
    if name == "shortage":
        return shortage_table(shortage(figures))
    builder = TABLES.get(name)
    return builder(figures, level_names) if builder else None


TABLE_NAMES = (*TABLES, "shortage")
