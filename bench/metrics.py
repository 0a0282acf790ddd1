"""Ranking metrics, latency percentiles and result files shared by every benchmark script."""

from __future__ import annotations

import json
import os
import platform
import resource
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from corpus import RESULTS, STYLES, Query

CUTOFF = 10


def first_hit_rank(ranking: Sequence[str], wanted: Sequence[str], cutoff: int = CUTOFF) -> int | None:
    """1-based rank of the first wanted id within the cutoff, or None."""
    wanted_set = set(wanted)
    for rank, doc_id in enumerate(ranking[:cutoff], start=1):
        if doc_id in wanted_set:
            return rank
    return None


def score_rankings(queries: Sequence[Query], rankings: Sequence[Sequence[str]]) -> dict[str, dict]:
    """Per-style and overall top-1, top-3, top-3 incl. acceptable and MRR@10 (on-topic queries only)."""
    rows: dict[str, list[tuple[int | None, int | None]]] = {style: [] for style in STYLES}
    for query, ranking in zip(queries, rankings, strict=True):
        if not query.on_topic:
            continue
        rank = first_hit_rank(ranking, query.expected)
        loose = first_hit_rank(ranking, query.expected + query.acceptable)
        rows[query.style].append((rank, loose))
    rows["overall"] = [row for style in STYLES for row in rows[style]]
    return {style: _summarise(items) for style, items in rows.items() if items}


def _summarise(items: list[tuple[int | None, int | None]]) -> dict[str, float]:
    """Shares of hits and mean reciprocal rank for (rank, loose rank) pairs."""
    n = len(items)
    return {
        "n": n,
        "top1": sum(1 for rank, _ in items if rank == 1) / n,
        "top3": sum(1 for rank, _ in items if rank is not None and rank <= 3) / n,
        "top3_acceptable": sum(1 for _, loose in items if loose is not None and loose <= 3) / n,
        "mrr": sum(1 / rank for rank, _ in items if rank is not None) / n,
    }


def per_query(queries: Sequence[Query], rankings: Sequence[Sequence[str]]) -> list[dict]:
    """What each query returned (top 3) and where the first expected area came, for reading misses."""
    return [
        {
            "query": query.query,
            "style": query.style,
            "top3": list(ranking[:3]),
            "rank": first_hit_rank(ranking, query.expected),
        }
        for query, ranking in zip(queries, rankings, strict=True)
    ]


def percentiles_ms(samples_ns: Sequence[int]) -> dict[str, float]:
    """p50, p95 and max of nanosecond samples, in milliseconds (nearest-rank)."""
    ordered = sorted(samples_ns)
    if not ordered:
        return {"p50": 0.0, "p95": 0.0, "max": 0.0, "n": 0}

    def pick(share: float) -> float:
        """The nearest-rank percentile."""
        index = max(0, min(len(ordered) - 1, round(share * len(ordered)) - 1))
        return ordered[index] / 1e6

    return {"p50": pick(0.50), "p95": pick(0.95), "max": ordered[-1] / 1e6, "n": len(ordered)}


def pin_to_one_core() -> str:
    """Run on one CPU core where the platform allows it; say what happened."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity)"
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return f"pinned to core {core}"


def max_rss_mb() -> float:
    """This process's peak resident memory so far, in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def environment(pinning: str) -> dict[str, str]:
    """Where and when the numbers were taken."""
    return {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores visible",
        "pinning": pinning,
    }


def write_results(name: str, data: dict) -> Path:
    """Write results/<name>.json and return its path."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return path
