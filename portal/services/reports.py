"""Reports from the public that a listing is wrong, fake or not allowed, kept for the moderators."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select

from portal.extensions import db
from portal.models import ListingReport, Opportunity

REPORT_REASONS = {
    "wrong-or-out-of-date": "It is wrong or out of date",
    "not-real": "It is not a real opportunity",
    "discriminatory-or-offensive": "It is discriminatory or offensive",
    "asks-for-money": "It asks for money",
    "other": "Something else",
}
MAX_DETAILS = 1000
# Control characters and direction overrides: nothing a moderator needs, and they can disguise text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


class ReportError(ValueError):
    """A report that cannot be stored as it is; ``field`` is the one to correct."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def report_listing(opportunity: Opportunity, reason: str, details: str | None = None) -> ListingReport:
    """Store one report about ``opportunity`` for moderation; nothing about the person is kept."""
    if reason not in REPORT_REASONS:
        raise ReportError("reason", "Choose why you are reporting this listing")
    text = _CONTROL.sub("", details or "").strip()
    if len(text) > MAX_DETAILS:
        raise ReportError("details", f"Keep the details to {MAX_DETAILS:,} characters or fewer")
    if reason == "other" and not text:
        raise ReportError("details", "Tell us what is wrong with this listing")
    report = ListingReport(
        opportunity_id=opportunity.id,
        reason=reason,
        details=text or None,
        created_at=datetime.now(UTC),
    )
    db.session.add(report)
    db.session.flush()
    return report


def open_reports(opportunity: Opportunity) -> list[ListingReport]:
    """Reports about ``opportunity`` no moderator has resolved yet, oldest first."""
    statement = (
        select(ListingReport)
        .where(ListingReport.opportunity_id == opportunity.id, ListingReport.resolved_at.is_(None))
        .order_by(ListingReport.created_at, ListingReport.id)
    )
    return list(db.session.scalars(statement))
