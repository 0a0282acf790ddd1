"""A fitted matcher as plain files (JSON and numeric ``.npz``) and back, refusing whatever does not match.

Nothing here unpickles: every file is JSON or an ``.npz`` read with ``allow_pickle=False``, and the
vectorizers are rebuilt from their saved parameters, vocabulary and idf.
"""

from __future__ import annotations

import hashlib
import json
import platform
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import scipy
import sklearn

from matching.documents import NEIGHBOURING_KIND, Document, corpus_hash
from matching.index import KindIndex
from matching.ranking import LearnedModel, ModelError
from matching.stored_index import StoredIndexError, kind_arrays, kind_entry, read_kind
from matching.text import TextAnalyzer

# 3: the learned ranking and confidence model is saved with the index.
FORMAT_VERSION = 3
MANIFEST = "manifest.json"
DOCUMENTS = "documents.json"
STATE = "state.json"
_ARRAYS = re.compile(r"index-[0-9]{1,4}\.npz")
# Format 1 kept the vectorizers in a pickle; saving over such an index removes it.
_FORMER_FILES = ("state.pkl", f"{MANIFEST}.tmp")
_RANGE_PARAMETERS = ("word_ngram_range", "char_ngram_range")


class MatcherLoadError(Exception):
    """A saved matcher could not be loaded: missing or extra files, or contents that do not match."""


def library_versions() -> dict[str, str]:
    """Versions of the libraries whose arithmetic a saved matcher depends on."""
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


def _is_index_file(name: str) -> bool:
    return name in (DOCUMENTS, STATE) or _ARRAYS.fullmatch(name) is not None


def matcher_files(matcher: Any) -> dict[str, bytes]:
    """Every file of a fitted matcher, name to bytes, the manifest listing the others' checksums."""
    files = {DOCUMENTS: json.dumps([d.to_json() for d in matcher.documents_], ensure_ascii=False).encode()}
    kinds = []
    for number, (kind, index) in enumerate(matcher.indexes_.items()):
        arrays = f"index-{number}.npz"
        files[arrays] = kind_arrays(index)
        kinds.append(kind_entry(kind, index, arrays, matcher.analyzer_))
    parameters = _jsonable(matcher.get_params())
    model = matcher.model_.to_json() if matcher.model_ is not None else None
    state = {"parameters": parameters, "kinds": kinds, "model": model}
    files[STATE] = json.dumps(state, ensure_ascii=False, sort_keys=True).encode()
    manifest = {
        "format_version": FORMAT_VERSION,
        "library_versions": library_versions(),
        "parameters": parameters,
        "corpus_hash": matcher.corpus_hash_,
        "document_count": len(matcher.documents_),
        "files": {name: _sha256(data) for name, data in sorted(files.items())},
    }
    files[MANIFEST] = json.dumps(manifest, indent=2, sort_keys=True).encode()
    return files


