"""Saved kind indexes: state and arrays are checked before use, so an edited file is refused even when
whoever edited it also rewrote its checksum in the manifest (checksums only catch accidents)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from matching import Matcher, MatcherLoadError
from tests.matching.conftest import Tripwire, replace_file


def _edit_state(directory: Path, change: Callable[[dict], object]) -> None:
    state = json.loads((directory / "state.json").read_text())
    change(state)
    replace_file(directory, "state.json", json.dumps(state).encode())


def _arrays(directory: Path, name: str = "index-1.npz") -> dict[str, np.ndarray]:
    with np.load(directory / name, allow_pickle=False) as archive:
        return {key: archive[key] for key in archive.files}


def _npz(arrays: dict[str, np.ndarray]) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _set_word_parameter(name: str, value: object) -> Callable[[dict], None]:
    return lambda state: state["kinds"][0]["word_vectorizer"]["parameters"].update({name: value})


def _drop_a_word(state: dict) -> None:
    state["kinds"][1]["word_vectorizer"]["vocabulary"].pop()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set_word_parameter("input", "filename"), r"vectorizer parameters differ.*input"),
        (_set_word_parameter("analyzer", {"callable": "os.system"}), "vectorizer parameters differ"),
        (_set_word_parameter("dtype", "object"), "vectorizer parameters differ"),
        (_set_word_parameter("sublinear_tf", False), "vectorizer parameters differ"),
        (_drop_a_word, "idf values"),
        (lambda s: s["kinds"][1]["char_vectorizer"]["vocabulary"].append("zzz"), "idf values"),
        (lambda s: s["kinds"][0]["thresholds"].update(strong="high"), "thresholds"),
        (lambda s: s["kinds"][0].update(field_names=["name"]), "fields"),
        (lambda s: s["kinds"].pop(), "kinds"),
        (lambda s: s["kinds"][0].update(arrays="index-1.npz"), "arrays"),
        (lambda s: s["kinds"][0].update(kind="service-area"), "kinds"),
        (lambda s: s.update(parameters={**s["parameters"], "char_weight": 0.9}), "parameters"),
        (lambda s: s.update(kinds="everything"), "kinds"),
    ],
)
def test_changed_state_with_a_matching_checksum_is_refused(saved: Path, change, message: str) -> None:
    _edit_state(saved, change)
    with pytest.raises(MatcherLoadError, match=message):
        Matcher.load(saved)


def _out_of_range(arrays: dict[str, np.ndarray]) -> None:
    arrays["word_t__indices"][0] = 10**6


def _unsorted(arrays: dict[str, np.ndarray]) -> None:
    indptr = arrays["word_t__indptr"]
    row = int(np.flatnonzero(np.diff(indptr) > 1)[0])
    start, end = indptr[row], indptr[row + 1]
    arrays["word_t__indices"][start:end] = arrays["word_t__indices"][start:end][::-1].copy()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_out_of_range, "word_t is malformed"),
        (_unsorted, "unsorted"),
        (lambda a: a.update(word_t__indices=a["word_t__indices"].astype(np.float64)), "word_t__indices"),
        (lambda a: a.update(char_idf=a["char_idf"].astype(np.int64)), "char_idf"),
        (lambda a: a.update(word_idf=a["word_idf"][:-1]), "idf values"),
        (lambda a: a.update(rows=a["rows"][::-1].copy()), "rows"),
        (lambda a: a.update(fields__shape=np.array([1, 1])), "fields"),
        (lambda a: a.pop("char_t__data"), "not the expected"),
        (lambda a: a.update(extra=np.zeros(3)), "not the expected"),
    ],
)
def test_changed_arrays_with_a_matching_checksum_are_refused(saved: Path, change, message: str) -> None:
    arrays = _arrays(saved)
    change(arrays)
    replace_file(saved, "index-1.npz", _npz(arrays))
    with pytest.raises(MatcherLoadError, match=message):
        Matcher.load(saved)


def test_an_object_array_is_refused_without_being_unpickled(saved: Path) -> None:
    arrays = _arrays(saved)
    arrays["rows"] = np.array([Tripwire(), 1, 2], dtype=object)
    replace_file(saved, "index-1.npz", _npz(arrays))
    with pytest.raises(MatcherLoadError, match="allow_pickle=False"):
        Matcher.load(saved)
    assert Tripwire.ran is False
