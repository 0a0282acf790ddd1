"""Saving and loading a fitted matcher, refusing any saved index whose manifest does not match."""

from __future__ import annotations

import hashlib
import io
import json
import pickle
import platform
from pathlib import Path
from typing import Any

import numpy as np
import scipy
import scipy.sparse as sp
import sklearn

from matching.documents import Document, corpus_hash
from matching.index import KindIndex

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DOCUMENTS = "documents.json"
STATE = "state.pkl"
_RANGE_PARAMETERS = ("word_ngram_range", "char_ngram_range")


class MatcherLoadError(Exception):
    """A saved matcher could not be loaded: missing files, or a manifest that does not match."""


def library_versions() -> dict[str, str]:
    """Versions of the libraries whose objects a saved matcher holds."""
    return {
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "scikit-learn": sklearn.__version__,
        "python": platform.python_version(),
    }


def _major_minor(version: str) -> str:
    return ".".join(str(version).split(".")[:2])


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _jsonable(value: Any) -> Any:
    """Parameters as JSON would hold them, so saved and loaded ones compare equal."""
    return json.loads(json.dumps(value, sort_keys=True))


def _pack(matrices: dict[str, sp.csr_matrix]) -> bytes:
    arrays: dict[str, np.ndarray] = {}
    for name, matrix in matrices.items():
        matrix = sp.csr_matrix(matrix)
        arrays[f"{name}__data"] = matrix.data
        arrays[f"{name}__indices"] = matrix.indices
        arrays[f"{name}__indptr"] = matrix.indptr
        arrays[f"{name}__shape"] = np.array(matrix.shape, dtype=np.int64)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _unpack(data: bytes) -> dict[str, sp.csr_matrix]:
    with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
        names = sorted({key.rsplit("__", 1)[0] for key in arrays.files})
        return {
            name: sp.csr_matrix(
                (arrays[f"{name}__data"], arrays[f"{name}__indices"], arrays[f"{name}__indptr"]),
                shape=tuple(arrays[f"{name}__shape"]),
            )
            for name in names
        }


def save_matcher(matcher: Any, directory: Path) -> None:
    """Write the matcher's files, then the manifest that lists their checksums."""
    directory.mkdir(parents=True, exist_ok=True)
    contents: dict[str, bytes] = {}
    contents[DOCUMENTS] = json.dumps([d.to_json() for d in matcher.documents_], ensure_ascii=False).encode()
    kinds = []
    for number, (kind, index) in enumerate(matcher.indexes_.items()):
        arrays = f"index-{number}.npz"
        contents[arrays] = _pack(index.matrices)
        kinds.append(
            {
                "kind": kind,
                "arrays": arrays,
                "rows": index.rows,
                "field_names": index.field_names,
                "word_vectorizer": index.word_vectorizer,
                "char_vectorizer": index.char_vectorizer,
                "word_names": index.word_names,
                "thresholds": index.thresholds,
            }
        )
    parameters = _jsonable(matcher.get_params())
    state = {"analyzer": matcher.analyzer_, "kinds": kinds, "parameters": parameters}
    contents[STATE] = pickle.dumps(state, protocol=5)
    for name, data in contents.items():
        (directory / name).write_bytes(data)
    manifest = {
        "format_version": FORMAT_VERSION,
        "library_versions": library_versions(),
        "parameters": parameters,
        "corpus_hash": matcher.corpus_hash_,
        "document_count": len(matcher.documents_),
        "files": {name: _sha256(data) for name, data in sorted(contents.items())},
    }
    temporary = directory / f"{MANIFEST}.tmp"
    temporary.write_text(json.dumps(manifest, indent=2, sort_keys=True))
    temporary.replace(directory / MANIFEST)


def _read_manifest(directory: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((directory / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise MatcherLoadError(f"cannot read {directory / MANIFEST}: {error}") from error
    if not isinstance(manifest, dict):
        raise MatcherLoadError(f"{directory / MANIFEST} is not a JSON object")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise MatcherLoadError(
            f"format_version is {manifest.get('format_version')!r}, this library reads {FORMAT_VERSION}"
        )
    saved = manifest.get("library_versions") or {}
    for library, version in library_versions().items():
        if _major_minor(saved.get(library, "")) != _major_minor(version):
            raise MatcherLoadError(
                f"saved with {library} {saved.get(library)!r}, but {version} is installed: rebuild the index"
            )
    return manifest


def _read_files(directory: Path, manifest: dict[str, Any]) -> dict[str, bytes]:
    """Every listed file's bytes, each checked against its checksum before anything is parsed."""
    files = manifest.get("files")
    if not isinstance(files, dict) or DOCUMENTS not in files or STATE not in files:
        raise MatcherLoadError("the manifest does not list the matcher's files")
    contents = {}
    for name, expected in files.items():
        if Path(name).name != name or name in ("", ".", ".."):
            raise MatcherLoadError(f"the manifest names a file outside the directory: {name!r}")
        try:
            data = (directory / name).read_bytes()
        except OSError as error:
            raise MatcherLoadError(f"cannot read {name}: {error}") from error
        if _sha256(data) != expected:
            raise MatcherLoadError(f"checksum of {name} does not match the manifest: the file has changed")
        contents[name] = data
    return contents


def _documents(contents: dict[str, bytes], manifest: dict[str, Any]) -> list[Document]:
    documents = [Document.from_json(item) for item in json.loads(contents[DOCUMENTS])]
    if len(documents) != manifest.get("document_count"):
        raise MatcherLoadError(
            f"{len(documents)} documents saved, the manifest says {manifest.get('document_count')}"
        )
    if corpus_hash(documents) != manifest.get("corpus_hash"):
        raise MatcherLoadError("the saved documents' hash does not match the manifest's corpus_hash")
    return documents


def load_matcher(cls: type, directory: Path) -> Any:
    """Check the manifest and every checksum, and only then unpickle the vectorizers."""
    manifest = _read_manifest(directory)
    contents = _read_files(directory, manifest)
    documents = _documents(contents, manifest)
    parameters = dict(manifest.get("parameters") or {})
    for name in _RANGE_PARAMETERS:
        if name in parameters:
            parameters[name] = tuple(parameters[name])
    try:
        matcher = cls(**parameters)
    except TypeError as error:
        raise MatcherLoadError(f"the manifest's parameters do not fit this Matcher: {error}") from error
    # Unpickling runs code, so it only happens after every checksum above has matched.
    state = pickle.loads(contents[STATE])
    if state.get("parameters") != _jsonable(matcher.get_params()):
        raise MatcherLoadError("the manifest's parameters differ from those the index was fitted with")
    indexes = {}
    for entry in state["kinds"]:
        index = KindIndex(
            np.asarray(entry["rows"]),
            entry["field_names"],
            entry["word_vectorizer"],
            entry["char_vectorizer"],
            entry["word_names"],
            _unpack(contents[entry["arrays"]]),
            entry["thresholds"],
        )
        indexes[entry["kind"]] = index
    matcher.analyzer_ = state["analyzer"]
    matcher.documents_ = documents
    matcher.corpus_hash_ = manifest["corpus_hash"]
    matcher.indexes_ = indexes
    return matcher
