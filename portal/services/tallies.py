"""Anonymous weekly counts: what stays of interest once the people who showed it have gone.

A tally row holds a kind, a subject (a service-area slug or a listing id), the Monday its week
starts on and a count: no person, no free text. The workforce figures read them. Each count is one
``INSERT ... ON CONFLICT DO UPDATE`` statement, so recording costs a page one round trip and two
workers counting the same thing at once cannot lose a count.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from portal.extensions import db
from portal.models import AnonymousTally

AREA_INTEREST = "area-interest"
EXPRESSION_OF_INTEREST = "expression-of-interest"
# Find your fit: each area in the results shown, and each result someone opened.
SUGGESTED = "suggested"
OPENED = "opened"
KINDS = (AREA_INTEREST, EXPRESSION_OF_INTEREST, SUGGESTED, OPENED)


def week_start(at: datetime) -> datetime:
    """Midnight UTC on the Monday of the week ``at`` falls in."""
    day = at.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=day.weekday())


def _upsert():
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(AnonymousTally)


def add_to_tallies(
    kind: str, subjects: Iterable[str], at: datetime | None = None, *, by: int = 1, is_demo: bool = False
) -> None:
    """Count ``by`` more ``kind`` for each of ``subjects`` (a subject named twice counts twice)."""
    if kind not in KINDS:
        raise ValueError(f"{kind!r} is not a tally kind")
    counts = Counter(subjects)
    if not counts:
        return
    week = week_start(at or datetime.now(UTC))
    rows = [
        {"kind": kind, "subject": subject, "week_start": week, "count": by * times, "is_demo": is_demo}
        for subject, times in sorted(counts.items())
    ]
    statement = _upsert().values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=["kind", "subject", "week_start", "is_demo"],
        set_={"count": AnonymousTally.count + statement.excluded.count},
    )
    db.session.execute(statement)


def add_to_tally(kind: str, subject: str, at: datetime | None = None) -> None:
    """Count one more ``kind`` for ``subject`` in the week of ``at`` (default now)."""
    add_to_tallies(kind, [subject], at)


def tally_total(kind: str, subject: str) -> int:
    """Every count of ``kind`` for ``subject``, all weeks together (demonstration counts included)."""
    return db.session.scalar(
        select(func.coalesce(func.sum(AnonymousTally.count), 0)).where(
            AnonymousTally.kind == kind, AnonymousTally.subject == subject
        )
    )
