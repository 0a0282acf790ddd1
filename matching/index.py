"""One kind's search index: field-weighted TF-IDF word and character views, and how to score them."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from matching.documents import TITLE_FIELDS, Document
from matching.text import Feature, TextAnalyzer, title_key
from matching.vectorizers import (
    bare_char_analyzer,
    bare_word_vectorizer,
    char_vectorizer,
    fit_fields,
    tfidf_rows,
    word_vectorizer,
)

DEFAULT_FIELD_WEIGHTS: dict[str, float] = {
    "name": 3.0,
    "title": 3.0,
    "alternative_titles": 3.0,
    "keywords": 2.0,
    "abbreviations": 2.0,
    "summary": 1.5,
    "description": 1.0,
    "day_to_day": 1.0,
    "skills": 0.5,
    "theme": 0.5,
    "division": 0.5,
    "body": 0.5,
}
UNKNOWN_FIELD_WEIGHT = 1.0
# Two words whose character n-grams overlap this much are treated as one word mistyped or inflected.
SIMILAR_WORD = 0.6


def field_weight(weights: Mapping[str, float], name: str) -> float:
    """The weight of a field: the caller's, else the default, else 1.0."""
    return float(weights.get(name, DEFAULT_FIELD_WEIGHTS.get(name, UNKNOWN_FIELD_WEIGHT)))


def _field_texts(documents: Sequence[Document], name: str) -> list[str]:
    # A newline ends a segment, so list items never form word pairs with each other.
    return ["\n".join(document.field_text(name)) for document in documents]


def _weighted_fields(
    rows: dict[str, sp.csr_matrix], names: list[str], weights: list[float], dtype: type
) -> list[sp.csr_matrix]:
    """Per-field TF-IDF matrices scaled so that they add up to each document's unit-length vector."""
    parts = [weight * rows[name] for name, weight in zip(names, weights, strict=True)]
    total = parts[0].copy()
    for part in parts[1:]:
        total = total + part
    norms = np.sqrt(np.asarray(total.multiply(total).sum(axis=1)).ravel())
    scale = sp.diags(np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0))
    return [sp.csr_matrix(scale @ part, dtype=dtype) for part in parts]


def _sum(matrices: list[sp.csr_matrix]) -> sp.csr_matrix:
    total = matrices[0].copy()
    for matrix in matrices[1:]:
        total = total + matrix
    return sp.csr_matrix(total)


def row_of(matrix: sp.csr_matrix, row: int) -> tuple[np.ndarray, np.ndarray]:
    """Column indices and values of one CSR row, without the cost of building a new matrix."""
    start, end = matrix.indptr[row], matrix.indptr[row + 1]
    return matrix.indices[start:end], matrix.data[start:end]


