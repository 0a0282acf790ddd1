"""The index's TF-IDF vectorizers: how they are made, how they weight terms, and how they are rebuilt."""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from matching.text import TextAnalyzer

# Callable parameters cannot be saved as data, so they are saved as the name of what they were.
WORD_ANALYZER = "text-analyzer"
CHAR_PREPROCESSOR = "char-text"
_DTYPES: dict[str, type] = {"float32": np.float32, "float64": np.float64}


def word_vectorizer(analyzer: TextAnalyzer) -> TfidfVectorizer:
    """The word view's vectorizer, unfitted: the analyzer's features, sublinear tf, idf, unit length."""
    # Single precision halves the index's memory; the ranking does not need more.
    return TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, token_pattern=None, dtype=np.float32)


def char_vectorizer(analyzer: TextAnalyzer, ngram_range: tuple[int, int]) -> TfidfVectorizer:
    """The character view's vectorizer, unfitted: n-grams within the words the analyzer keeps."""
    return TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=tuple(ngram_range),
        preprocessor=analyzer.char_text,
        sublinear_tf=True,
        token_pattern=None,
        dtype=np.float32,
    )


def bare_word_vectorizer(fitted: TfidfVectorizer) -> TfidfVectorizer:
    """The fitted character vectorizer for one vocabulary word: same vocabulary and idf, no preprocessor.

    The preprocessor would drop a word that is also a stop word and re-read abbreviations; a single word
    taken from the word view's vocabulary must be cut into n-grams exactly as it is.
    """
    twin = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=fitted.ngram_range,
        lowercase=False,
        sublinear_tf=fitted.sublinear_tf,
        token_pattern=None,
        dtype=fitted.dtype,
    )
    twin.vocabulary_ = fitted.vocabulary_
    twin.idf_ = fitted.idf_
    return twin


def bare_char_analyzer(fitted: TfidfVectorizer) -> Callable[[str], list[str]]:
    """The character view's n-grams of text that ``char_text`` has already cleaned (no preprocessor).

    What scikit-learn's ``char_wb`` analyzer gives, word by word; words recur across documents, so each
    word's n-grams are worked out once (a test proves the result equal to scikit-learn's).
    """
    low, high = fitted.ngram_range

    @lru_cache(maxsize=200_000)
    def of_word(word: str) -> tuple[str, ...]:
        padded = f" {word} "
        grams: list[str] = []
        for size in range(low, high + 1):
            # As scikit-learn does: a word shorter than the n-gram is counted once, whole.
            grams.extend(padded[at : at + size] for at in range(max(1, len(padded) - size + 1)))
            if len(padded) <= size:
                break
        return tuple(grams)

    def cut(text: str) -> list[str]:
        return [gram for word in text.split() for gram in of_word(word)]

    return cut


class _Counts:
    """Term counts of one view, field by field, with terms numbered as they are first seen."""

    def __init__(self) -> None:
        self.vocabulary: dict[str, int] = {}
        # Typed arrays: a large corpus has tens of millions of entries, too many for Python int lists.
        self.fields: dict[str, tuple[array, array, array]] = {}

    def add(self, name: str, terms: list[str]) -> None:
        values, indices, indptr = self.fields.setdefault(name, (array("q"), array("q"), array("q", [0])))
        number = self.vocabulary.setdefault
        # Counting the terms first (in C) leaves only the distinct ones to number; a new term gets the
        # next number, because the length is read before it is added.
        found = Counter(terms)
        indices.extend([number(term, len(self.vocabulary)) for term in found])
        values.extend(found.values())
        indptr.append(len(indices))


def fit_fields(
    vectorizers: Sequence[TfidfVectorizer],
    read: Callable[[str], Sequence[list[str]]],
    fields: dict[str, list[str]],
) -> list[dict[str, sp.csr_matrix]]:
    """Fit each vectorizer as ``fit`` on each document's fields put together would, reading each field
    of each document once, and return each field's rows as ``transform`` would weight them.

    ``read(text)`` gives one term list per vectorizer, as its own analyzer would cut ``text``; ``fields``
    holds, per field, one text per document. Fields are separate segments, so a document's terms are its
    fields' terms together, and its document frequency counts it once. A test proves vocabulary, idf
    and rows equal scikit-learn's.
    """
    views = [_Counts() for _ in vectorizers]
    documents = 0
    for name, texts in fields.items():
        for text in texts:
            for view, terms in zip(views, read(text), strict=True):
                view.add(name, terms)
        documents = len(texts)
    return [_fitted(v, view, documents) for v, view in zip(vectorizers, views, strict=True)]


def _fitted(vectorizer: TfidfVectorizer, view: _Counts, documents: int) -> dict[str, sp.csr_matrix]:
    """Give ``vectorizer`` the counted vocabulary and idf; return each field's weighted rows."""
    vocabulary, counted = view.vocabulary, view.fields
    if not vocabulary:
        raise ValueError("empty vocabulary: the documents hold no words the matcher can index")
    terms = sorted(vocabulary)
    # scikit-learn numbers terms in sorted order; renumber ours to match.
    renumbered = np.empty(len(terms), dtype=np.int32)
    renumbered[[vocabulary[term] for term in terms]] = np.arange(len(terms))
    shape = (documents, len(terms))
    counts = {}
    for name in list(counted):
        values, indices, indptr = counted.pop(name)
        matrix = sp.csr_matrix(
            (
                np.frombuffer(values, dtype=np.int64).astype(np.float32),
                renumbered[np.frombuffer(indices, dtype=np.int64)],
                np.frombuffer(indptr, dtype=np.int64).astype(np.int32),
            ),
            shape=shape,
        )
        matrix.sort_indices()
        counts[name] = matrix
    seen = None
    for matrix in counts.values():
        seen = matrix.astype(bool) if seen is None else seen + matrix.astype(bool)
    present = np.asarray(seen.sum(axis=0)).ravel()
    dtype = vectorizer.dtype
    # As TfidfTransformer.fit does it, in the vectorizer's precision: smoothed, log, plus one.
    frequency = present.astype(dtype) + dtype(1.0)
    idf = np.full_like(frequency, fill_value=documents + 1, dtype=dtype)
    idf /= frequency
    np.log(idf, out=idf)
    idf += dtype(1.0)
    vectorizer.vocabulary_ = {term: column for column, term in enumerate(terms)}
    vectorizer.idf_ = idf
    return {name: _weighted_rows(counts.pop(name), idf) for name in list(counts)}


