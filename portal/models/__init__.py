"""Typed SQLAlchemy models, one module per aggregate."""

from portal.models.content import EntryRoute, ServiceArea, ServiceAreaRoute
from portal.models.matching import MatchFeedback, MatchingIndexFile, MatchingIndexVersion
from portal.models.outbox import OutboxMessage

__all__ = [
    "EntryRoute",
    "MatchFeedback",
    "MatchingIndexFile",
    "MatchingIndexVersion",
    "OutboxMessage",
    "ServiceArea",
    "ServiceAreaRoute",
]
