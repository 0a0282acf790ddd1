"""Score thresholds learnt from the corpus itself, and the fit bands they give."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from matching.documents import Document
from matching.index import KindIndex, field_weight
from matching.wordlists import OFF_TOPIC_TEXTS

# Enough self-queries to see the shape of genuine scores without slowing fit on a large corpus.
MAX_CALIBRATION_DOCUMENTS = 200
RANDOM_TEXTS = 24
_LETTERS = np.array(list("abcdefghijklmnopqrstuvwxyz"))


def random_texts(count: int = RANDOM_TEXTS, seed: int = 20240601) -> list[str]:
    """Strings of random letters shaped like words: what gibberish scores against the corpus."""
    rng = np.random.default_rng(seed)
    texts = []
    for _ in range(count):
        words = ["".join(rng.choice(_LETTERS, size=int(rng.integers(3, 9)))) for _ in range(rng.integers(1, 5))]
        texts.append(" ".join(words))
    return texts


def title_queries(document: Document, weights: dict[str, float]) -> list[str]:
    """The items of a document's most heavily weighted fields: what someone who knows the job would type."""
    if not document.fields:
        return []
    top = max(field_weight(weights, name) for name in document.fields)
    return [item for name in document.fields if field_weight(weights, name) == top for item in document.field_text(name)]


def calibrate(
    index: KindIndex,
    documents: Sequence[Document],
    weights: dict[str, float],
    score: Callable[[str], np.ndarray],
) -> dict[str, float]:
    """Thresholds for one kind: where non-matches stop and where genuine matches are clearly strong."""
    non_match = [float(score(text).max(initial=0.0)) for text in [*OFF_TOPIC_TEXTS, *random_texts()]]
    step = max(1, len(documents) // MAX_CALIBRATION_DOCUMENTS)
    genuine = []
    for row in range(0, len(documents), step):
        for text in title_queries(documents[row], weights):
            genuine.append(float(score(text)[row]))
    non_match_threshold = float(np.quantile(non_match, 0.9))
    strong = float(np.quantile(genuine, 0.1)) if genuine else 1.0
    return {
        "non_match": non_match_threshold,
        "strong": max(strong, non_match_threshold),
        "non_match_max": float(max(non_match)),
        "genuine_median": float(np.median(genuine)) if genuine else 1.0,
    }


def fit_bands(
    scores: Sequence[float], confident: bool, thresholds: dict[str, float], best_margin: float, great_ratio: float
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