def _weighted_rows(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Counts as ``transform`` weights them: sublinear tf times idf, each row of unit length.

    Worked out in double precision, kept in the vectorizer's single precision as ``transform`` would.
    """
    data = (1.0 + np.log(counts.data.astype(np.float64))) * np.asarray(idf, dtype=np.float64)[counts.indices]
    owner = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
    lengths = np.sqrt(np.bincount(owner, weights=data * data, minlength=counts.shape[0]))
    counts.data = (data / lengths[owner]).astype(counts.dtype)
    return counts


def tfidf_rows(term_lists: Sequence[Sequence[str]], vectorizer: TfidfVectorizer) -> sp.csr_matrix:
    """Rows as ``vectorizer.transform`` weights these terms (sublinear tf, idf, L2), in float64.

    ``transform`` spends most of its 0.5 to 1 ms per call validating its input (three such calls would
    double a query's time); the terms come from the vectorizer's own analyzer, and a test proves the
    rows equal ``transform``'s.
    """
    vocabulary = vectorizer.vocabulary_
    columns: list[int] = []
    counts: list[int] = []
    indptr = [0]
    for terms in term_lists:
        found = Counter(vocabulary[term] for term in terms if term in vocabulary)
        row = sorted(found)
        columns.extend(row)
        counts.extend(found[column] for column in row)
        indptr.append(len(columns))
    at = np.array(columns, dtype=np.int32)
    idf = np.asarray(vectorizer.idf_)[at].astype(np.float64)
    weights = (1.0 + np.log(np.array(counts, dtype=np.float64))) * idf
    owner = np.repeat(np.arange(len(term_lists)), np.diff(indptr))
    # Every idf is at least 1, so a row with any entry has a positive length.
    lengths = np.sqrt(np.bincount(owner, weights=weights * weights, minlength=len(term_lists)))
    shape = (len(term_lists), len(vectorizer.idf_))
    return sp.csr_matrix((weights / lengths[owner], at, np.array(indptr)), shape=shape)


def _callables(analyzer: TextAnalyzer) -> dict[str, Any]:
    return {WORD_ANALYZER: analyzer, CHAR_PREPROCESSOR: analyzer.char_text}


def _described(key: str, value: Any, analyzer: TextAnalyzer) -> Any:
    if key == "dtype":
        return np.dtype(value).name
    if value is analyzer:
        return {"callable": WORD_ANALYZER}
    if value == analyzer.char_text:
        return {"callable": CHAR_PREPROCESSOR}
    if callable(value):
        raise ValueError(f"cannot describe the vectorizer's {key}: {value!r}")
    return list(value) if isinstance(value, tuple) else value


def describe(vectorizer: TfidfVectorizer, analyzer: TextAnalyzer) -> dict[str, Any]:
    """The vectorizer's parameters as JSON values, callables named by what they are."""
    return {key: _described(key, value, analyzer) for key, value in sorted(vectorizer.get_params().items())}


def _parameter(value: Any, analyzer: TextAnalyzer) -> Any:
    if isinstance(value, dict):
        name = value.get("callable")
        if set(value) != {"callable"} or name not in (WORD_ANALYZER, CHAR_PREPROCESSOR):
            raise ValueError(f"unknown callable {value!r}")
        return _callables(analyzer)[name]
    return tuple(value) if isinstance(value, list) else value


def rebuild(
    parameters: dict[str, Any],
    vocabulary: list[str],
    idf: np.ndarray,
    analyzer: TextAnalyzer,
    expected: dict[str, Any],
) -> TfidfVectorizer:
    """A fitted vectorizer made from saved parameters, vocabulary (in column order) and idf.

    ``expected`` is what :func:`describe` gives for the vectorizer this library fits; anything else (say
    ``input="filename"``, which would make the vectorizer open files) is refused with ``ValueError``.
    """
    if not isinstance(parameters, dict):
        raise ValueError("vectorizer parameters must be a JSON object")
    if parameters != expected:
        changed = sorted(key for key in {*parameters, *expected} if parameters.get(key) != expected.get(key))
        raise ValueError(f"vectorizer parameters differ from the ones this library fits with: {changed}")
    values = {key: _parameter(value, analyzer) for key, value in parameters.items()}
    values["dtype"] = _DTYPES[parameters["dtype"]]
    vectorizer = TfidfVectorizer(**values)
    if not all(isinstance(term, str) for term in vocabulary) or len(set(vocabulary)) != len(vocabulary):
        raise ValueError("the vocabulary must be distinct strings")
    if idf.ndim != 1 or idf.dtype.kind != "f" or not np.all(np.isfinite(idf)) or np.any(idf < 1.0):
        raise ValueError("idf must be a vector of finite numbers of at least 1")
    if len(idf) != len(vocabulary):
        raise ValueError(f"{len(idf)} idf values for a vocabulary of {len(vocabulary)} terms")
    vectorizer.vocabulary_ = {term: column for column, term in enumerate(vocabulary)}
    vectorizer.idf_ = idf.astype(values["dtype"])
    return vectorizer
