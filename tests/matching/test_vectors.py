"""Query vectors are exactly what the fitted scikit-learn vectorizers' ``transform`` gives.

The matcher weights query terms itself (``tfidf_rows``) because ``transform`` spends half a millisecond
per call validating its input; these tests prove the fast path equals ``transform`` to 1e-9, in float64,
over every dev-set query and the texts most likely to expose a difference.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer

from matching import Document, Matcher
from matching.index import KindIndex
from matching.reading import ReadQuery
from matching.text import TextAnalyzer
from matching.vectorizers import bare_char_analyzer, char_vectorizer, fit_fields, word_vectorizer

BENCH = Path(__file__).resolve().parents[2] / "bench"
EDGE_CASES = [
    "",
    "   ",
    "a",
    "I",
    "x y z",
    "ab",
    "GP",
    "CT",
    "CT scan",
    "I want to be a GP",
    "ECG ECGs MRI EEG",
    "PET-CT",
    "!!!",
    "...?!,;:",
    "()[]{}/|•",
    "123",
    "2024 999 0",
    "A&E 24/7",
    "ψυχολογία και ακοή",
    "علم الأحياء",
    "🫀❤️ 🧬🔬",
    "café naïve Ångström",
    "the and of to with",
    "I would really like a job",
    "hearing\n\taids\r\nfor  children",
    "blood blood blood cells cells",
    "Audiology/ENT; CT-scan, x-ray.",
    "audiolgy hearnig cardaic",
]


def _bench_module():
    spec = importlib.util.spec_from_file_location("bench_corpus", BENCH / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    # Dataclasses look their module up by name while the module runs.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench():
    """bench/corpus.py: the real profiles, abbreviations, dev-set queries and synthetic opportunities."""
    return _bench_module()


@pytest.fixture(scope="module")
def real_matcher(bench) -> Matcher:
    """A matcher on the real profiles and 100 synthetic opportunities, as the benchmark builds it."""
    profiles = bench.load_profiles()
    records = profiles + bench.synthetic_opportunities(profiles, 100)
    documents = [Document(id=r.id, fields=r.fields, kind=r.kind, tags=r.tags) for r in records]
    return Matcher(abbreviations=bench.load_abbreviations()).fit(documents)


@pytest.fixture(scope="module")
def texts(bench) -> list[str]:
    """Every dev-set query and the edge cases."""
    return [query.query for query in bench.load_queries()] + EDGE_CASES


def _float64_twin(fitted: TfidfVectorizer, **changes) -> TfidfVectorizer:
    """scikit-learn's own vectorizer with the fitted vocabulary and idf, computing in float64."""
    twin = TfidfVectorizer(**{**fitted.get_params(), "dtype": np.float64, **changes})
    twin.vocabulary_ = fitted.vocabulary_
    twin.idf_ = np.asarray(fitted.idf_, dtype=np.float64)
    return twin


def _assert_same_rows(ours: sp.spmatrix, theirs: sp.spmatrix) -> None:
    ours, theirs = sp.csr_matrix(ours), sp.csr_matrix(theirs)
    assert ours.dtype == theirs.dtype == np.float64
    assert ours.shape == theirs.shape
    np.testing.assert_array_equal(ours.indptr, theirs.indptr)
    np.testing.assert_array_equal(ours.indices, theirs.indices)
    np.testing.assert_allclose(ours.data, theirs.data, rtol=0, atol=1e-9)


def _indexes(matcher: Matcher) -> list[KindIndex]:
    return [matcher.indexes_[kind] for kind in sorted(matcher.indexes_)]


def test_both_kinds_are_indexed(real_matcher: Matcher) -> None:
    assert sorted(real_matcher.indexes_) == ["opportunity", "service-area"]


def test_query_vectors_equal_transform(real_matcher: Matcher, texts: list[str]) -> None:
    for index in _indexes(real_matcher):
        word, char = _float64_twin(index.word_vectorizer), _float64_twin(index.char_vectorizer)
        for text in texts:
            # What the person said they do not want is blanked out before the wanted words are read.
            wanted = ReadQuery.of(text).positive
            view = real_matcher._view(index, ReadQuery.of(text))
            _assert_same_rows(view.word, word.transform([wanted]))
            _assert_same_rows(view.char, char.transform([wanted]))


def test_the_float64_twins_agree_with_the_fitted_float32_vectorizers(
    real_matcher: Matcher, texts: list[str]
) -> None:
    for index in _indexes(real_matcher):
        for fitted in (index.word_vectorizer, index.char_vectorizer):
            ours = _float64_twin(fitted).transform(texts)
            theirs = fitted.transform(texts)
            assert theirs.dtype == np.float32
            np.testing.assert_array_equal(ours.indices, theirs.indices)
            np.testing.assert_allclose(ours.data, theirs.data.astype(np.float64), rtol=0, atol=1e-6)


