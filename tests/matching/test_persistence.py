"""Saving and loading: identical answers after a round trip, and refusal of anything that does not match."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from matching import Document, Matcher, MatcherLoadError
from matching.documents import corpus_hash
from tests.matching.conftest import ABBREVIATIONS

QUERIES = ["hearing aids", "audiolgy", "ECG", "EAT", "blood", "xqzt", "fixing machines"]


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


@pytest.fixture
def saved(matcher: Matcher, tmp_path: Path) -> Path:
    """A directory holding the shared matcher, saved."""
    directory = tmp_path / "index"
    matcher.save(directory)
    return directory


def _edit_manifest(directory: Path, change) -> None:
    manifest = json.loads((directory / "manifest.json").read_text())
    change(manifest)
    (directory / "manifest.json").write_text(json.dumps(manifest))


def test_manifest_describes_the_index(matcher: Matcher, saved: Path) -> None:
    manifest = json.loads((saved / "manifest.json").read_text())
    assert manifest["format_version"] == 1
    assert set(manifest["library_versions"]) == {"numpy", "scipy", "scikit-learn", "python"}
    assert manifest["corpus_hash"] == matcher.corpus_hash_
    assert manifest["document_count"] == len(matcher.documents_)
    assert manifest["parameters"]["abbreviations"] == ABBREVIATIONS
    assert set(manifest["files"]) == {path.name for path in saved.iterdir()} - {"manifest.json"}


def test_round_trip_gives_identical_answers(matcher: Matcher, saved: Path) -> None:
    loaded = Matcher.load(saved)
    assert loaded.corpus_hash_ == matcher.corpus_hash_
    assert loaded.get_params() == matcher.get_params()
    assert _answers(loaded) == _answers(matcher)
    assert _answers(loaded, kind=None) == _answers(matcher, kind=None)


def test_load_accepts_a_string_path(saved: Path) -> None:
    assert Matcher.load(str(saved)).query("hearing").matches


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m.update(format_version=2), "format_version"),
        (lambda m: m["library_versions"].update({"scikit-learn": "0.24.2"}), "scikit-learn"),
        (lambda m: m["library_versions"].update({"numpy": "1.0.0"}), "numpy"),
        (lambda m: m.update(corpus_hash="0" * 64), "corpus_hash"),
        (lambda m: m.update(document_count=1), "documents"),
        (lambda m: m["files"].update({"state.pkl": "0" * 64}), "checksum"),
        (lambda m: m["files"].update({"../escape.pkl": "0" * 64}), "outside"),
        (lambda m: m["parameters"].update({"colour": "blue"}), "parameters"),
        (lambda m: m["parameters"].update({"char_weight": 0.9}), "parameters"),
        (lambda m: m.pop("files"), "files"),
    ],
)
def test_tampered_manifest_is_refused(saved: Path, change, message: str) -> None:
    _edit_manifest(saved, change)
    with pytest.raises(MatcherLoadError, match=message):
        Matcher.load(saved)


def test_changed_file_is_refused(saved: Path) -> None:
    arrays = next(saved.glob("index-*.npz"))
    arrays.write_bytes(arrays.read_bytes() + b"\0")
    with pytest.raises(MatcherLoadError, match="checksum"):
        Matcher.load(saved)


class _Tripwire:
    """Unpickling this records that code ran."""

    ran = False

    def __reduce__(self):
        return (_trip, ())


def _trip() -> None:
    _Tripwire.ran = True


def test_a_swapped_pickle_is_never_unpickled(saved: Path) -> None:
    (saved / "state.pkl").write_bytes(pickle.dumps(_Tripwire()))
    with pytest.raises(MatcherLoadError, match="checksum"):
        Matcher.load(saved)
    assert _Tripwire.ran is False


def test_missing_or_broken_manifest_is_refused(saved: Path, tmp_path: Path) -> None:
    with pytest.raises(MatcherLoadError):
        Matcher.load(tmp_path / "nowhere")
    (saved / "manifest.json").write_text("{not json")
    with pytest.raises(MatcherLoadError):
        Matcher.load(saved)


def test_missing_file_is_refused(saved: Path) -> None:
    (saved / "documents.json").unlink()
    with pytest.raises(MatcherLoadError, match=r"documents\.json"):
        Matcher.load(saved)


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
