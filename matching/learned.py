"""The learned steps of a search: the candidates it re-ranks, their features, the re-ranking itself,
and the features of the confidence model (the models are in ``matching.ranking``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from matching.explain import understood_share, understood_shares
from matching.ranking import CANDIDATES, CONFIDENCE_FEATURES, RANKED_FIELDS, RANKING_FEATURES, LearnedModel
from matching.reading import ReadQuery
from matching.search import KindSearch, top_rows
from matching.text import title_key
from matching.titles import TitleIndex

Check = Callable[[int], bool] | None


def candidates(search: KindSearch, text: str, k: int, check: Check) -> list[int]:
    """Rows worth re-ranking: the best fused scores, and any document titled exactly as the query."""
    rows = top_rows(search.scores, max(CANDIDATES, k), check)
    exact = [r for r in search.index.titles.get(title_key(text), []) if check is None or check(r)]
    return rows + [row for row in exact if row not in rows]


def ranking_features(search: KindSearch, text: str, rows: list[int], broad: np.ndarray) -> np.ndarray:
    """One row of ``RANKING_FEATURES`` per candidate row; ``broad`` marks broad areas by position."""
    index, view = search.index, search.view
    values = np.zeros((len(rows), len(RANKING_FEATURES)))
    if not rows:
        return values
    shares, cosines = index.field_cosines(view.word, rows)
    for position, name in enumerate(index.field_names):
        if name in RANKED_FIELDS:
            values[:, RANKING_FEATURES.index(f"word:{name}")] = shares[:, position]
            values[:, RANKING_FEATURES.index(f"cosine:{name}")] = cosines[:, position]
    column = {name: RANKING_FEATURES.index(name) for name in RANKING_FEATURES}
    fused = search.scores[rows]
    exact = set(index.titles.get(title_key(text), []))
    values[:, column["char"]] = search.char_scores[rows]
    values[:, column["fused"]] = fused
    values[:, column["relative"]] = fused / max(float(search.scores.max()), 1e-9)
    values[:, column["exact_title"]] = [row in exact for row in rows]
    values[:, column["understood"]] = understood_shares(view, index, rows)
    if view.dislike_scores is not None:
        values[:, column["dislike"]] = view.dislike_scores[rows]
    values[:, column["broad"]] = broad[index.rows[rows]]
    return values


def rerank(
    search: KindSearch, model: LearnedModel, text: str, k: int, check: Check, broad: np.ndarray
) -> KindSearch:
    """The candidates ordered by the learned model's probability that each is what the person wants."""
    chosen = candidates(search, text, k, check)
    probabilities = model.ranking.probability(ranking_features(search, text, chosen, broad))
    scores = np.zeros_like(search.scores)
    scores[chosen] = probabilities
    rows = top_rows(scores, k, check)
    return replace(search, scores=scores, rows=rows, fused=search.scores, model=model)


def confidence_features(search: KindSearch, query: ReadQuery, titles: TitleIndex) -> np.ndarray:
    """One row of ``CONFIDENCE_FEATURES`` for a re-ranked search."""
    values = np.zeros(len(CONFIDENCE_FEATURES))
    column = {name: CONFIDENCE_FEATURES.index(name) for name in CONFIDENCE_FEATURES}
    words = [f for f in search.view.features if " " not in f.name]
    likeness = search.likeness or titles.likeness(query.positive)
    values[column["area_title"]] = likeness.area
    values[column["neighbour_title"]] = likeness.neighbour
    values[column["words"]] = np.log1p(len(words))
    vocabulary = search.index.word_vectorizer.vocabulary_
    unknown = [f for f in words if f.name not in vocabulary and not search.view.similar.get(f.name)]
    values[column["unknown_words"]] = len(unknown) / len(words) if words else 1.0
    if not search.rows:
        return values
    top = search.rows[0]
    second = float(search.scores[search.rows[1]]) if len(search.rows) > 1 else 0.0
    values[column["top_probability"]] = float(search.scores[top])
    values[column["lead"]] = float(search.scores[top]) - second
    values[column["top_fused"]] = float(search.fused[top]) if search.fused is not None else 0.0
    values[column["understood"]] = understood_share(search.view, search.index, top)
    return values
