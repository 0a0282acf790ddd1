"""How well a live listing answers a keyword: the matcher's service-area scores and the words it holds.

A listing scores as its best area for the keyword (from the matcher's index of service areas) plus
a boost for the share of the keyword's words that start a word of its ``search_text``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from sqlalchemy import ColumnElement, or_, select

from matching import Matcher
from matching.wordlists import STOP_WORDS
from portal.extensions import db
from portal.models import Opportunity, OpportunityArea
from portal.services.matching import IndexUnavailableError, current_matcher

# Asking for more areas than exist returns them all.
ALL_AREAS = 1000
# An area counts towards a keyword when it scores at least this, and this share of the best area.
MIN_AREA_SCORE = 0.05
RELATIVE_AREA_SCORE = 0.25
# Found words lift a listing by up to this much, above any area's score for the same query.
WORD_BOOST = 0.5
MAX_WORDS = 12
AREA_CACHE_SIZE = 256
_WORD = re.compile(r"[^\W_]+")
_area_cache: WeakKeyDictionary[Matcher, dict[str, dict[str, float]]] = WeakKeyDictionary()


def in_areas(slugs: Iterable[str]) -> ColumnElement[bool]:
    """Listings in any of ``slugs``."""
    chosen = select(OpportunityArea.opportunity_id).where(OpportunityArea.service_area_slug.in_(list(slugs)))
    return Opportunity.id.in_(chosen)


def query_words(text: str) -> list[str]:
    """The words of a keyword search worth looking for in a listing's text (no stop words)."""
    words = [w for w in _WORD.findall(text.lower()) if len(w) > 1 and w not in STOP_WORDS]
    return list(dict.fromkeys(words))[:MAX_WORDS]


def area_scores(text: str) -> dict[str, float]:
    """Service areas the matcher finds for ``text`` that score well enough to count, slug to score."""
    try:
        matcher = current_matcher()
    except IndexUnavailableError:
        # Without an index the keyword still finds listings by their words.
        return {}
    # The matcher explains every match it returns, most of a search's time: the next page, the feed
    # and repeated searches reuse the answer while this worker holds the same index.
    cache = _area_cache.setdefault(matcher, {})
    if text not in cache:
        if len(cache) >= AREA_CACHE_SIZE:
            cache.clear()
        matches = matcher.query(text, k=ALL_AREAS).matches
        floor = max(MIN_AREA_SCORE, RELATIVE_AREA_SCORE * matches[0].score) if matches else 0.0
        cache[text] = {match.id: match.score for match in matches if match.score >= floor}
    return cache[text]


@dataclass
class Keyword:
    """A keyword search worked out once: area scores and the words to look for."""

    areas: dict[str, float]
    words: list[str]
    patterns: list[re.Pattern[str]]

    @classmethod
    def read(cls, text: str) -> Keyword:
        words = query_words(text)
        # A word counts where it starts a word of the text: "physio" finds "physiology", "lab" not "collab".
        return cls(area_scores(text), words, [re.compile(rf"\b{re.escape(word)}") for word in words])

    def condition(self) -> ColumnElement[bool] | None:
        """Listings that can score at all: in a matched area, or holding one of the words."""
        parts = [Opportunity.search_text.contains(w, autoescape=True) for w in self.words]
        if self.areas:
            parts.append(in_areas(self.areas))
        return or_(*parts) if parts else None

    def score(self, best_area: float, text: str) -> float:
        """A listing's relevance: its best area's score plus the share of the words its text holds."""
        if not self.words:
            return best_area
        found = sum(1 for pattern in self.patterns if pattern.search(text))
        return best_area + WORD_BOOST * found / len(self.words)


def best_area_scores(keyword: Keyword) -> dict[int, float]:
    """Each listing in the keyword's areas, with the score of its best one."""
    if not keyword.areas:
        return {}
    # By area alone (the slug index) rather than by a long list of ids; unwanted ids are never looked up.
    statement = select(OpportunityArea.opportunity_id, OpportunityArea.service_area_slug).where(
        OpportunityArea.service_area_slug.in_(list(keyword.areas))
    )
    best: dict[int, float] = {}
    for opportunity_id, slug in db.session.execute(statement):
        best[opportunity_id] = max(best.get(opportunity_id, 0.0), keyword.areas[slug])
    return best