def _json_object(files: Mapping[str, bytes], name: str) -> dict[str, Any]:
    try:
        value = json.loads(files[name].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise MatcherLoadError(f"cannot read {name}: {error}") from error
    if not isinstance(value, dict):
        raise MatcherLoadError(f"{name} is not a JSON object")
    return value


def _read_manifest(files: Mapping[str, bytes]) -> dict[str, Any]:
    if MANIFEST not in files:
        raise MatcherLoadError(f"there is no {MANIFEST}")
    manifest = _json_object(files, MANIFEST)
    if manifest.get("format_version") != FORMAT_VERSION:
        raise MatcherLoadError(
            f"format_version is {manifest.get('format_version')!r}, this library reads {FORMAT_VERSION}"
        )
    saved = manifest.get("library_versions")
    saved = saved if isinstance(saved, dict) else {}
    for library, version in library_versions().items():
        if _major_minor(saved.get(library, "")) != _major_minor(version):
            raise MatcherLoadError(
                f"saved with {library} {saved.get(library)!r}, but {version} is installed: rebuild the index"
            )
    return manifest


def _check_files(files: Mapping[str, bytes], manifest: dict[str, Any]) -> None:
    """Exactly the files the manifest lists are there, each matching its checksum, before any is parsed."""
    listed = manifest.get("files")
    if not isinstance(listed, dict) or DOCUMENTS not in listed or STATE not in listed:
        raise MatcherLoadError("the manifest does not list the matcher's files")
    foreign = sorted(name for name in listed if not _is_index_file(name))
    if foreign:
        raise MatcherLoadError(f"the manifest lists files that are not a matcher's JSON or .npz: {foreign}")
    missing = sorted(set(listed) - set(files))
    if missing:
        raise MatcherLoadError(f"files listed by the manifest are missing: {missing}")
    extra = sorted(set(files) - set(listed) - {MANIFEST})
    if extra:
        raise MatcherLoadError(f"files the manifest does not list are present: {extra}")
    for name, expected in listed.items():
        if _sha256(files[name]) != expected:
            raise MatcherLoadError(f"checksum of {name} does not match the manifest: the file has changed")


def _documents(files: Mapping[str, bytes], manifest: dict[str, Any]) -> list[Document]:
    try:
        documents = [Document.from_json(item) for item in json.loads(files[DOCUMENTS].decode("utf-8"))]
    except (UnicodeDecodeError, ValueError, TypeError, KeyError) as error:
        raise MatcherLoadError(f"cannot read {DOCUMENTS}: {error!r}") from error
    if len(documents) != manifest.get("document_count"):
        raise MatcherLoadError(
            f"{len(documents)} documents saved, the manifest says {manifest.get('document_count')}"
        )
    if corpus_hash(documents) != manifest.get("corpus_hash"):
        raise MatcherLoadError("the saved documents' hash does not match the manifest's corpus_hash")
    return documents


def _unfitted(cls: type, manifest: dict[str, Any]) -> Any:
    """A matcher with the manifest's parameters, not fitted yet."""
    parameters = manifest.get("parameters")
    if not isinstance(parameters, dict):
        raise MatcherLoadError("the manifest's parameters are not a JSON object")
    try:
        parameters = {
            name: tuple(value) if name in _RANGE_PARAMETERS else value for name, value in parameters.items()
        }
        matcher = cls(**parameters)
        matcher._check_parameters()
    except (TypeError, ValueError) as error:
        raise MatcherLoadError(f"the manifest's parameters do not fit this Matcher: {error}") from error
    return matcher


def _kind_entries(state: dict[str, Any], files: Mapping[str, bytes], documents: list[Document]) -> list:
    kinds = state.get("kinds")
    if not isinstance(kinds, list) or not all(isinstance(entry, dict) for entry in kinds):
        raise MatcherLoadError(f"{STATE} does not list the kinds of documents")
    names = [entry.get("kind") for entry in kinds]
    indexed = {document.kind for document in documents} - {NEIGHBOURING_KIND}
    if sorted(names, key=str) != sorted(indexed):
        raise MatcherLoadError(f"{STATE} indexes the kinds {names}, the documents are of other kinds")
    arrays = [entry.get("arrays") for entry in kinds]
    listed = sorted(name for name in files if _ARRAYS.fullmatch(name))
    if sorted(arrays, key=str) != listed:
        raise MatcherLoadError(f"{STATE} uses the arrays {arrays}, but the files hold {listed}")
    return kinds


def _model(state: dict[str, Any]) -> LearnedModel | None:
    """The learned model saved with the index (None when it was fitted without one)."""
    if state.get("model") is None:
        return None
    try:
        return LearnedModel.from_json(state["model"])
    except ModelError as error:
        raise MatcherLoadError(f"{STATE}: {error}") from error


def _indexes(files: Mapping[str, bytes], matcher: Any, documents: list[Document]) -> dict[str, KindIndex]:
    state = _json_object(files, STATE)
    matcher.model_ = _model(state)
    if state.get("parameters") != _jsonable(matcher.get_params()):
        raise MatcherLoadError("the manifest's parameters differ from those the index was fitted with")
    indexes = {}
    for entry in _kind_entries(state, files, documents):
        try:
            index = read_kind(
                entry, files[entry["arrays"]], matcher.analyzer_, tuple(matcher.char_ngram_range), documents
            )
        except StoredIndexError as error:
            raise MatcherLoadError(f"{entry['arrays']}: {error}") from error
        indexes[entry["kind"]] = index
    return indexes


def read_matcher(cls: type, files: Mapping[str, bytes]) -> Any:
    """The matcher ``files`` (name to bytes, as :func:`matcher_files` made them) describe."""
    manifest = _read_manifest(files)
    _check_files(files, manifest)
    documents = _documents(files, manifest)
    matcher = _unfitted(cls, manifest)
    # The analyzer holds no fitted state: the matcher's own parameters rebuild it exactly.
    matcher.analyzer_ = TextAnalyzer.for_parameters(
        matcher.abbreviations, matcher.word_ngram_range, matcher.everyday_words
    )
    indexes = _indexes(files, matcher, documents)
    matcher.documents_ = documents
    matcher.corpus_hash_ = manifest["corpus_hash"]
    matcher.indexes_ = indexes
    matcher.rebuild_derived()
    return matcher


def save_matcher(matcher: Any, directory: Path) -> None:
    """Write the matcher's files to ``directory``, replacing an index saved there, the manifest last."""
    files = matcher_files(matcher)
    directory.mkdir(parents=True, exist_ok=True)
    entries = list(directory.iterdir())
    foreign = sorted(
        entry.name
        for entry in entries
        if not entry.is_file() or not (_is_index_file(entry.name) or entry.name in (MANIFEST, *_FORMER_FILES))
    )
    if foreign:
        raise FileExistsError(f"{directory} holds files that are not part of a saved matcher: {foreign}")
    for entry in entries:
        entry.unlink()
    for name, data in files.items():
        if name != MANIFEST:
            (directory / name).write_bytes(data)
    temporary = directory / f"{MANIFEST}.tmp"
    temporary.write_bytes(files[MANIFEST])
    temporary.replace(directory / MANIFEST)


def load_matcher(cls: type, directory: Path) -> Any:
    """Read every file in ``directory`` and load the matcher they hold (see :func:`read_matcher`)."""
    try:
        entries = sorted(directory.iterdir())
        if any(not entry.is_file() for entry in entries):
            raise MatcherLoadError(f"{directory} holds something other than files")
        files = {entry.name: entry.read_bytes() for entry in entries}
    except OSError as error:
        raise MatcherLoadError(f"cannot read {directory}: {error}") from error
    return read_matcher(cls, files)
