"""Explainable text matching for service areas and opportunities (numpy, scipy, scikit-learn only)."""

from matching.documents import NEIGHBOURING_KIND, Document, Match, OutsideField, QueryResult, Reason
from matching.matcher import Matcher
from matching.persistence import MatcherLoadError

__all__ = [
    "NEIGHBOURING_KIND",
    "Document",
    "Match",
    "Matcher",
    "MatcherLoadError",
    "OutsideField",
    "QueryResult",
    "Reason",
]
