"""Learned ranking and confidence: features of a query and its candidate documents, and the fitted
linear models that turn them into a probability.

The fixed-weight fused score still picks the candidates (it is fast over thousands of documents);
a logistic regression fitted on the team's development set then orders them from per-field word
similarities, the character view, exact titles, the share of words understood, dislikes and whether
an area is a broad one. A second logistic regression says how likely it is that the query is about
healthcare science at all, which is what "confident" means. Both are plain coefficients (JSON), fitted
by ``bench/train_ranker.py`` and shipped as ``matching/model.json``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

MODEL_FILE = Path(__file__).with_name("model.json")
# Per-field word similarity is a feature for these fields; a field a corpus lacks counts as 0.
RANKED_FIELDS = (
    "name",
    "title",
    "alternative_titles",
    "keywords",
    "abbreviations",
    "interests",
    "summary",
    "description",
    "day_to_day",
    "skills",
    "theme",
    "division",
    "body",
)
RANKING_FEATURES = (
    *(f"word:{name}" for name in RANKED_FIELDS),
    *(f"cosine:{name}" for name in RANKED_FIELDS),
    "char",
    "fused",
    "relative",
    "exact_title",
    "understood",
    "dislike",
    "broad",
)
CONFIDENCE_FEATURES = (
    "top_probability",
    "lead",
    "top_fused",
    "understood",
    "words",
    "unknown_words",
    "area_title",
    "neighbour_title",
)
# Candidates re-ranked per query: every expected area of the development set is among them.
CANDIDATES = 40


class ModelError(ValueError):
    """A model file that does not describe the features this library computes."""


def sigmoid(values: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(values, -40.0, 40.0)))


@dataclass(frozen=True)
class LinearModel:
    """A fitted logistic regression on named features, already folded to raw (unscaled) inputs."""

    features: tuple[str, ...]
    coefficients: np.ndarray
    intercept: float

    def probability(self, values: np.ndarray) -> np.ndarray:
        """P(positive) for each row of ``values`` (columns in ``features`` order)."""
        return sigmoid(values @ self.coefficients + self.intercept)

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "coefficients": [round(float(c), 8) for c in self.coefficients],
            "intercept": round(float(self.intercept), 8),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any], expected: Sequence[str]) -> LinearModel:
        if not isinstance(data, Mapping):
            raise ModelError("a model must be a JSON object")
        features = tuple(data.get("features") or ())
        if features != tuple(expected):
            raise ModelError(f"the model's features {list(features)} are not {list(expected)}")
        coefficients = np.asarray(data.get("coefficients"), dtype=np.float64)
        intercept = data.get("intercept")
        if coefficients.shape != (len(features),) or not np.all(np.isfinite(coefficients)):
            raise ModelError("the model needs one finite coefficient per feature")
        if not isinstance(intercept, int | float) or not np.isfinite(intercept):
            raise ModelError("the model's intercept must be a finite number")
        return cls(features, coefficients, float(intercept))


@dataclass(frozen=True)
class LearnedModel:
    """The ranking and confidence models for one kind of document."""

    kind: str
    ranking: LinearModel
    confidence: LinearModel
    # The probability from which an answer is confident (chosen on held-out predictions).
    confident_from: float = 0.5
    description: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "description": self.description,
            "ranking": self.ranking.to_json(),
            "confidence": self.confidence.to_json(),
            "confident_from": round(float(self.confident_from), 6),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LearnedModel:
        if not isinstance(data, Mapping) or not isinstance(data.get("kind"), str):
            raise ModelError("a learned model must be a JSON object with a kind")
        threshold = data.get("confident_from")
        if not isinstance(threshold, int | float) or not 0.0 < threshold < 1.0:
            raise ModelError("confident_from must be a probability between 0 and 1")
        return cls(
            data["kind"],
            LinearModel.from_json(data.get("ranking") or {}, RANKING_FEATURES),
            LinearModel.from_json(data.get("confidence") or {}, CONFIDENCE_FEATURES),
            float(threshold),
            str(data.get("description", "")),
        )


def model_fingerprint() -> str:
    """SHA-256 of the shipped model file ("" without one): an index fitted with another model differs."""
    return hashlib.sha256(MODEL_FILE.read_bytes()).hexdigest() if MODEL_FILE.exists() else ""


def shipped_model() -> LearnedModel | None:
    """The model fitted on the development set and shipped with the library, if there is one."""
    if not MODEL_FILE.exists():
        return None
    return LearnedModel.from_json(json.loads(MODEL_FILE.read_text(encoding="utf-8")))
