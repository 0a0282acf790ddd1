"""Fit the matcher's learned ranking and confidence models on the development set, with cross-validation.

    make -C bench train PYTHON=$PWD/.venv/bin/python     # writes matching/model.json and results/ranker.json

Ranking: one logistic regression on (query, candidate area) pairs. The candidates are the areas the
fixed-weight scores put first; an area the dev set names as `expected` is a positive, any other is a
negative, and `acceptable` areas are left out (neither right nor wrong). Confidence: one logistic
regression on each query's features, on-topic queries positive; off-topic and neighbouring-profession
queries, the library's own off-topic sentences and random letters negative.

The confidence model is a plain (calibrated) probability that the query is on-topic, for the dev set's
mix of queries; "confident" starts at the probability where as few held-out on-topic queries are
turned away as non-matches let through (equal error on the cross-validated predictions), saved with
the model as `confident_from`.

Cross-validation splits the queries (never the pairs of one query) into five folds; each fold's
queries are answered by models fitted on the other four, through the real ``Matcher.query``. The
report gives those held-out figures beside the held-in ones (fitted and scored on everything) and the
fixed weights, plus a reliability table of the held-out confidence.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime

import numpy as np
from corpus import (
    STYLES,
    Query,
    load_abbreviations,
    load_everyday_words,
    load_neighbouring_professions,
    load_profiles,
    load_queries,
)
from metrics import first_hit_rank, write_results
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold
from sklearn.preprocessing import StandardScaler

import matching
from matching.calibration import balanced_threshold, random_texts
from matching.ranking import CONFIDENCE_FEATURES, MODEL_FILE, RANKING_FEATURES, LearnedModel, LinearModel
from matching.wordlists import OFF_TOPIC_TEXTS

FOLDS = 5
SEED = 20261201
KIND = "service-area"
# Regularisation strengths tried for the ranking model; the best held-out MRR wins.
RANKING_C = (0.1, 0.3, 1.0, 3.0, 10.0)
CONFIDENCE_C = 1.0
CUTOFF = 10
DISLIKE = RANKING_FEATURES.index("dislike")
# Per unit of likeness to what the person does not want, in log-odds: a typical likeness of 0.2 to a
# disliked word's area multiplies the odds by about e^-4.
DISLIKE_COEFFICIENT = -20.0
RELIABILITY_BINS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001)


def fixed_matcher() -> matching.Matcher:
    """The matcher with fixed weights only, over the profiles and the neighbouring professions."""
    return matching.Matcher(
        abbreviations=load_abbreviations(), everyday_words=load_everyday_words(), learned=False
    ).fit(documents())


def documents() -> list[matching.Document]:
    records = load_profiles() + load_neighbouring_professions()
    return [matching.Document(id=r.id, fields=r.fields, kind=r.kind, tags=r.tags) for r in records]


def folded(scaler: StandardScaler, model: LogisticRegression, features: Sequence[str]) -> LinearModel:
    """The scaled model's coefficients rewritten for raw features: w / s and b - sum(w * m / s)."""
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    weights = model.coef_.ravel() / scale
    intercept = float(model.intercept_[0] - np.sum(weights * scaler.mean_))
    return LinearModel(tuple(features), weights, intercept)


def fit_linear(values: np.ndarray, labels: np.ndarray, c: float, features: Sequence[str]) -> LinearModel:
    scaler = StandardScaler().fit(values)
    model = LogisticRegression(C=c, max_iter=2000).fit(scaler.transform(values), labels)
    return folded(scaler, model, features)


class PairSet:
    """Every on-topic query's candidates and features, worked out once with the fixed weights."""

    def __init__(self, matcher: matching.Matcher, queries: Sequence[Query]) -> None:
        self.queries = list(queries)
        self.values, self.labels, self.owner = [], [], []
        for number, query in enumerate(self.queries):
            ids, values = matcher.candidate_features(query.query, KIND)
            for area, row in zip(ids, values, strict=True):
                if area in query.acceptable and area not in query.expected:
                    continue
                self.values.append(row)
                self.labels.append(area in query.expected)
                self.owner.append(number)
        self.values = np.array(self.values)
        self.labels = np.array(self.labels, dtype=int)
        self.owner = np.array(self.owner)

    def ranking_model(self, query_numbers: Sequence[int], c: float) -> LinearModel:
        chosen = np.isin(self.owner, list(query_numbers))
        values = self.values[chosen].copy()
        # Dislikes are set, not learned: the fixed-weight scores already subtract them, so the few
        # disliked candidates left are the ones that share a word with the dislike by chance, and a
        # fitted weight comes out positive. A stated dislike must only ever push an area down.
        values[:, DISLIKE] = 0.0
        model = fit_linear(values, self.labels[chosen], c, RANKING_FEATURES)
        coefficients = model.coefficients.copy()
        coefficients[DISLIKE] = DISLIKE_COEFFICIENT
        return LinearModel(model.features, coefficients, model.intercept)


