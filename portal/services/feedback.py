"""Anonymous 'was this useful?' answers about suggestions."""

from __future__ import annotations

from portal.extensions import db
from portal.models import MatchFeedback, ServiceArea

SLUG_LENGTH = 80


def record_feedback(useful: bool, stage: str | None, top_slug: str | None, confident: bool) -> MatchFeedback:
    """Store one answer; an unknown area slug is dropped rather than trusted."""
    if top_slug and db.session.get(ServiceArea, top_slug[:SLUG_LENGTH]) is None:
        top_slug = None
    answer = MatchFeedback(useful=useful, stage=stage, top_slug=top_slug, confident=confident)
    db.session.add(answer)
    db.session.flush()
    return answer
