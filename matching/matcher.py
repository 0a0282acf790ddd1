"""The Matcher: fit on documents, then rank them for a person's own words, with reasons."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from matching.calibration import calibrate, fit_bands
from matching.documents import (
    NEIGHBOURING_KIND,
    Document,
    Match,
    OutsideField,
    QueryResult,
    Reason,
    check_documents,
    corpus_hash,
)
from matching.explain import QueryView, dislike_reasons, explain, understood_share
from matching.index import KindIndex, build_kind_index
from matching.learned import candidates, confidence_features, ranking_features, rerank
from matching.persistence import load_matcher, matcher_files, read_matcher, save_matcher
from matching.ranking import LearnedModel, shipped_model
from matching.reading import ReadQuery
from matching.search import KindSearch, top_rows
from matching.text import TextAnalyzer, title_key
from matching.titles import TitleIndex

# A query that is, word for word, one of a document's titles names that job: the document ranks first.
TITLE_MARGIN = 0.01
_NOT_FITTED = "This Matcher has not been fitted yet: call fit(documents) or Matcher.load(directory) first."
# A query is about a neighbouring profession when it looks at least this much like one of its titles,
# and more like it than like any healthcare-science title by this margin (the three settings were
# chosen together on the development set: most neighbouring titles named, almost no on-topic query).
NEIGHBOUR_MIN_LIKENESS = 0.6
NEIGHBOUR_MARGIN = 0.05
# ... and when at least half of the query's words are that title's, its last word among them, and one
# holds the other whole (see ``TitleLikeness.has_head``): a title in passing ("at a GP surgery") or a
# word shared by chance ("deaf children", "lorry driver") does not make the query about the profession.
NEIGHBOUR_COVERAGE = 0.5
# How much a document loses for each unit of likeness to what the person said they do not want.
DISLIKE_WEIGHT = 1.0
# With a learned model, scores are probabilities: "best" needs an even chance, "great" a small one.
LEARNED_THRESHOLDS = {"non_match": 0.05, "strong": 0.5}
# Without a learned model, confidence is 1 or 0 (the calibrated threshold passed or not).
CALIBRATED_CONFIDENT = 0.5


class Matcher(BaseEstimator):
    """Explainable matcher: field-weighted TF-IDF over words and character n-grams, fused.

    Parameters
    ----------
    field_weights : weights by field name, over the defaults (name 3.0 ... body 0.5); unknown fields 1.0.
    abbreviations : ``{"ECG": "electrocardiogram", ...}``, expanded in documents and queries alike.
    everyday_words : ``{"deaf": ["hearing", "deafness"], ...}``: everyday words and the words of the work
        they point to, added wherever the everyday word appears (matched by stem, any case).
    word_ngram_range, char_ngram_range : n-gram sizes of the word and character views.
    char_weight : share of the character view in the fused score.
    min_confident_score : a fixed threshold for the confidence score instead of the usual one: for a
        learned kind, on its probability (normally the model's ``confident_from``); otherwise on the
        top score times the share of the user's words the top match contains (normally calibrated).
    best_margin : how far (as a share of its score) the top match must lead to be the "best" fit.
    great_ratio : matches scoring at least this share of the top score are a "great" fit.
    max_reasons : reasons given per match.
    learned : order service areas, and say whether the matcher is confident, with the models fitted on
        the development set (``matching/model.json``); False keeps the fixed weights and the thresholds
        calibrated at fit time for every kind.
    """

    def __init__(
        self,
        field_weights: Mapping[str, float] | None = None,
        abbreviations: Mapping[str, str | list[str]] | None = None,
        everyday_words: Mapping[str, str | list[str]] | None = None,
        word_ngram_range: tuple[int, int] = (1, 2),
        char_ngram_range: tuple[int, int] = (3, 5),
        char_weight: float = 0.4,
        min_confident_score: float | None = None,
        best_margin: float = 0.1,
        great_ratio: float = 0.75,
        max_reasons: int = 3,
        learned: bool = True,
    ) -> None:
        self.field_weights = field_weights
        self.abbreviations = abbreviations
        self.everyday_words = everyday_words
        self.word_ngram_range = word_ngram_range
        self.char_ngram_range = char_ngram_range
        self.char_weight = char_weight
        self.min_confident_score = min_confident_score
        self.best_margin = best_margin
        self.great_ratio = great_ratio
        self.max_reasons = max_reasons
        self.learned = learned

    def _check_parameters(self) -> None:
        if not 0.0 <= self.char_weight <= 1.0:
            raise ValueError(f"char_weight must be between 0 and 1, got {self.char_weight}")
        for name in ("word_ngram_range", "char_ngram_range"):
            low, high = getattr(self, name)
            if not 1 <= low <= high:
                raise ValueError(f"{name} must be (low, high) with 1 <= low <= high, got {(low, high)}")

    def fit(self, documents: Sequence[Document]) -> Matcher:
        """Index ``documents`` (one sub-index per kind) and calibrate the thresholds; returns self."""
        self._check_parameters()
        documents = list(documents)
        check_documents(documents)
        weights = dict(self.field_weights or {})
        self.analyzer_ = TextAnalyzer.for_parameters(
            self.abbreviations, self.word_ngram_range, self.everyday_words
        )
        self.documents_ = documents
        self.corpus_hash_ = corpus_hash(documents)
        self.indexes_: dict[str, KindIndex] = {}
        self.model_: LearnedModel | None = shipped_model() if self.learned else None
        self.rebuild_derived()
        for kind in sorted({document.kind for document in documents} - {NEIGHBOURING_KIND}):
            rows = np.array([i for i, d in enumerate(documents) if d.kind == kind], dtype=np.int64)
            members = [documents[i] for i in rows]
            index = build_kind_index(members, rows, self.analyzer_, weights, tuple(self.char_ngram_range))
            self.indexes_[kind] = index
            if self._model_for(kind) is not None:
                # The learned confidence replaces the calibrated threshold; scores are probabilities.
                index.thresholds = dict(LEARNED_THRESHOLDS)
                continue
            index.thresholds = calibrate(
                members,
                weights,
                lambda text, i=index: self._search(i, ReadQuery.of(text), 0, None).scores,
                lambda text, i=index: self._confidence_score(self._search(i, ReadQuery.of(text), 1, None)),
            )
        return self

    def _model_for(self, kind: str) -> LearnedModel | None:
        model = getattr(self, "model_", None)
        return model if model is not None and model.kind == kind else None

    def rebuild_derived(self) -> None:
        """Rebuild what is cheap to work out again from the documents (after a fit or a load)."""
        self.titles_ = TitleIndex(self.documents_, self.analyzer_, tuple(self.char_ngram_range))
        self.positions_: dict[tuple[str, str], int] = {
            (document.kind, document.id): position for position, document in enumerate(self.documents_)
        }
        parents = {str(document.tags.get("parent", "")) for document in self.documents_}
        # A broad area is the parent of others: a generic title should find it before its children.
        self.broad_ = np.array([document.id in parents for document in self.documents_], dtype=np.float64)

    def _view(self, index: KindIndex, query: ReadQuery) -> QueryView:
        features = self.analyzer_.features(query.positive)
        view = QueryView(
            query.text,
            features,
            index.word_vector(features),
            index.char_vector(query.positive),
            {},
            self.char_weight,
        )
        vocabulary = index.word_vectorizer.vocabulary_
        for feature in features:
            if feature.name in vocabulary:
                view.features_by_column.setdefault(vocabulary[feature.name], []).append(feature)
        words = sorted({f.name for f in features if " " not in f.name and f.expansion is None})
        view.similar = dict(zip(words, index.similar_words(words), strict=True))
        if query.dislikes:
            view.disliked = self.analyzer_.features(query.disliked)
            word = index.word_vector(view.disliked)
            char = index.char_vector(query.disliked)
            if word.nnz or char.nnz:
                view.dislike_scores = index.scores(word, char, self.char_weight)
        return view

    def _search(
        self, index: KindIndex, query: ReadQuery, k: int, accept: Callable[[Document], bool] | None
    ) -> KindSearch:
        """Fused scores for every document, less their likeness to what the person does not want."""
        view = self._view(index, query)
        word, char = index.view_scores(view.word, view.char)
        scores = np.clip((1.0 - self.char_weight) * word + self.char_weight * char, 0.0, 1.0)
        if view.dislike_scores is not None:
            scores = np.clip(scores - DISLIKE_WEIGHT * view.dislike_scores, 0.0, 1.0)
        overlaps = view.word.nnz > 0 or any(view.similar.values())
        rows = top_rows(scores, k, self._acceptor(index, accept))
        return KindSearch(index, view, scores, rows, overlaps, char)

    def _acceptor(self, index: KindIndex, accept: Callable[[Document], bool] | None):
        """``accept`` as a test on rows of ``index``, or None when every row is acceptable."""
        return None if accept is None else (lambda row: bool(accept(self.documents_[index.rows[row]])))

    def _lift_exact_titles(self, search: KindSearch, text: str, k: int, accept) -> KindSearch:
        """Move documents whose title is exactly the query above every other document."""
        rows = search.index.titles.get(title_key(text))
        if not rows:
            return search
        scores = search.scores.copy()
        lift = max(float(scores.max()) - float(scores[rows].min()), 0.0) + TITLE_MARGIN
        scores[rows] = np.minimum(scores[rows] + lift, 1.0)
        check = self._acceptor(search.index, accept)
        return replace(search, scores=scores, rows=top_rows(scores, k, check))

    def _put_first(self, search: KindSearch, ids: tuple[str, ...], k: int, accept) -> KindSearch:
        """The documents with these ids first (best score first), then the rest as ranked."""
        wanted = [self.positions_.get((self.documents_[search.index.rows[0]].kind, i)) for i in ids]
        row_of = {int(position): row for row, position in enumerate(search.index.rows)}
        first = sorted(
            (row_of[p] for p in wanted if p is not None and p in row_of),
            key=lambda row: (-search.scores[row], row),
        )
        check = self._acceptor(search.index, accept)
        first = [row for row in first if check is None or check(row)]
        rest = [row for row in top_rows(search.scores, k, check) if row not in first]
        return replace(search, rows=(first + rest)[:k])

    def _outside_field(self, search: KindSearch, query: ReadQuery) -> OutsideField | None:
        """The neighbouring profession the query names: more like one of its titles than any area's."""
        if not self.titles_.has_neighbours:
            return None
        likeness = search.likeness or self.titles_.likeness(query.positive)
        if likeness.exact_area or likeness.neighbour_position is None:
            return None
        named = likeness.exact_neighbour or (
            likeness.neighbour >= NEIGHBOUR_MIN_LIKENESS
            and likeness.neighbour >= likeness.area + NEIGHBOUR_MARGIN
            and likeness.coverage >= NEIGHBOUR_COVERAGE
            and likeness.has_head
        )
        if not named:
            return None
        profession = self.documents_[likeness.neighbour_position]
        related = profession.tags.get("related", [])
        return OutsideField(
            profession.id,
            profession.field_text("name")[0] if profession.field_text("name") else profession.id,
            str(profession.tags.get("why", "")),
            str(profession.tags.get("learn_more_url", "")),
            tuple([related] if isinstance(related, str) else related),
            likeness.neighbour,
        )

    @staticmethod
    def _confidence_score(search: KindSearch) -> float:
        """The top score, scaled by the share of the user's words the top document contains.

        An off-topic sentence can share one word with a profile ("teacher", "theatre") and score like a
        vague on-topic one; the share of words understood tells them apart where the score alone cannot.
        """
        if not search.rows or not search.overlaps:
            return 0.0
        top = search.rows[0]
        return float(search.scores[top]) * understood_share(search.view, search.index, top)

    def _kind_search(self, kind: str, query: ReadQuery, k: int, accept) -> KindSearch:
        search = self._search(self.indexes_[kind], query, k, accept)
        model = self._model_for(kind)
        if model is not None:
            search = rerank(search, model, query.text, k, self._acceptor(search.index, accept), self.broad_)
        if kind == "service-area":
            search.likeness = self.titles_.likeness(query.positive)
        return self._lift_exact_titles(search, query.text, k, accept)

    def _confidence(self, search: KindSearch, query: ReadQuery) -> float:
        """How likely the query is to be about this kind of document: 0 to 1, confident from the model's
        ``confident_from``.

        With a learned model this is its probability; otherwise 1 or 0 by the calibrated threshold.
        """
        if search.model is not None:
            values = confidence_features(search, query, self.titles_)
            return float(search.model.confidence.probability(values[None, :])[0])
        threshold = self.min_confident_score
        if threshold is None:
            threshold = search.index.thresholds["non_match"]
        score = self._confidence_score(search)
        return 1.0 if score > 0.0 and score >= threshold else 0.0

    def _confident_from(self, search: KindSearch) -> float:
        """The confidence an answer needs: the caller's fixed threshold or the model's, for a learned kind."""
        if search.model is None:
            return CALIBRATED_CONFIDENT
        return search.model.confident_from if self.min_confident_score is None else self.min_confident_score

    def candidate_features(self, text: str, kind: str = "service-area") -> tuple[list[str], np.ndarray]:
        """The ids of the documents the learned model would re-rank for ``text``, and their features.

        For fitting a model (``bench/train_ranker.py``): the same rows and features a query uses.
        """
        check_is_fitted(self, "indexes_", msg=_NOT_FITTED)
        search = self._search(self.indexes_[kind], ReadQuery.of(text), 0, None)
        rows = candidates(search, text, 0, None)
        ids = [self.documents_[search.index.rows[row]].id for row in rows]
        return ids, ranking_features(search, text, rows, self.broad_)

    def query_confidence_features(self, text: str, model: LearnedModel, k: int = 10) -> np.ndarray:
        """The confidence features of ``text`` once ``model`` has ranked its kind (for fitting)."""
        check_is_fitted(self, "indexes_", msg=_NOT_FITTED)
        query = ReadQuery.of(text)
        search = self._search(self.indexes_[model.kind], query, k, None)
        search = rerank(search, model, text, k, None, self.broad_)
        search = self._lift_exact_titles(search, text, k, None)
        return confidence_features(search, query, self.titles_)

    def query(
        self,
        text: str,
        k: int = 10,
        kind: str | None = "service-area",
        filter: Callable[[Document], bool] | None = None,
    ) -> QueryResult:
        """The ``k`` best matches of ``kind`` (all kinds if None) for ``text``, with fit bands and reasons.

        A query that names a neighbouring profession ("staff nurse") is answered with ``outside_field``
        set, never confidently, and with the areas that work beside that profession first.
        """
        check_is_fitted(self, "indexes_", msg=_NOT_FITTED)
        if not isinstance(text, str):
            raise TypeError(f"text must be a string, got {type(text).__name__}")
        if k < 0:
            raise ValueError(f"k must not be negative, got {k}")
        query = ReadQuery.of(text)
        kinds = sorted(self.indexes_) if kind is None else [kind]
        searches = [self._kind_search(name, query, k, filter) for name in kinds if name in self.indexes_]
        outside = self._outside_field(searches[0], query) if kind == "service-area" and searches else None
        if outside is not None:
            searches = [self._put_first(searches[0], outside.related, k, filter)]
        ranked = [(float(s.scores[row]), int(s.index.rows[row]), row, s) for s in searches for row in s.rows]
        if outside is None:
            ranked = sorted(ranked, key=lambda item: (-item[0], item[1]))[:k]
        # The wanted words were read once already, for the first kind's search.
        terms = self._query_terms(query, searches[0].view.features if searches else None)
        if not ranked:
            return QueryResult([], False, terms, outside)
        search = ranked[0][3]
        confidence = self._confidence(search, query)
        confident = outside is None and confidence > 0.0 and confidence >= self._confident_from(search)
        thresholds = ranked[0][3].index.thresholds
        bands = fit_bands(
            [item[0] for item in ranked], confident, thresholds, self.best_margin, self.great_ratio
        )
        reasons = self._reasons(searches, ranked)
        if outside is not None:
            self._say_beside(outside, ranked, reasons)
        matches = [
            Match(
                self.documents_[position].id,
                score,
                band,
                reasons[(id(search), row)],
                self.documents_[position],
            )
            for (score, position, row, search), band in zip(ranked, bands, strict=True)
        ]
        return QueryResult(matches, confident, terms, outside, confidence)

    def _say_beside(self, outside: OutsideField, ranked: list[tuple], reasons: dict) -> None:
        """Each related area's first reason: it works beside the profession the person named."""
        name = outside.name[:1].lower() + outside.name[1:]
        text = f"This work sits beside {name}, which you asked about."
        for _, position, row, search in ranked:
            if self.documents_[position].id in outside.related:
                reasons[(id(search), row)] = [
                    Reason(text, [], "outside_field", 1.0),
                    *reasons[(id(search), row)],
                ]

    def _reasons(
        self, searches: list[KindSearch], ranked: list[tuple]
    ) -> dict[tuple[int, int], list[Reason]]:
        """Reasons for the ranked matches only, worked out kind by kind."""
        reasons: dict[tuple[int, int], list[Reason]] = {}
        for search in searches:
            rows = [row for _, _, row, owner in ranked if owner is search]
            members = [self.documents_[search.index.rows[row]] for row in rows]
            explained = explain(search.view, search.index, rows, members, self.analyzer_, self.max_reasons)
            for row, found in zip(rows, explained, strict=True):
                # Being moved down for a dislike is said first; "has little to do with it" comes last.
                dislikes = dislike_reasons(search.view, search.index, row)
                pushed = [reason for reason in dislikes if reason.weight < 0]
                spared = [reason for reason in dislikes if reason.weight >= 0]
                reasons[(id(search), row)] = pushed + found + spared
        return reasons

    def _query_terms(self, query: ReadQuery, features: list | None = None) -> list[str]:
        """The meaningful words the matcher read as wanted, with abbreviation expansions."""
        terms: list[str] = []
        text = query.text
        for feature in self.analyzer_.features(query.positive) if features is None else features:
            word = (
                text[feature.start : feature.end].lower() if feature.expansion is None else feature.expansion
            )
            if (" " not in feature.name or feature.expansion is not None) and word not in terms:
                terms.append(word)
        return terms

    def to_files(self) -> dict[str, bytes]:
        """The fitted matcher as files, name to bytes: manifest.json, JSON state and ``.npz`` arrays."""
        check_is_fitted(self, "indexes_", msg=_NOT_FITTED)
        return matcher_files(self)

    @classmethod
    def from_files(cls, files: Mapping[str, bytes]) -> Matcher:
        """The matcher :meth:`to_files` described; raise MatcherLoadError if anything does not match."""
        return read_matcher(cls, files)

    def save(self, directory: str | Path) -> None:
        """Write :meth:`to_files` to ``directory``, replacing an index saved there before."""
        check_is_fitted(self, "indexes_", msg=_NOT_FITTED)
        save_matcher(self, Path(directory))

    @classmethod
    def load(cls, directory: str | Path) -> Matcher:
        """Read a matcher written by :meth:`save`; raise MatcherLoadError if anything does not match."""
        return load_matcher(cls, Path(directory))
