"""Score thresholds learnt from the corpus itself, and the fit bands they give."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from matching.documents import Document
from matching.index import field_weight
from matching.wordlists import OFF_TOPIC_TEXTS

# Enough self-queries to see the shape of genuine scores without slowing fit on a large corpus.
MAX_CALIBRATION_DOCUMENTS = 50
RANDOM_TEXTS = 24
# Fields weighted at least this much hold short phrases (titles, keywords) like the ones people type.
PHRASE_FIELD_WEIGHT = 2.0
# A top match scoring like the weaker tenth of job-title queries is strong enough to be the "best" fit.
STRONG_QUANTILE = 0.1
_LETTERS = np.array(list("abcdefghijklmnopqrstuvwxyz"))


def random_texts(count: int = RANDOM_TEXTS, seed: int = 20240601) -> list[str]:
    """Strings of random letters shaped like words: what gibberish scores against the corpus."""
    rng = np.random.default_rng(seed)
    texts = []
    for _ in range(count):
        words = [
            "".join(rng.choice(_LETTERS, size=int(rng.integers(3, 9)))) for _ in range(rng.integers(1, 5))
        ]
        texts.append(" ".join(words))
    return texts


def field_items(document: Document, weights: dict[str, float], minimum: float) -> list[str]:
    """The items of a document's fields weighted at least ``minimum``."""
    return [
        item
        for name in sorted(document.fields)
        if field_weight(weights, name) >= minimum
        for item in document.field_text(name)
    ]


def balanced_threshold(non_match: Sequence[float], genuine: Sequence[float]) -> float:
    """The score that lets through as few non-matches as it turns away genuine queries (equal error).

    Errors only change at observed scores, so the best threshold is a gap between two of them; take the
    middle of the lowest such gap, as far from the non-matches below as from the genuine scores above.
    """
    non_match, genuine = np.sort(non_match), np.sort(genuine)
    candidates = np.unique(np.concatenate([[0.0], non_match, genuine]))
    let_through = (len(non_match) - np.searchsorted(non_match, candidates, side="left")) / len(non_match)
    turned_away = np.searchsorted(genuine, candidates, side="left") / len(genuine)
    best = int(np.argmin(np.maximum(let_through, turned_away)))
    return float((candidates[best - 1] + candidates[best]) / 2) if best > 0 else float(candidates[0])


def calibrate(
    documents: Sequence[Document],
    weights: dict[str, float],
    scores: Callable[[str], np.ndarray],
    confidence: Callable[[str], float],
) -> dict[str, float]:
    """Thresholds for one kind: where non-matches stop, and where a match is clearly strong.

    ``confidence`` gives a query's confidence score (see ``Matcher``); ``scores`` every document's score.
    Genuine queries are the documents' own short phrases (titles, keywords); non-matches are sentences
    about other jobs and random letters.
    """
    non_match = [confidence(text) for text in [*OFF_TOPIC_TEXTS, *random_texts()]]
    rows = range(0, len(documents), max(1, len(documents) // MAX_CALIBRATION_DOCUMENTS))
    genuine = [
        confidence(text) for row in rows for text in field_items(documents[row], weights, PHRASE_FIELD_WEIGHT)
    ]
    top_weight = [
        max((field_weight(weights, name) for name in documents[row].fields), default=0.0) for row in rows
    ]
    titles = [
        float(scores(text)[row])
        for row, weight in zip(rows, top_weight, strict=True)
        for text in field_items(documents[row], weights, weight)
    ]
    threshold = balanced_threshold(non_match, genuine) if genuine else float(max(non_match))
    strong = float(np.quantile(titles, STRONG_QUANTILE)) if titles else 1.0
    return {"non_match": threshold, "strong": max(strong, threshold)}


def fit_bands(
    scores: Sequence[float],
    confident: bool,
    thresholds: dict[str, float],
    best_margin: float,
    great_ratio: float,
) -> list[str]:
    """``best`` for a top result that is strong and clearly ahead, ``great`` near the top, else ``good``."""
    if not confident or not scores:
        return ["good"] * len(scores)
    top = scores[0]
    runner_up = scores[1] if len(scores) > 1 else 0.0
    bands = []
    for position, value in enumerate(scores):
        if position == 0 and value >= thresholds["strong"] and top - runner_up >= best_margin * top:
            bands.append("best")
        elif value >= great_ratio * top and value >= thresholds["non_match"]:
            bands.append("great")
        else:
            bands.append("good")
    return bands
