"""Quality gates for the published profiles: readable, distinct, and titled without confusion."""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from itertools import combinations

import numpy as np
import textstat
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from portal.content.files import CONTENT_DIR, read_content
from portal.content.validation import SUMMARY_WORDS, word_count

CONTENT = read_content(CONTENT_DIR)
PROFILES = CONTENT.profiles
MAX_SIMILARITY = 0.8
MIN_MEDIAN_READING_EASE = 60
MIN_READING_EASE = 45


def test_there_are_at_least_165_profiles():
    assert len(PROFILES) >= 165


def test_every_summary_is_40_to_70_words():
    wrong = {
        slug: word_count(p["summary"])
        for slug, p in PROFILES.items()
        if not SUMMARY_WORDS[0] <= word_count(p["summary"]) <= SUMMARY_WORDS[1]
    }
    assert not wrong


def test_summaries_are_easy_to_read():
    scores = {slug: textstat.flesch_reading_ease(p["summary"]) for slug, p in PROFILES.items()}
    median = statistics.median(scores.values())
    hardest = sorted(scores.items(), key=lambda item: item[1])[:5]
    print(f"\nFlesch reading ease: median {median:.1f}; hardest {hardest}")
    assert median >= MIN_MEDIAN_READING_EASE
    assert min(scores.values()) >= MIN_READING_EASE, hardest


def _closest_pairs(texts: dict[str, str], top: int = 5) -> list[tuple[float, str, str]]:
    slugs = list(texts)
    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts.values())
    similarity = cosine_similarity(matrix)
    np.fill_diagonal(similarity, 0)
    pairs = [(float(similarity[i, j]), slugs[i], slugs[j]) for i, j in combinations(range(len(slugs)), 2)]
    return sorted(pairs, reverse=True)[:top]


def test_no_two_summaries_are_near_copies():
    pairs = _closest_pairs({slug: p["summary"] for slug, p in PROFILES.items()})
    print(f"\nClosest summaries: {pairs}")
    assert pairs[0][0] < MAX_SIMILARITY, pairs


def test_no_two_summaries_with_day_to_day_are_near_copies():
    texts = {slug: " ".join([p["summary"], *p["day_to_day"]]) for slug, p in PROFILES.items()}
    pairs = _closest_pairs(texts)
    print(f"\nClosest summary + day-to-day: {pairs}")
    assert pairs[0][0] < MAX_SIMILARITY, pairs


def _connected(a: str, b: str) -> bool:
    """Areas may share a job title when they are in one family or point to each other."""
    pa, pb = PROFILES[a], PROFILES[b]
    family = {a, pa["parent"], *pa["children"]}
    if b in family or (pa["parent"] and pa["parent"] in {pb["parent"], b}):
        return True
    if pb["parent"] and PROFILES[pb["parent"]]["parent"] in family:
        return True
    return b in pa["related"] or a in pb["related"] or pa["theme"] == pb["theme"]


def test_alternative_titles_are_not_shared_by_unrelated_areas():
    holders = defaultdict(set)
    for slug, profile in PROFILES.items():
        for title in profile["alternative_titles"]:
            holders[title.lower()].add(slug)
    unrelated = {
        title: sorted(slugs)
        for title, slugs in holders.items()
        if any(not _connected(a, b) for a, b in combinations(sorted(slugs), 2))
    }
    assert not unrelated


def test_every_abbreviation_defined_is_used_somewhere():
    """Listed by a profile, or written in the content or a template, so a page can need its expansion."""
    listed = {a for p in PROFILES.values() for a in p["abbreviations"]}
    files = [*CONTENT_DIR.rglob("*.*"), *(CONTENT_DIR.parent / "templates").rglob("*.*")]
    written = " ".join(path.read_text() for path in files if path.name != "abbreviations.yaml")
    unused = {
        a
        for a in set(CONTENT.abbreviations) - listed
        if not re.search(rf"(?<![\w-]){re.escape(a)}(?![\w-])", written)
    }
    assert unused == set()
