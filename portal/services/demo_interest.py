"""Demonstration interest: anonymous weekly tallies for the workforce figures to show, the same for a seed.

Real tallies come from people registering interest, expressing it and using Find your fit. Made-up
ones are marked ``is_demo`` (so the figures can say so, and ``demo remove`` takes them away). Some
areas draw much interest and some almost none, and many listing cells come out at 1 to 4 people,
so both the shortage ranking and the withholding of small counts have something to show.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import insert

from portal.extensions import db
from portal.models import AnonymousTally
from portal.services.tallies import AREA_INTEREST, EXPRESSION_OF_INTEREST, OPENED, SUGGESTED

WEEKS = 12
# People registering interest in an area in an average week: most areas few, a handful many.
AREA_APPEAL = (0.0, 0.2, 0.5, 1.0, 1.5, 3.0, 6.0, 12.0)
SUGGESTED_PER_INTEREST, OPENED_PER_INTEREST = 8, 3
# Expressions of interest in a listing in an average week: a few for any listing, more where the
# area draws interest.
LISTING_BASE_INTEREST, LISTING_INTEREST_PER_APPEAL = 0.15, 0.12


def _draw(rng: random.Random, mean: float) -> int:
    """A whole count around ``mean`` (exponential, so most are small and a few large)."""
    return int(rng.expovariate(1 / mean)) if mean > 0 else 0


def _row(kind: str, subject: str, week: date, count: int) -> dict:
    return {
        "kind": kind,
        "subject": subject,
        "week_start": datetime.combine(week, time(), tzinfo=UTC),
        "count": count,
        "is_demo": True,
    }


def seed_demo_tallies(
    rng: random.Random, today: date, area_slugs: Sequence[str], listings: Sequence[tuple[int, str]]
) -> int:
    """Add ``WEEKS`` weeks of made-up tallies up to this week; returns how many tally rows were written.

    ``listings`` are (id, first service area) pairs.
    """
    this_week = today - timedelta(days=today.weekday())
    weeks = [this_week - timedelta(weeks=n) for n in range(WEEKS)]
    rows = []
    appeal_of = {slug: rng.choice(AREA_APPEAL) for slug in sorted(area_slugs)}
    for slug, appeal in appeal_of.items():
        for week in weeks:
            for kind, mean in (
                (AREA_INTEREST, appeal),
                (SUGGESTED, appeal * SUGGESTED_PER_INTEREST + 1),
                (OPENED, appeal * OPENED_PER_INTEREST),
            ):
                count = _draw(rng, mean)
                if count:
                    rows.append(_row(kind, slug, week, count))
    for listing_id, slug in sorted(listings):
        mean = LISTING_BASE_INTEREST + LISTING_INTEREST_PER_APPEAL * appeal_of.get(slug, 0)
        for week in weeks:
            count = _draw(rng, mean)
            if count:
                rows.append(_row(EXPRESSION_OF_INTEREST, str(listing_id), week, count))
    if rows:
        db.session.execute(insert(AnonymousTally), rows)
    return len(rows)
