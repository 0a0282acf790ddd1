"""One kind's index as plain data: a JSON entry and an ``.npz`` of numeric arrays, and back again."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from matching.documents import Document
from matching.index import KindIndex, title_rows
from matching.text import TextAnalyzer
from matching.vectorizers import char_vectorizer, describe, rebuild, word_vectorizer

MATRICES = ("fields", "word_t", "char_t", "unigram_columns", "unigram_char_t")
_PARTS = ("data", "indices", "indptr", "shape")
_VECTORS = ("rows", "word_idf", "char_idf")
THRESHOLDS = ("non_match", "strong")


class StoredIndexError(ValueError):
    """A saved kind index is malformed."""


def _in_column_order(vocabulary: dict[str, int]) -> list[str]:
    return [term for term, _ in sorted(vocabulary.items(), key=lambda item: item[1])]


def kind_entry(kind: str, index: KindIndex, arrays: str, analyzer: TextAnalyzer) -> dict[str, Any]:
    """The JSON part of one kind's index; the numbers go to the ``.npz`` named ``arrays``."""
    return {
        "kind": kind,
        "arrays": arrays,
        "field_names": list(index.field_names),
        "thresholds": {name: float(index.thresholds[name]) for name in THRESHOLDS},
        "word_vectorizer": {
            "parameters": describe(index.word_vectorizer, analyzer),
            "vocabulary": _in_column_order(index.word_vectorizer.vocabulary_),
        },
        "char_vectorizer": {
            "parameters": describe(index.char_vectorizer, analyzer),
            "vocabulary": _in_column_order(index.char_vectorizer.vocabulary_),
        },
    }


def kind_arrays(index: KindIndex) -> bytes:
    """The ``.npz`` part of one kind's index: its rows, both idf vectors and its sparse matrices."""
    arrays: dict[str, np.ndarray] = {
        "rows": np.asarray(index.rows, dtype=np.int64),
        "word_idf": np.asarray(index.word_vectorizer.idf_),
        "char_idf": np.asarray(index.char_vectorizer.idf_),
    }
    for name in MATRICES:
        matrix = sp.csr_matrix(index.matrices[name])
        arrays[f"{name}__data"] = matrix.data
        arrays[f"{name}__indices"] = matrix.indices
        arrays[f"{name}__indptr"] = matrix.indptr
        arrays[f"{name}__shape"] = np.array(matrix.shape, dtype=np.int64)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _read_arrays(data: bytes) -> dict[str, np.ndarray]:
    """Every array of the ``.npz``, numeric only; an object array (a pickle inside) is refused."""
    expected = {*_VECTORS, *(f"{name}__{part}" for name in MATRICES for part in _PARTS)}
    try:
        # allow_pickle=False makes numpy refuse an object array instead of unpickling it.
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            if set(archive.files) != expected:
                raise StoredIndexError(f"the arrays are not the expected ones: {sorted(archive.files)}")
            arrays = {name: archive[name] for name in archive.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as error:
        raise StoredIndexError(f"cannot read the arrays: {error}") from error
    for name, array in arrays.items():
        wanted = "f" if name.endswith(("__data", "_idf")) else "iu"
        if array.dtype.kind not in wanted:
            raise StoredIndexError(f"array {name} holds {array.dtype}, not numbers of the expected kind")
    return arrays


def _matrix(arrays: dict[str, np.ndarray], name: str, shape: tuple[int, int]) -> sp.csr_matrix:
    saved = tuple(int(size) for size in arrays[f"{name}__shape"].ravel())
    if saved != shape:
        raise StoredIndexError(f"matrix {name} is {saved}, it should be {shape}")
    parts = (arrays[f"{name}__data"], arrays[f"{name}__indices"], arrays[f"{name}__indptr"])
    try:
        matrix = sp.csr_matrix(parts, shape=shape)
        # The full check proves every column index is in range before any query relies on it.
        matrix.check_format(full_check=True)
    except ValueError as error:
        raise StoredIndexError(f"matrix {name} is malformed: {error}") from error
    if not matrix.has_sorted_indices:
        # Lookups bisect each row's columns; unsorted ones would give wrong answers without an error.
        raise StoredIndexError(f"matrix {name} has unsorted column indices")
    return matrix


def _vectorizer_entry(entry: dict[str, Any], key: str) -> tuple[dict[str, Any], list[str]]:
    part = entry.get(key)
    if not isinstance(part, dict) or not isinstance(part.get("vocabulary"), list):
        raise StoredIndexError(f"{key} must hold parameters and a vocabulary")
    return part.get("parameters"), part["vocabulary"]


def _check_entry(entry: Any) -> None:
    if not isinstance(entry, dict) or not isinstance(entry.get("kind"), str):
        raise StoredIndexError("each kind must be a JSON object with a kind name")
    names = entry.get("field_names")
    if not isinstance(names, list) or not names or not all(isinstance(name, str) for name in names):
        raise StoredIndexError(f"{entry['kind']}: field_names must be a list of names")
    thresholds = entry.get("thresholds")
    if not isinstance(thresholds, dict) or set(thresholds) != set(THRESHOLDS):
        raise StoredIndexError(f"{entry['kind']}: thresholds must be {', '.join(THRESHOLDS)}")
    if not all(isinstance(value, int | float) and np.isfinite(value) for value in thresholds.values()):
        raise StoredIndexError(f"{entry['kind']}: thresholds must be numbers")


def read_kind(
    entry: dict[str, Any],
    data: bytes,
    analyzer: TextAnalyzer,
    char_ngram_range: tuple[int, int],
    documents: Sequence[Document],
) -> KindIndex:
    """The kind index described by ``entry`` and the ``.npz`` bytes ``data``; StoredIndexError if broken."""
    _check_entry(entry)
    kind = entry["kind"]
    arrays = _read_arrays(data)
    rows = arrays["rows"]
    if rows.tolist() != [i for i, document in enumerate(documents) if document.kind == kind]:
        raise StoredIndexError(f"{kind}: the saved rows are not the positions of the {kind} documents")
    word_parameters, word_vocabulary = _vectorizer_entry(entry, "word_vectorizer")
    char_parameters, char_vocabulary = _vectorizer_entry(entry, "char_vectorizer")
    try:
        word = rebuild(
            word_parameters,
            word_vocabulary,
            arrays["word_idf"],
            analyzer,
            describe(word_vectorizer(analyzer), analyzer),
        )
        char = rebuild(
            char_parameters,
            char_vocabulary,
            arrays["char_idf"],
            analyzer,
            describe(char_vectorizer(analyzer, char_ngram_range), analyzer),
        )
    except (ValueError, TypeError, KeyError) as error:
        raise StoredIndexError(f"{kind}: {error}") from error
    count, words, grams = len(rows), len(word_vocabulary), len(char_vocabulary)
    matrices = {
        "fields": _matrix(arrays, "fields", (len(entry["field_names"]) * count, words)),
        "word_t": _matrix(arrays, "word_t", (words, count)),
        "char_t": _matrix(arrays, "char_t", (grams, count)),
        "unigram_columns": _matrix(arrays, "unigram_columns", (1, words)),
    }
    unigrams = matrices["unigram_columns"].nnz
    matrices["unigram_char_t"] = _matrix(arrays, "unigram_char_t", (grams, unigrams))
    thresholds = {name: float(value) for name, value in entry["thresholds"].items()}
    index = KindIndex(rows, list(entry["field_names"]), word, char, word_vocabulary, matrices, thresholds)
    index.titles = title_rows([documents[int(row)] for row in rows])
    return index
