"""One kind's answer to a query while it is worked out, and how its best rows are picked."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from matching.explain import QueryView
from matching.index import KindIndex
from matching.ranking import LearnedModel
from matching.titles import TitleLikeness


def top_rows(scores: np.ndarray, k: int, accept: Callable[[int], bool] | None = None) -> list[int]:
    """Rows of the ``k`` highest positive scores passing ``accept``; ties go to the earlier row."""
    positive = np.flatnonzero(scores > 0)
    size = k if accept is None else 4 * k
    while True:
        pool = positive
        if size < len(positive):
            cut = np.partition(scores[positive], -size)[-size]
            pool = positive[scores[positive] >= cut]
        ordered = pool[np.lexsort((pool, -scores[pool]))]
        chosen = [int(row) for row in ordered if accept is None or accept(int(row))][:k]
        if len(chosen) >= k or len(pool) == len(positive):
            return chosen
        size *= 4


@dataclass
class KindSearch:
    """One kind's answer to a query before the kinds are merged."""

    index: KindIndex
    view: QueryView
    scores: np.ndarray
    rows: list[int]
    overlaps: bool
    char_scores: np.ndarray
    # The fixed-weight scores, when ``scores`` are a learned model's probabilities.
    fused: np.ndarray | None = None
    model: LearnedModel | None = None
    # How much the wanted words look like a job title, worked out once per query.
    likeness: TitleLikeness | None = None
