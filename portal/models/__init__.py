"""Typed SQLAlchemy models, one module per aggregate."""

from portal.models.content import EntryRoute, ServiceArea, ServiceAreaRoute
from portal.models.matching import MatchFeedback, MatchingIndexVersion

__all__ = ["EntryRoute", "MatchFeedback", "MatchingIndexVersion", "ServiceArea", "ServiceAreaRoute"]
