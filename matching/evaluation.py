"""Ranking quality measures used by the benchmark: top-k accuracy and mean reciprocal rank."""

from __future__ import annotations

from collections.abc import Collection, Sequence


def _check(ranked_ids_per_query: Sequence[Sequence[str]], expected_sets: Sequence[Collection[str]]) -> None:
    if len(ranked_ids_per_query) != len(expected_sets):
        raise ValueError(f"{len(ranked_ids_per_query)} rankings but {len(expected_sets)} expected sets")


def top_k_accuracy(
    ranked_ids_per_query: Sequence[Sequence[str]], expected_sets: Sequence[Collection[str]], k: int
) -> float:
    """Share of queries with an expected id among the first ``k`` ranked ids (0.0 for no queries)."""
    _check(ranked_ids_per_query, expected_sets)
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    if not ranked_ids_per_query:
        return 0.0
    pairs = zip(ranked_ids_per_query, expected_sets, strict=True)
    hits = sum(1 for ranked, expected in pairs if set(ranked[:k]) & set(expected))
    return hits / len(ranked_ids_per_query)


def reciprocal_rank(ranked_ids: Sequence[str], expected: Collection[str]) -> float:
    """1 / the position of the first expected id in ``ranked_ids``, or 0.0 if none is there."""
    for position, document_id in enumerate(ranked_ids, start=1):
        if document_id in expected:
            return 1.0 / position
    return 0.0


def mean_reciprocal_rank(
    ranked_ids_per_query: Sequence[Sequence[str]], expected_sets: Sequence[Collection[str]]
) -> float:
    """Mean over queries of the reciprocal rank of the first expected id (0.0 for no queries)."""
    _check(ranked_ids_per_query, expected_sets)
    if not ranked_ids_per_query:
        return 0.0
    total = sum(
        reciprocal_rank(ranked, set(expected))
        for ranked, expected in zip(ranked_ids_per_query, expected_sets, strict=True)
    )
    return total / len(ranked_ids_per_query)
