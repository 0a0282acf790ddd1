"""The shortage signal: areas where places outrun interest, and where interest outruns places.

Interest is people who registered interest in an area plus expressions of interest in its listings;
places are those on listings live now. Where weekly counts of 1 to 4 were withheld, interest is
known only between a least and a most (each withheld week is 1 to 4 people), so an area is said to
have places outrunning interest only if they outrun the most it could be, and interest outrunning
places only if the least it could be does. Ratios add one to each side, so an area with one place
and nobody interested does not top the list on a ratio of infinity.
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.services.workforce.figures import Count, Figures, Row, add

# Below these an area is not ranked at all: a signal needs something on both sides to compare.
LEAST_PLACES_TO_RANK = 5
LEAST_INTEREST_TO_RANK = 5
# Two to one either way is where an imbalance is worth someone's attention.
IMBALANCE = 2.0
# Fewer than this on either side and a row says its numbers are small.
SMALL = 20
SHOWN = 10


@dataclass(frozen=True)
class ShortageRow:
    """One ranked area, with the numbers behind its place and a sentence saying what they mean."""

    slug: str
    name: str
    places: int
    interest: Count
    # Places for each person interested, at the end of the interest range that makes the case weakest.
    places_per_person: float
    sentence: str
    small_numbers: bool


@dataclass(frozen=True)
class Shortage:
    """Both rankings, and what the figures cannot tell."""

    places_outrun_interest: list[ShortageRow]
    interest_outruns_places: list[ShortageRow]
    cautions: list[str]


def _interest(row: Row) -> Count:
    if row.registered_interest is None:
        return row.expressions_of_interest
    return add(row.registered_interest, row.expressions_of_interest)


def _people(count: Count) -> str:
    # A published count is 0 or at least 5, so "1 person" never arises.
    if count.withheld:
        return f"between {count.at_least:,} and {count.at_most:,} people"
    return f"{count.value:,} people"


def _places(places: int) -> str:
    return "1 place" if places == 1 else f"{places:,} places"


def _places_outrun(row: Row, weeks: int) -> ShortageRow:
    interest = _interest(row)
    ratio = (row.places + 1) / (interest.at_most + 1)
    if interest.at_most == 0:
        measure = f"{_places(row.places)} offered and nobody has shown interest in the last {weeks} weeks."
    else:
        measure = (
            f"{_places(row.places)} offered and {_people(interest)} showed interest in the last {weeks} "
            f"weeks: at least {ratio:.1f} places for each person."
        )
    sentence = f"{measure} Employers here may need to reach more people."
    return ShortageRow(
        row.key, row.label, row.places, interest, ratio, sentence, _small(row.places, interest)
    )


def _interest_outruns(row: Row, weeks: int) -> ShortageRow:
    interest = _interest(row)
    ratio = (row.places + 1) / (interest.at_least + 1)
    showed = f"{_people(interest).capitalize()} showed interest in the last {weeks} weeks"
    if row.places == 0:
        measure = f"{showed} and no places are offered at the moment."
    else:
        measure = (
            f"{showed} and {_places(row.places)} offered: at least {1 / ratio:.1f} people for each place."
        )
    sentence = f"{measure} Interest here is not being met."
    return ShortageRow(
        row.key, row.label, row.places, interest, ratio, sentence, _small(row.places, interest)
    )


def _small(places: int, interest: Count) -> bool:
    return places < SMALL or interest.at_least < SMALL


def shortage(figures: Figures) -> Shortage:
    """Rank the areas in ``figures`` both ways, with the cautions that go with the numbers."""
    rows = figures.by_area()
    weeks = figures.filters.weeks
    places_outrun = sorted(
        (
            ranked
            for ranked in (_places_outrun(row, weeks) for row in rows)
            if ranked.places >= LEAST_PLACES_TO_RANK and ranked.places_per_person >= IMBALANCE
        ),
        key=lambda r: (-r.places_per_person, -r.places, r.slug),
    )
    interest_outruns = sorted(
        (
            ranked
            for ranked in (_interest_outruns(row, weeks) for row in rows)
            if ranked.interest.at_least >= LEAST_INTEREST_TO_RANK
            and ranked.places_per_person <= 1 / IMBALANCE
        ),
        key=lambda r: (r.places_per_person, -r.interest.at_least, r.slug),
    )
    cautions = [
        "Weekly counts of 1 to 4 people are withheld to protect the people behind them, so where an "
        "area has such weeks its interest is given as a range.",
        "Registered interest counts only people who chose to be counted, and never anyone under 16. "
        "Interest is a sign of demand, not a count of applications.",
        "A listing counts in its first service area only. A listing that does not say how many "
        "places it has counts as one; events are not counted as places.",
    ]
    if figures.filters.region is not None:
        cautions.append(
            "Registered interest is not recorded by region, so within a region only expressions of "
            "interest in its listings are counted."
        )
    if figures.includes_demo:
        cautions.insert(
            0,
            "This site holds demonstration data: these figures are made up to show how the page "
            "works and say nothing about the real workforce.",
        )
    return Shortage(places_outrun[:SHOWN], interest_outruns[:SHOWN], cautions)
