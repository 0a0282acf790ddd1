"""Saving and loading: identical answers after a round trip, and refusal of anything that does not match."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from matching import Document, Matcher, MatcherLoadError
from matching.documents import corpus_hash
from tests.matching.conftest import ABBREVIATIONS, Tripwire, edit_manifest, replace_file, sha256

QUERIES = ["hearing aids", "audiolgy", "ECG", "EAT", "blood", "xqzt", "fixing machines", "CT scan", ""]
TEXTS = [*QUERIES, "I want to be a GP", "ψυχολογία", "123", "heart rhythm specialist"]


def _answers(matcher: Matcher, kind: str | None = "service-area") -> list:
    answers = []
    for text in QUERIES:
        result = matcher.query(text, k=5, kind=kind)
        answers.append(
            (
                result.confident,
                result.query_terms,
                [(m.id, m.score, m.fit, m.reasons) for m in result.matches],
            )
        )
    return answers


def test_manifest_describes_the_index(matcher: Matcher, saved: Path) -> None:
    manifest = json.loads((saved / "manifest.json").read_text())
    assert manifest["format_version"] == 3
    assert set(manifest["library_versions"]) == {"numpy", "scipy", "scikit-learn", "python"}
    assert manifest["corpus_hash"] == matcher.corpus_hash_
    assert manifest["document_count"] == len(matcher.documents_)
    assert manifest["parameters"]["abbreviations"] == ABBREVIATIONS
    assert set(manifest["files"]) == {"documents.json", "state.json", "index-0.npz", "index-1.npz"}
    assert {path.name for path in saved.iterdir()} == {"manifest.json", *manifest["files"]}
    for name, checksum in manifest["files"].items():
        assert sha256((saved / name).read_bytes()) == checksum


def test_state_is_plain_json_naming_its_callables(matcher: Matcher, saved: Path) -> None:
    state = json.loads((saved / "state.json").read_text())
    kinds = {entry["kind"]: entry for entry in state["kinds"]}
    assert set(kinds) == {"opportunity", "service-area"}
    entry = kinds["service-area"]
    index = matcher.indexes_["service-area"]
    assert entry["word_vectorizer"]["parameters"]["analyzer"] == {"callable": "text-analyzer"}
    assert entry["char_vectorizer"]["parameters"]["preprocessor"] == {"callable": "char-text"}
    assert entry["char_vectorizer"]["parameters"]["ngram_range"] == [3, 5]
    assert entry["word_vectorizer"]["vocabulary"] == index.word_names
    assert entry["field_names"] == index.field_names
    assert entry["thresholds"] == index.thresholds


def test_round_trip_gives_identical_answers(matcher: Matcher, saved: Path) -> None:
    loaded = Matcher.load(saved)
    assert loaded.corpus_hash_ == matcher.corpus_hash_
    assert loaded.get_params() == matcher.get_params()
    assert _answers(loaded) == _answers(matcher)
    assert _answers(loaded, kind=None) == _answers(matcher, kind=None)


def test_round_trip_through_a_mapping_of_files(matcher: Matcher) -> None:
    files = matcher.to_files()
    assert all(isinstance(name, str) and isinstance(data, bytes) for name, data in files.items())
    loaded = Matcher.from_files(files)
    assert _answers(loaded, kind=None) == _answers(matcher, kind=None)


def test_rebuilt_vectorizers_transform_exactly_like_the_fitted_ones(matcher: Matcher) -> None:
    loaded = Matcher.from_files(matcher.to_files())
    for kind, index in matcher.indexes_.items():
        again = loaded.indexes_[kind]
        texts = TEXTS + [" ".join(document.field_text("name")) for document in matcher.documents_]
        for fitted, rebuilt in [
            (index.word_vectorizer, again.word_vectorizer),
            (index.char_vectorizer, again.char_vectorizer),
            (index.word_char_vectorizer, again.word_char_vectorizer),
        ]:
            assert rebuilt is not fitted
            ours, theirs = rebuilt.transform(texts), fitted.transform(texts)
            assert ours.dtype == theirs.dtype
            assert (ours != theirs).nnz == 0
        for name, matrix in index.matrices.items():
            assert (again.matrices[name] != matrix).nnz == 0, name
        assert again.titles == index.titles


def test_load_accepts_a_string_path(saved: Path) -> None:
    assert Matcher.load(str(saved)).query("hearing").matches


def test_saving_again_replaces_the_index(matcher: Matcher, areas: list[Document], saved: Path) -> None:
    (saved / "state.pkl").write_bytes(b"left over from format 1")
    smaller = Matcher(abbreviations=ABBREVIATIONS).fit(areas)
    smaller.save(saved)
    assert not (saved / "index-1.npz").exists() and not (saved / "state.pkl").exists()
    assert Matcher.load(saved).corpus_hash_ == smaller.corpus_hash_


def test_saving_into_a_folder_of_other_files_is_refused(matcher: Matcher, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(FileExistsError, match=r"notes\.txt"):
        matcher.save(tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m.update(format_version=1), "format_version"),
        (lambda m: m["library_versions"].update({"scikit-learn": "0.24.2"}), "scikit-learn"),
        (lambda m: m["library_versions"].update({"numpy": "1.0.0"}), "numpy"),
        (lambda m: m.update(corpus_hash="0" * 64), "corpus_hash"),
        (lambda m: m.update(document_count=1), "documents"),
        (lambda m: m["files"].update({"state.json": "0" * 64}), "checksum"),
        (lambda m: m["files"].update({"../escape.json": "0" * 64}), "not a matcher's"),
        (lambda m: m["files"].update({"state.pkl": "0" * 64}), "not a matcher's"),
        (lambda m: m["files"].update({"index-2.npz": "0" * 64}), "missing"),
        (lambda m: m["files"].pop("index-1.npz"), "does not list"),
        (lambda m: m["parameters"].update({"colour": "blue"}), "parameters"),
        (lambda m: m["parameters"].update({"char_weight": 0.9}), "parameters"),
        (lambda m: m["parameters"].update({"char_ngram_range": "abc"}), "parameters"),
        (lambda m: m.pop("files"), "files"),
    ],
)
def test_tampered_manifest_is_refused(saved: Path, change, message: str) -> None:
    edit_manifest(saved, change)
    with pytest.raises(MatcherLoadError, match=message):
        Matcher.load(saved)


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        ("state.json", b"[3, 5]", b"[3, 4]"),
        ("documents.json", b"Audiology", b"Audiologz"),
        ("index-0.npz", b"", b"\0"),
    ],
)
def test_changed_file_is_refused(saved: Path, name: str, old: bytes, new: bytes) -> None:
    path = saved / name
    data = path.read_bytes()
    assert old in data
    path.write_bytes(data.replace(old, new, 1) if old else data + new)
    with pytest.raises(MatcherLoadError, match=f"checksum of {name}"):
        Matcher.load(saved)


def test_extra_file_is_refused(saved: Path, matcher: Matcher) -> None:
    (saved / "extra.json").write_text("{}")
    with pytest.raises(MatcherLoadError, match=r"does not list.*extra\.json"):
        Matcher.load(saved)
    with pytest.raises(MatcherLoadError, match="does not list"):
        Matcher.from_files({**matcher.to_files(), "index-9.npz": b""})


def test_missing_file_is_refused(saved: Path, matcher: Matcher) -> None:
    (saved / "documents.json").unlink()
    with pytest.raises(MatcherLoadError, match=r"missing.*documents\.json"):
        Matcher.load(saved)
    files = matcher.to_files()
    del files["index-0.npz"]
    with pytest.raises(MatcherLoadError, match="missing"):
        Matcher.from_files(files)


def test_missing_or_broken_manifest_is_refused(saved: Path, tmp_path: Path) -> None:
    with pytest.raises(MatcherLoadError):
        Matcher.load(tmp_path / "nowhere")
    (saved / "manifest.json").write_text("{not json")
    with pytest.raises(MatcherLoadError, match="manifest"):
        Matcher.load(saved)
    (saved / "manifest.json").unlink()
    with pytest.raises(MatcherLoadError, match="no manifest"):
        Matcher.load(saved)


def test_a_pickle_named_by_the_manifest_is_never_unpickled(saved: Path) -> None:
    replace_file(saved, "state.pkl", pickle.dumps(Tripwire()))
    with pytest.raises(MatcherLoadError, match=r"not a matcher's JSON or \.npz.*state\.pkl"):
        Matcher.load(saved)
    replace_file(saved, "state.json", pickle.dumps(Tripwire()))
    with pytest.raises(MatcherLoadError):
        Matcher.load(saved)
    assert Tripwire.ran is False


def test_same_input_gives_the_same_output(corpus: list[Document], matcher: Matcher) -> None:
    again = Matcher(abbreviations=ABBREVIATIONS).fit(list(corpus))
    assert again.corpus_hash_ == matcher.corpus_hash_
    assert _answers(again) == _answers(matcher)
    assert _answers(matcher) == _answers(matcher)


def test_corpus_hash_is_stable_and_sensitive(corpus: list[Document]) -> None:
    assert corpus_hash(corpus) == corpus_hash(list(corpus))
    first = corpus[0]
    changed = Document(first.id, {**first.fields, "name": "Something else"}, first.kind, first.tags)
    assert corpus_hash([changed, *corpus[1:]]) != corpus_hash(corpus)
    retagged = Document(first.id, first.fields, first.kind, {"level": "job"})
    assert corpus_hash([retagged, *corpus[1:]]) != corpus_hash(corpus)