def placeholder_confidence() -> LinearModel:
    return LinearModel(CONFIDENCE_FEATURES, np.zeros(len(CONFIDENCE_FEATURES)), 0.0)


def ranking_quality(matcher, queries: Sequence[Query]) -> dict[str, dict[str, float]]:
    """Top-1, top-3 and MRR@10 per style and overall, through ``matcher.query``."""
    by_style: dict[str, list[int | None]] = defaultdict(list)
    for query in queries:
        ranking = [m.id for m in matcher.query(query.query, k=CUTOFF).matches]
        rank = first_hit_rank(ranking, query.expected)
        by_style[query.style].append(rank)
        by_style["overall"].append(rank)
    return {style: summary(ranks) for style, ranks in by_style.items()}


def summary(ranks: Sequence[int | None]) -> dict[str, float]:
    count = len(ranks)
    return {
        "n": count,
        "top1": sum(1 for r in ranks if r == 1) / count,
        "top3": sum(1 for r in ranks if r is not None and r <= 3) / count,
        "mrr": sum(1.0 / r for r in ranks if r is not None) / count,
    }


def confidence_examples(queries: Sequence[Query]) -> list[tuple[str, int, str]]:
    """(text, on-topic?, style) for every dev query and the library's own non-matches."""
    examples = [(q.query, int(q.on_topic), q.style) for q in queries]
    examples += [(text, 0, "library-off-topic") for text in (*OFF_TOPIC_TEXTS, *random_texts())]
    return examples


def confidence_values(matcher, texts: Sequence[str], ranking: LinearModel) -> np.ndarray:
    model = LearnedModel(KIND, ranking, placeholder_confidence())
    return np.array([matcher.query_confidence_features(text, model) for text in texts])


def reliability(probabilities: np.ndarray, labels: np.ndarray) -> list[dict[str, float]]:
    rows = []
    for low, high in itertools.pairwise(RELIABILITY_BINS):
        chosen = (probabilities >= low) & (probabilities < high)
        if chosen.any():
            rows.append(
                {
                    "from": low,
                    "to": min(high, 1.0),
                    "n": int(chosen.sum()),
                    "predicted": float(probabilities[chosen].mean()),
                    "observed": float(labels[chosen].mean()),
                }
            )
    return rows


def confidence_report(
    probabilities: np.ndarray, examples: list[tuple[str, int, str]], threshold: float
) -> dict:
    confident = probabilities >= threshold
    styles: dict[str, list[bool]] = defaultdict(list)
    for (_, _, style), flag in zip(examples, confident.tolist(), strict=True):
        styles[style].append(flag)
    labels = np.array([label for _, label, _ in examples])
    on = confident[labels == 1]
    return {
        "confidence_share_by_style": {style: sum(flags) / len(flags) for style, flags in styles.items()},
        "on_topic_confident": float(on.mean()),
        "off_topic_not_confident": float(1 - confident[labels == 0].mean()),
        "reliability": reliability(probabilities, labels),
        "brier": float(np.mean((probabilities - labels) ** 2)),
        "threshold": threshold,
    }


def cross_validate(matcher, pairs: PairSet, queries, c: float) -> dict:
    """Held-out ranking and confidence figures: each fold answered by models fitted on the others."""
    on_topic = pairs.queries
    examples = confidence_examples(queries)
    folds = KFold(FOLDS, shuffle=True, random_state=SEED)
    ranks: dict[str, list[int | None]] = defaultdict(list)
    probabilities = np.zeros(len(examples))
    example_folds = list(folds.split(np.arange(len(examples))))
    for fold, (train, test) in enumerate(folds.split(np.arange(len(on_topic)))):
        ranking = pairs.ranking_model(train, c)
        held_out = [on_topic[i] for i in test]
        matcher.model_ = LearnedModel(KIND, ranking, placeholder_confidence())
        for query in held_out:
            ranking_ids = [m.id for m in matcher.query(query.query, k=CUTOFF).matches]
            rank = first_hit_rank(ranking_ids, query.expected)
            ranks[query.style].append(rank)
            ranks["overall"].append(rank)
        # Confidence: fitted on this fold's training examples, with this fold's ranking model.
        example_train, example_test = example_folds[fold]
        texts = [examples[i][0] for i in range(len(examples))]
        values = confidence_values(matcher, texts, ranking)
        labels = np.array([label for _, label, _ in examples])
        confidence = fit_linear(
            values[example_train], labels[example_train], CONFIDENCE_C, CONFIDENCE_FEATURES
        )
        probabilities[example_test] = confidence.probability(values[example_test])
    matcher.model_ = None
    labels = np.array([label for _, label, _ in examples])
    threshold = balanced_threshold(probabilities[labels == 0], probabilities[labels == 1])
    return {
        "ranking": {style: summary(r) for style, r in ranks.items()},
        "confidence": confidence_report(probabilities, examples, threshold),
    }