@dataclass
class KindIndex:
    """The fitted index of one kind of document ("service-area", "opportunity", ...)."""

    rows: np.ndarray
    field_names: list[str]
    word_vectorizer: TfidfVectorizer
    char_vectorizer: TfidfVectorizer
    word_names: list[str]
    matrices: dict[str, sp.csr_matrix] = field(default_factory=dict)
    thresholds: dict[str, float] = field(default_factory=dict)
    titles: dict[str, list[int]] = field(default_factory=dict)
    char_analyzer: Callable[[str], list[str]] = field(init=False, repr=False)
    word_char_vectorizer: TfidfVectorizer = field(init=False, repr=False)
    word_char_analyzer: Callable[[str], list[str]] = field(init=False, repr=False)
    _fields_t: sp.csr_matrix | None = field(default=None, init=False, repr=False)
    _field_lengths: np.ndarray | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        # The fitted vectorizers' own analyzers, so query terms are cut exactly as at fit time.
        self.char_analyzer = self.char_vectorizer.build_analyzer()
        self.word_char_vectorizer = bare_word_vectorizer(self.char_vectorizer)
        self.word_char_analyzer = self.word_char_vectorizer.build_analyzer()

    @property
    def unigram_columns(self) -> np.ndarray:
        """Word-view columns of the single words, in the order of the ``unigram_char_t`` matrix."""
        return self.matrices["unigram_columns"].indices

    def word_vector(self, features: list[Feature]) -> sp.csr_matrix:
        """The query's word-view vector: ``word_vectorizer.transform`` of the text these features are of."""
        return tfidf_rows([[f.name for f in features]], self.word_vectorizer)

    def char_vector(self, text: str) -> sp.csr_matrix:
        """The query's character-view vector: ``char_vectorizer.transform([text])``."""
        return tfidf_rows([self.char_analyzer(text)], self.char_vectorizer)

    def word_char_vectors(self, words: list[str]) -> sp.csr_matrix:
        """Character-view rows of single vocabulary words, each cut into n-grams as it is."""
        return tfidf_rows([self.word_char_analyzer(word) for word in words], self.char_vectorizer)

    def view_scores(self, word: sp.csr_matrix, char: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """Cosine similarity of the query with every document of this kind, word view and character view."""
        # Match the index's precision: mixing them would make scipy convert the whole index each query.
        word_t, char_t = self.matrices["word_t"], self.matrices["char_t"]
        word_scores = (word.astype(word_t.dtype) @ word_t).toarray().ravel().astype(np.float64)
        char_scores = (char.astype(char_t.dtype) @ char_t).toarray().ravel().astype(np.float64)
        return word_scores, char_scores

    def scores(self, word: sp.csr_matrix, char: sp.csr_matrix, char_weight: float) -> np.ndarray:
        """Fused cosine similarity of the query with every document of this kind, in [0, 1]."""
        word_scores, char_scores = self.view_scores(word, char)
        return np.clip((1.0 - char_weight) * word_scores + char_weight * char_scores, 0.0, 1.0)

    def field_cosines(self, query: sp.csr_matrix, rows: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """``(shares, cosines)``, each ``(len(rows), fields)``: each field's share of the word cosine, and
        the cosine of the query with that field alone (a short field can match well and still add little)."""
        fields, count = len(self.field_names), len(self.rows)
        if not rows:
            return np.zeros((0, fields)), np.zeros((0, fields))
        postings, lengths = self._field_postings()
        every = (query.astype(postings.dtype) @ postings).toarray().ravel().astype(np.float64)
        stacked = np.array([f * count + row for row in rows for f in range(fields)], dtype=np.int64)
        shares, norms = every[stacked], lengths[stacked]
        cosines = np.divide(shares, norms, out=np.zeros_like(shares), where=norms > 0)
        return shares.reshape(len(rows), fields), cosines.reshape(len(rows), fields)

    def _field_postings(self) -> tuple[sp.csr_matrix, np.ndarray]:
        """The field rows stored term by term, and each field row's length: made on first use (only
        the kinds a learned model ranks need them), so a query touches only its own terms' postings."""
        if self._fields_t is None:
            matrix = self.matrices["fields"]
            self._field_lengths = np.sqrt(
                np.asarray(matrix.multiply(matrix).sum(axis=1), dtype=np.float64).ravel()
            )
            self._fields_t = matrix.T.tocsr()
        return self._fields_t, self._field_lengths

    def field_contributions(
        self, query: sp.csr_matrix, rows: list[int]
    ) -> list[list[tuple[str, int, float]]]:
        """Per document row: ``(field, word column, contribution to the word cosine)`` of each shared word."""
        fields = len(self.field_names)
        matrix = self.matrices["fields"]
        stacked = np.array([f * len(self.rows) + row for row in rows for f in range(fields)], dtype=np.int64)
        starts, lengths = matrix.indptr[stacked], matrix.indptr[stacked + 1] - matrix.indptr[stacked]
        # Gather every selected row's entries in one go rather than slicing row by row.
        offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
        gathered = offsets + np.arange(int(lengths.sum()))
        columns, values = matrix.indices[gathered], matrix.data[gathered]
        owners = np.repeat(np.arange(len(stacked)), lengths)
        in_query = np.minimum(np.searchsorted(query.indices, columns), max(query.nnz - 1, 0))
        shared = query.indices[in_query] == columns if query.nnz else np.zeros(len(columns), dtype=bool)
        products = values[shared] * query.data[in_query[shared]]
        found: list[list[tuple[str, int, float]]] = [[] for _ in rows]
        for owner, column, value in zip(
            owners[shared].tolist(), columns[shared].tolist(), products.tolist(), strict=True
        ):
            found[owner // fields].append((self.field_names[owner % fields], column, value))
        return found

    def field_value(self, row: int, name: str, column: int) -> float:
        """The weight of one word in one field of one document."""
        stacked = self.field_names.index(name) * len(self.rows) + row
        columns, values = row_of(self.matrices["fields"], stacked)
        position = int(np.searchsorted(columns, column))
        return float(values[position]) if position < len(columns) and columns[position] == column else 0.0

    def document_words(self, row: int) -> set[int]:
        """Word-view columns of every word and word pair in one document."""
        count = len(self.rows)
        matrix = self.matrices["fields"]
        present: set[int] = set()
        for f in range(len(self.field_names)):
            present.update(row_of(matrix, f * count + row)[0].tolist())
        return present

    def char_weights(self, row: int, columns: list[int]) -> np.ndarray:
        """One document's character-view weights for the given n-gram columns (0 where absent)."""
        postings = self.matrices["char_t"]
        found = np.zeros(len(columns))
        for position, column in enumerate(columns):
            documents, values = row_of(postings, column)
            at = int(np.searchsorted(documents, row))
            if at < len(documents) and documents[at] == row:
                found[position] = values[at]
        return found

    def similar_words(self, words: list[str]) -> list[list[tuple[int, float]]]:
        """For each word, the vocabulary's single words that look like it: ``(word column, similarity)``."""
        if not words:
            return []
        similarity = sp.csr_matrix(self.word_char_vectors(words) @ self.matrices["unigram_char_t"])
        columns = self.unigram_columns
        found = []
        for row in range(len(words)):
            start, end = similarity.indptr[row], similarity.indptr[row + 1]
            pairs = zip(similarity.indices[start:end], similarity.data[start:end], strict=True)
            close = [(int(columns[u]), float(s)) for u, s in pairs if s >= SIMILAR_WORD]
            found.append(sorted(close, key=lambda pair: (-pair[1], pair[0])))
        return found


def title_rows(documents: Sequence[Document]) -> dict[str, list[int]]:
    """Each title's words, folded, mapped to the rows (positions in ``documents``) that carry it."""
    titles: dict[str, list[int]] = {}
    for row, document in enumerate(documents):
        for name in TITLE_FIELDS:
            for title in document.field_text(name):
                titles.setdefault(title_key(title), []).append(row)
    return titles


def build_kind_index(
    documents: Sequence[Document],
    rows: np.ndarray,
    analyzer: TextAnalyzer,
    weights: Mapping[str, float],
    char_ngram_range: tuple[int, int],
) -> KindIndex:
    """Fit both views on one kind's documents."""
    names = sorted({name for document in documents for name in document.fields})
    field_weights = [field_weight(weights, name) for name in names]
    word = word_vectorizer(analyzer)
    char = char_vectorizer(analyzer, char_ngram_range)
    texts = {name: _field_texts(documents, name) for name in names}
    cut_char = bare_char_analyzer(char)

    # Reading text is most of the cost: each field of each document is read once per view.
    def read(text: str) -> tuple[list[str], list[str]]:
        words, cleaned = analyzer.both_views(text)
        return words, cut_char(cleaned)

    word_rows, char_rows = fit_fields([word, char], read, texts)
    word_fields = _weighted_fields(word_rows, names, field_weights, word.dtype)
    char_docs = _sum(_weighted_fields(char_rows, names, field_weights, char.dtype))
    del word_rows, char_rows
    vocabulary = [str(name) for name in word.get_feature_names_out()]
    index = KindIndex(np.asarray(rows, dtype=np.int64), names, word, char, vocabulary)
    index.titles = title_rows(documents)
    # Field by field, one block of rows each: row ``f * n + d`` is field ``f`` of document ``d``.
    index.matrices["fields"] = sp.csr_matrix(sp.vstack(word_fields))
    # Stored term by term (postings), so a query only touches the documents that share its terms.
    index.matrices["word_t"] = _sum(word_fields).T.tocsr()
    index.matrices["char_t"] = char_docs.T.tocsr()
    unigrams = np.array([i for i, name in enumerate(vocabulary) if " " not in name], dtype=np.int32)
    index.matrices["unigram_columns"] = sp.csr_matrix(
        (np.ones(len(unigrams)), unigrams, np.array([0, len(unigrams)])), shape=(1, len(vocabulary))
    )
    unigram_char = index.word_char_vectors([vocabulary[i] for i in unigrams])
    index.matrices["unigram_char_t"] = unigram_char.T.tocsr()
    for matrix in index.matrices.values():
        matrix.sort_indices()
    return index
