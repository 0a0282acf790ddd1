"""Explainable text matching for service areas and opportunities (numpy, scipy, scikit-learn only)."""

from matching.documents import Document, Match, QueryResult, Reason
from matching.matcher import Matcher
from matching.persistence import MatcherLoadError

__all__ = ["Document", "Match", "Matcher", "MatcherLoadError", "QueryResult", "Reason"]
