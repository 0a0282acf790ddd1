"""Anonymous weekly tallies: one row per kind, subject, week and origin, and a count that only grows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AnonymousTally
from portal.services.tallies import (
    AREA_INTEREST,
    EXPRESSION_OF_INTEREST,
    KINDS,
    OPENED,
    SUGGESTED,
    add_to_tallies,
    add_to_tally,
    tally_total,
    week_start,
)

# A Wednesday afternoon; its week starts on Monday 3 June 2024.
WEDNESDAY = datetime(2024, 6, 5, 15, 30, tzinfo=UTC)
MONDAY = datetime(2024, 6, 3, tzinfo=UTC)


def _utc(at: datetime) -> datetime:
    # SQLite hands back naive datetimes; what was stored is UTC either way.
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _rows(kind: str | None = None) -> list[tuple[str, str, datetime, int, bool]]:
    statement = select(AnonymousTally).order_by(
        AnonymousTally.kind, AnonymousTally.subject, AnonymousTally.week_start, AnonymousTally.is_demo
    )
    if kind is not None:
        statement = statement.where(AnonymousTally.kind == kind)
    return [
        (row.kind, row.subject, _utc(row.week_start), row.count, row.is_demo)
        for row in db.session.scalars(statement)
    ]


def test_each_subject_is_counted_and_a_subject_named_twice_counts_twice(db_session):
    add_to_tallies(SUGGESTED, ["audiology", "andrology", "audiology"], at=WEDNESDAY)
    assert _rows() == [
        (SUGGESTED, "andrology", MONDAY, 1, False),
        (SUGGESTED, "audiology", MONDAY, 2, False),
    ]


def test_by_counts_that_many_for_each_time_a_subject_is_named(db_session):
    add_to_tallies(EXPRESSION_OF_INTEREST, ["17", "17", "23"], at=WEDNESDAY, by=3)
    assert _rows() == [
        (EXPRESSION_OF_INTEREST, "17", MONDAY, 6, False),
        (EXPRESSION_OF_INTEREST, "23", MONDAY, 3, False),
    ]


def test_the_upsert_adds_to_the_count_rather_than_replacing_it(db_session):
    add_to_tallies(OPENED, ["audiology"], at=WEDNESDAY, by=4)
    add_to_tallies(OPENED, ["audiology"], at=MONDAY + timedelta(days=6, hours=23), by=2)
    add_to_tally(OPENED, "audiology", at=MONDAY)
    assert _rows() == [(OPENED, "audiology", MONDAY, 7, False)]


@pytest.mark.parametrize(
    ("at", "monday"),
    [
        (WEDNESDAY, MONDAY),
        (MONDAY, MONDAY),
        (datetime(2024, 6, 9, 23, 59, 59, tzinfo=UTC), MONDAY),
        (datetime(2024, 6, 10, tzinfo=UTC), datetime(2024, 6, 10, tzinfo=UTC)),
        # Half past midnight on Monday in Paris is still Sunday in UTC: last week.
        (datetime(2024, 6, 10, 0, 30, tzinfo=timezone(timedelta(hours=2))), MONDAY),
        # Late on Sunday in New York is already Monday in UTC: next week.
        (datetime(2024, 6, 2, 21, 0, tzinfo=timezone(timedelta(hours=-4))), MONDAY),
    ],
)
def test_weeks_start_at_midnight_utc_on_monday(db_session, at, monday):
    assert week_start(at) == monday and week_start(at).tzinfo is not None
    add_to_tallies(AREA_INTEREST, ["audiology"], at=at)
    assert _rows() == [(AREA_INTEREST, "audiology", monday, 1, False)]


def test_a_tally_without_a_time_is_counted_in_this_week(db_session):
    add_to_tally(AREA_INTEREST, "audiology")
    [(_, _, week, count, _)] = _rows()
    assert count == 1 and week == week_start(datetime.now(UTC))
    assert week.weekday() == 0 and (week.hour, week.minute, week.second) == (0, 0, 0)


def test_weeks_are_kept_apart(db_session):
    add_to_tallies(AREA_INTEREST, ["audiology"], at=WEDNESDAY)
    add_to_tallies(AREA_INTEREST, ["audiology"], at=WEDNESDAY + timedelta(weeks=1), by=5)
    assert _rows() == [
        (AREA_INTEREST, "audiology", MONDAY, 1, False),
        (AREA_INTEREST, "audiology", MONDAY + timedelta(weeks=1), 5, False),
    ]


def test_an_unknown_kind_is_refused_and_nothing_is_written(db_session):
    with pytest.raises(ValueError, match="'area_interest' is not a tally kind"):
        add_to_tallies("area_interest", ["audiology"], at=WEDNESDAY)
    assert _rows() == []
    assert set(KINDS) == {AREA_INTEREST, EXPRESSION_OF_INTEREST, SUGGESTED, OPENED}


def test_no_subjects_writes_nothing(db_session):
    add_to_tallies(SUGGESTED, [], at=WEDNESDAY)
    add_to_tallies(SUGGESTED, iter(()), at=WEDNESDAY)
    assert _rows() == []


def test_demonstration_and_real_tallies_are_kept_apart(db_session):
    add_to_tallies(AREA_INTEREST, ["audiology"], at=WEDNESDAY, by=2)
    add_to_tallies(AREA_INTEREST, ["audiology"], at=WEDNESDAY, by=5, is_demo=True)
    add_to_tallies(AREA_INTEREST, ["audiology"], at=WEDNESDAY, by=1, is_demo=True)
    assert _rows() == [
        (AREA_INTEREST, "audiology", MONDAY, 2, False),
        (AREA_INTEREST, "audiology", MONDAY, 6, True),
    ]
    # The total reads both: the figures say when demonstration data is in them.
    assert tally_total(AREA_INTEREST, "audiology") == 8


def test_kinds_and_subjects_are_kept_apart_and_totals_cover_every_week(db_session):
    add_to_tallies(AREA_INTEREST, ["audiology"], at=WEDNESDAY, by=2)
    add_to_tallies(SUGGESTED, ["audiology"], at=WEDNESDAY, by=9)
    add_to_tallies(AREA_INTEREST, ["audiology"], at=WEDNESDAY - timedelta(weeks=30), by=3)
    add_to_tallies(AREA_INTEREST, ["andrology"], at=WEDNESDAY, by=4)
    assert tally_total(AREA_INTEREST, "audiology") == 5
    assert tally_total(SUGGESTED, "audiology") == 9
    assert tally_total(OPENED, "audiology") == 0
    assert len(_rows(AREA_INTEREST)) == 3
