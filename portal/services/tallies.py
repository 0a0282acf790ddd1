"""Anonymous weekly counts: what stays of interest once the people who showed it have gone.

A tally row holds a kind, a subject (a service-area slug or a listing id), the Monday its week
starts on and a count: no person, no free text. The workforce figures read them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.models import AnonymousTally

AREA_INTEREST = "area-interest"
EXPRESSION_OF_INTEREST = "expression-of-interest"


def week_start(at: datetime) -> datetime:
    """Midnight UTC on the Monday of the week ``at`` falls in."""
    day = at.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=day.weekday())


def add_to_tally(kind: str, subject: str, at: datetime | None = None) -> None:
    """Count one more ``kind`` for ``subject`` in the week of ``at`` (default now)."""
    week = week_start(at or datetime.now(UTC))
    tally = db.session.scalar(
        select(AnonymousTally).where(
            AnonymousTally.kind == kind, AnonymousTally.subject == subject, AnonymousTally.week_start == week
        )
    )
    if tally is None:
        tally = AnonymousTally(kind=kind, subject=subject, week_start=week, count=0)
        db.session.add(tally)
    tally.count += 1
    db.session.flush()


def tally_total(kind: str, subject: str) -> int:
    """Every count of ``kind`` for ``subject``, all weeks together."""
    rows = db.session.scalars(
        select(AnonymousTally.count).where(AnonymousTally.kind == kind, AnonymousTally.subject == subject)
    )
    return sum(rows)