def test_the_short_words_that_used_to_differ_now_match(real_matcher: Matcher) -> None:
    index = real_matcher.indexes_["service-area"]
    char = _float64_twin(index.char_vectorizer)
    for text in ["CT scan", "I want to be a GP"]:
        expected = char.transform([text])
        assert expected.nnz > 0
        _assert_same_rows(index.char_vector(text), expected)


def _single_words(matcher: Matcher, texts: list[str]) -> list[str]:
    """The single words the matcher looks up lookalikes for, plus short and odd ones."""
    words = {f.name for text in texts for f in matcher.analyzer_.features(text) if " " not in f.name}
    return sorted(words | {"a", "ct", "gp", "ecg", "the", "123", "ψυχη", "🧬"})


def test_single_word_vectors_equal_transform_without_the_preprocessor(
    real_matcher: Matcher, texts: list[str]
) -> None:
    words = _single_words(real_matcher, texts)
    for index in _indexes(real_matcher):
        bare = _float64_twin(index.char_vectorizer, preprocessor=None)
        _assert_same_rows(index.word_char_vectors(words), bare.transform(words))
        for word in words:
            assert index.word_char_analyzer(word) == bare.build_analyzer()(word)


def test_the_indexed_vocabulary_words_equal_transform(real_matcher: Matcher) -> None:
    for index in _indexes(real_matcher):
        unigrams = [index.word_names[column] for column in index.unigram_columns]
        bare = _float64_twin(index.char_vectorizer, preprocessor=None)
        _assert_same_rows(index.matrices["unigram_char_t"].T, bare.transform(unigrams))


def test_lookalikes_are_found_from_exact_vectors(real_matcher: Matcher) -> None:
    index = real_matcher.indexes_["service-area"]
    (found,) = index.similar_words(["audiolgy"])
    assert [index.word_names[column] for column, _ in found][:1] == ["audiology"]
    bare = _float64_twin(index.char_vectorizer, preprocessor=None)
    theirs = bare.transform(["audiolgy"]) @ bare.transform(["audiology"]).T
    assert found[0][1] == pytest.approx(float(theirs.toarray()[0, 0]), abs=1e-9)


def test_fitting_field_by_field_equals_scikit_learn_on_whole_documents(bench) -> None:
    """fit_fields reads each field once; the vocabulary, idf and rows are what scikit-learn gives."""
    profiles = bench.load_profiles()[:40]
    analyzer = TextAnalyzer.for_parameters(bench.load_abbreviations(), (1, 2))
    names = sorted({name for record in profiles for name in record.fields})
    texts = {name: ["\n".join(Document(r.id, r.fields).field_text(name)) for r in profiles] for name in names}
    whole = ["\n".join(texts[name][row] for name in names) for row in range(len(profiles))]
    for ours, cut in (
        (word_vectorizer(analyzer), analyzer),
        (char_vectorizer(analyzer, (3, 5)), None),
    ):
        theirs = clone(ours).fit(whole)
        read = cut or (lambda text, v=ours: bare_char_analyzer(v)(analyzer.char_text(text)))
        (rows,) = fit_fields([ours], lambda text, read=read: [read(text)], texts)
        assert ours.vocabulary_ == theirs.vocabulary_
        np.testing.assert_allclose(ours.idf_, theirs.idf_, rtol=1e-6)
        for name in names:
            # Single precision, as the fitted vectorizer's own transform gives.
            mine, expected = rows[name], sp.csr_matrix(theirs.transform(texts[name]))
            assert mine.dtype == expected.dtype == np.float32
            np.testing.assert_array_equal(mine.indptr, expected.indptr)
            np.testing.assert_array_equal(mine.indices, expected.indices)
            np.testing.assert_allclose(mine.data, expected.data, rtol=0, atol=1e-6)


def test_reading_both_views_at_once_reads_as_each_alone(bench, texts: list[str]) -> None:
    analyzer = TextAnalyzer.for_parameters(bench.load_abbreviations(), (1, 2), bench.load_everyday_words())
    for text in texts:
        assert analyzer.both_views(text) == (analyzer(text), analyzer.char_text(text))


def test_the_cached_character_cut_equals_scikit_learn(bench, texts: list[str], real_matcher) -> None:
    index = real_matcher.indexes_["service-area"]
    theirs = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), lowercase=False).build_analyzer()
    ours = bare_char_analyzer(index.char_vectorizer)
    analyzer = real_matcher.analyzer_
    samples = [analyzer.char_text(t) for t in texts] + ["a", "ab", "abc", "  spaced   out  ", "\\tx\\ny"]
    for record in bench.load_profiles()[:20]:
        samples.append(analyzer.char_text(Document(record.id, record.fields).field_text("summary")[0]))
    for sample in samples:
        assert sorted(ours(sample)) == sorted(theirs(sample))