def choose_c(matcher, pairs: PairSet) -> tuple[float, dict[float, float]]:
    """The regularisation strength with the best held-out MRR (pairs only: fast, no full queries)."""
    folds = KFold(FOLDS, shuffle=True, random_state=SEED)
    found = {}
    for c in RANKING_C:
        reciprocal = []
        for train, test in folds.split(np.arange(len(pairs.queries))):
            model = pairs.ranking_model(train, c)
            for number in test:
                chosen = pairs.owner == number
                order = np.argsort(-model.probability(pairs.values[chosen]), kind="stable")
                hits = np.flatnonzero(pairs.labels[chosen][order][:CUTOFF])
                reciprocal.append(1.0 / (hits[0] + 1) if len(hits) else 0.0)
        found[c] = float(np.mean(reciprocal))
    return max(found, key=lambda c: (found[c], -c)), found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-model", action="store_true", help=f"write {MODEL_FILE}")
    arguments = parser.parse_args()

    queries = load_queries()
    on_topic = [q for q in queries if q.on_topic]
    fixed = fixed_matcher()
    fixed_quality = ranking_quality(fixed, on_topic)
    pairs = PairSet(fixed, on_topic)
    recall = np.mean([pairs.labels[pairs.owner == n].any() for n in range(len(on_topic))])
    c, tried = choose_c(fixed, pairs)
    held_out = cross_validate(fixed, pairs, queries, c)

    ranking = pairs.ranking_model(range(len(on_topic)), c)
    examples = confidence_examples(queries)
    values = confidence_values(fixed, [text for text, _, _ in examples], ranking)
    labels = np.array([label for _, label, _ in examples])
    confidence = fit_linear(values, labels, CONFIDENCE_C, CONFIDENCE_FEATURES)
    threshold = held_out["confidence"]["threshold"]
    counts = defaultdict(int)
    for query in queries:
        counts[query.style] += 1
    model = LearnedModel(
        KIND,
        ranking,
        confidence,
        threshold,
        f"Fitted by bench/train_ranker.py on {len(queries)} development queries "
        f"({', '.join(f'{n} {s}' for s, n in sorted(counts.items()))}), C={c}.",
    )
    fixed.model_ = model
    held_in = {
        "ranking": ranking_quality(fixed, on_topic),
        "confidence": confidence_report(confidence.probability(values), examples, threshold),
    }
    result = {
        "made": datetime.now(UTC).isoformat(timespec="seconds"),
        "queries": dict(counts),
        "pairs": len(pairs.labels),
        "candidate_recall": float(recall),
        "c_tried": tried,
        "c": c,
        "fixed_weights": {"ranking": fixed_quality},
        "cross_validated": held_out,
        "held_in": held_in,
        "model": model.to_json(),
    }
    path = write_results("ranker", result)
    if arguments.write_model:
        MODEL_FILE.write_text(json.dumps(model.to_json(), indent=2) + "\n", encoding="utf-8")
        print(f"wrote {MODEL_FILE}")
    print_table(result)
    print(f"results: {path}")


def print_table(result: dict) -> None:
    print(f"pairs {result['pairs']}, candidate recall {result['candidate_recall']:.3f}, C={result['c']}")
    print("| style | n | fixed top-1 / top-3 / MRR | cross-validated | held-in |")
    print("|---|---:|---|---|---|")
    for style in (*STYLES, "overall"):
        cells = []
        for source in (result["fixed_weights"], result["cross_validated"], result["held_in"]):
            figures = source["ranking"].get(style)
            cells.append(
                f"{figures['top1']:.1%} / {figures['top3']:.1%} / {figures['mrr']:.3f}" if figures else "-"
            )
        n = result["held_in"]["ranking"].get(style, {}).get("n", 0)
        print(f"| {style} | {n} | {' | '.join(cells)} |")
    print(f"confident from probability {result['model']['confident_from']:.3f}")
    for name in ("cross_validated", "held_in"):
        report = result[name]["confidence"]
        print(
            f"{name}: on-topic confident {report['on_topic_confident']:.1%}, "
            f"not-on-topic not confident {report['off_topic_not_confident']:.1%}, "
            f"brier {report['brier']:.3f}"
        )
        print(
            "  by style: " + ", ".join(f"{s} {v:.0%}" for s, v in report["confidence_share_by_style"].items())
        )


if __name__ == "__main__":
    sys.exit(main())
