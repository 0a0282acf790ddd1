"""Quality, latency, build time and memory of our matcher and of a plain BM25 baseline on the dev set."""

from __future__ import annotations

import argparse
import gc
import re
import time
import tracemalloc
from collections.abc import Sequence

from corpus import (
    NEIGHBOURING,
    OFF_TOPIC,
    Query,
    Record,
    load_abbreviations,
    load_everyday_words,
    load_neighbouring_professions,
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


def confidence_figures(queries: Sequence[Query], results: Sequence) -> dict:
    """Confident shares by style; neighbouring titles: not confident, and named as the right profession."""
    by_style: dict[str, list[bool]] = {}
    for query, result in zip(queries, results, strict=True):
        by_style.setdefault(query.style, []).append(bool(result.confident))
    on = [r.confident for q, r in zip(queries, results, strict=True) if q.on_topic]
    off = [r.confident for q, r in zip(queries, results, strict=True) if q.style == OFF_TOPIC]
    near = [(q, r) for q, r in zip(queries, results, strict=True) if q.style == NEIGHBOURING]
    return {
        "confident_by_style": {style: sum(flags) / len(flags) for style, flags in by_style.items()},
        "on_topic_confident": sum(on) / max(1, len(on)),
        "off_topic_not_confident": sum(1 for flag in off if not flag) / max(1, len(off)),
        "neighbouring_not_confident": sum(1 for _, r in near if not r.confident) / max(1, len(near)),
        "neighbouring_named": sum(
            1 for q, r in near if r.outside_field is not None and r.outside_field.id == q.outside_field
        )
        / max(1, len(near)),
        "neighbouring_named_any": sum(1 for _, r in near if r.outside_field is not None) / max(1, len(near)),
        "on_topic_named_outside": sum(
            1 for q, r in zip(queries, results, strict=True) if q.on_topic and r.outside_field is not None
        ),
    }


def run_ours(matching, profiles, opportunities, queries, abbreviations, repeats: int) -> dict:
    """Our matcher: quality on the profiles, then latency, build time and memory with opportunities added."""
    words = load_everyday_words()
    professions = load_neighbouring_professions()

    def matcher_for(records, learned: bool = True):
        docs = [matching.Document(id=r.id, fields=r.fields, kind=r.kind, tags=r.tags) for r in records]
        return matching.Matcher(abbreviations=abbreviations, everyday_words=words, learned=learned).fit(docs)

    fixed = matcher_for(profiles + professions, learned=False)
    fixed_results = [fixed.query(query.query, k=CUTOFF) for query in queries]
    del fixed
    matcher = matcher_for(profiles + professions)
    results = [matcher.query(query.query, k=CUTOFF) for query in queries]
    rankings = [[match.id for match in result.matches] for result in results]
    del matcher
    gc.collect()
    rss_before = max_rss_mb()
    started = time.perf_counter()
    full = matcher_for(profiles + professions + opportunities)
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
    matcher_for(profiles + professions + opportunities)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    confidence = confidence_figures(queries, results)
    return {
        "system": "Ours (matching.Matcher)",
        "status": "ok",
        "quality": score_rankings(queries, rankings),
        "quality_fixed_weights": score_rankings(
            queries, [[match.id for match in result.matches] for result in fixed_results]
        ),
        "quality_with_opportunities": score_rankings(queries, full_rankings),
        "confidence": confidence,
        "confidence_fixed_weights": confidence_figures(queries, fixed_results),
        "off_topic_not_confident": confidence["off_topic_not_confident"],
        "on_topic_confident": confidence["on_topic_confident"],
        "latency_ms": {**percentiles_ms(samples), "documents": len(profiles) + len(opportunities)},
        "opportunity_latency_ms": percentiles_ms(opportunity_samples),
        "build_s": build_s,
        "memory_mb": {"fit_traced_peak": traced_peak / 2**20, "rss_growth_during_fit": rss_growth},
        "per_query": per_query(queries, rankings),
        "answers": [
            {
                "query": query.query,
                "style": query.style,
                "confident": result.confident,
                "confidence": round(result.confidence, 3),
                "outside_field": result.outside_field.id if result.outside_field else None,
                "top3": [
                    {"id": match.id, "fit": match.fit, "reasons": [reason.text for reason in match.reasons]}
                    for match in result.matches[:3]
                ],
            }
            for query, result in zip(queries, results, strict=True)
        ],
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
