"""Quality, latency, build time and memory of our matcher and of a plain BM25 baseline on the dev set."""

from __future__ import annotations

import argparse
import gc
import re
import time
import tracemalloc
from collections.abc import Sequence

from corpus import (
    OFF_TOPIC,
    Query,
    Record,
    load_abbreviations,
    load_profiles,
    load_queries,
    synthetic_opportunities,
)
from metrics import (
    CUTOFF,
    environment,
    max_rss_mb,
    per_query,
    percentiles_ms,
    pin_to_one_core,
    score_rankings,
    write_results,
)
from rank_bm25 import BM25Okapi

WORD = re.compile(r"[a-z0-9]+")


def tokenise(text: str) -> list[str]:
    """Lower-case words: the plain tokenisation of the BM25 baseline."""
    return WORD.findall(text.lower())


def run_bm25(profiles: Sequence[Record], queries: Sequence[Query]) -> dict:
    """Plain BM25Okapi over each profile's full text (no abbreviation expansion, no typo handling)."""
    started = time.perf_counter()
    index = BM25Okapi([tokenise(profile.text()) for profile in profiles])
    build_s = time.perf_counter() - started
    ids = [profile.id for profile in profiles]
    rankings, samples = [], []
    for query in queries:
        started_ns = time.perf_counter_ns()
        scores = index.get_scores(tokenise(query.query))
        order = sorted(range(len(ids)), key=lambda i: -scores[i])[:CUTOFF]
        samples.append(time.perf_counter_ns() - started_ns)
        rankings.append([ids[i] for i in order])
    return {
        "system": "BM25 (rank-bm25, BM25Okapi)",
        "status": "ok",
        "quality": score_rankings(queries, rankings),
        "latency_ms": {**percentiles_ms(samples), "documents": len(profiles)},
        "build_s": build_s,
        "per_query": per_query(queries, rankings),
    }


def load_matching():
    """The matching package, or None with the reason it cannot be used yet."""
    try:
        import matching

        return matching, ""
    except ImportError as error:
        return None, f"matching cannot be imported: {error}"


def run_ours(matching, profiles, opportunities, queries, abbreviations, repeats: int) -> dict:
    """Our matcher: quality on the profiles, then latency, build time and memory with opportunities added."""
    to_docs = [matching.Document(id=r.id, fields=r.fields, kind=r.kind, tags=r.tags) for r in profiles]
    matcher = matching.Matcher(abbreviations=abbreviations).fit(to_docs)
    results = [matcher.query(query.query, k=CUTOFF) for query in queries]
    rankings = [[match.id for match in result.matches] for result in results]
    off_topic = [
        result.confident for query, result in zip(queries, results, strict=True) if query.style == OFF_TOPIC
    ]
    on_topic = [
        result.confident for query, result in zip(queries, results, strict=True) if query.style != OFF_TOPIC
    ]

    full_docs = to_docs + [
        matching.Document(id=r.id, fields=r.fields, kind=r.kind, tags=r.tags) for r in opportunities
    ]
    del matcher
    gc.collect()
    rss_before = max_rss_mb()
    started = time.perf_counter()
    full = matching.Matcher(abbreviations=abbreviations).fit(full_docs)
    build_s = time.perf_counter() - started
    rss_growth = max_rss_mb() - rss_before

    for query in queries:  # warm-up
        full.query(query.query, k=CUTOFF)
    samples, opportunity_samples, full_rankings = [], [], []
    for repeat in range(repeats):
        for query in queries:
            started_ns = time.perf_counter_ns()
            result = full.query(query.query, k=CUTOFF)
            samples.append(time.perf_counter_ns() - started_ns)
            if repeat == 0:
                full_rankings.append([match.id for match in result.matches])
    for query in queries:
        started_ns = time.perf_counter_ns()
        full.query(query.query, k=CUTOFF, kind="opportunity")
        opportunity_samples.append(time.perf_counter_ns() - started_ns)

    del full
    gc.collect()
    tracemalloc.start()
    matching.Matcher(abbreviations=abbreviations).fit(full_docs)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    return {
        "system": "Ours (matching.Matcher)",
        "status": "ok",
        "quality": score_rankings(queries, rankings),
        "quality_with_opportunities": score_rankings(queries, full_rankings),
        "off_topic_not_confident": sum(1 for flag in off_topic if not flag) / max(1, len(off_topic)),
        "on_topic_confident": sum(1 for flag in on_topic if flag) / max(1, len(on_topic)),
        "latency_ms": {**percentiles_ms(samples), "documents": len(full_docs)},
        "opportunity_latency_ms": percentiles_ms(opportunity_samples),
        "build_s": build_s,
        "memory_mb": {"fit_traced_peak": traced_peak / 2**20, "rss_growth_during_fit": rss_growth},
        "per_query": per_query(queries, rankings),
    }


def main() -> None:
    """Run both systems, print a short summary and write results/matching.json."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--opportunities", type=int, default=10_000, help="synthetic opportunities to index")
    parser.add_argument("--repeats", type=int, default=5, help="timed passes over the dev set")
    args = parser.parse_args()

    pinning = pin_to_one_core()
    profiles = load_profiles()
    queries = load_queries()
    abbreviations = load_abbreviations()
    opportunities = synthetic_opportunities(profiles, args.opportunities)
    print(
        f"==> {len(profiles)} profiles, {len(abbreviations)} abbreviations, {len(queries)} queries; {pinning}"
    )

    systems = {"bm25": run_bm25(profiles, queries)}
    matching, reason = load_matching()
    if matching is None or not hasattr(matching, "Matcher"):
        reason = reason or "matching does not export Matcher yet"
        print(f"!! Our matcher is pending: {reason}")
        systems["ours"] = {"system": "Ours (matching.Matcher)", "status": "pending", "reason": reason}
    else:
        systems["ours"] = run_ours(matching, profiles, opportunities, queries, abbreviations, args.repeats)
    missing = sorted({slug for q in queries for slug in q.expected} - {p.id for p in profiles})
    data = {
        "environment": environment(pinning),
        "corpus": {
            "profiles": len(profiles),
            "abbreviations": len(abbreviations),
            "opportunities": len(opportunities),
            "queries": len(queries),
            "expected_slugs_without_profile": missing,
        },
        "systems": systems,
    }
    path = write_results("matching", data)
    for key, result in systems.items():
        if result["status"] == "ok":
            overall = result["quality"]["overall"]
            top1, top3, mrr = overall["top1"], overall["top3"], overall["mrr"]
            print(f"    {key}: top-1 {top1:.1%}, top-3 {top3:.1%}, MRR {mrr:.3f}")
    print(f"==> wrote {path}")


if __name__ == "__main__":
    main()
