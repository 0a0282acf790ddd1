"""The index's TF-IDF vectorizers: how they are made, how they weight terms, and how they are rebuilt."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
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
