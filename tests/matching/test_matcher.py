"""The matcher's behaviour on a small hand-written corpus: ranking, typos, abbreviations, confidence."""

from __future__ import annotations

import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from matching import Document, Match, Matcher, QueryResult, Reason
from tests.matching.conftest import ABBREVIATIONS, AREAS

FITS = {"best", "great", "good"}


def _top(result: QueryResult, n: int = 1) -> list[str]:
    return [match.id for match in result.matches[:n]]


def test_fit_returns_self(areas: list[Document]) -> None:
    matcher = Matcher()
    assert matcher.fit(areas) is matcher
    assert matcher.corpus_hash_ and len(matcher.documents_) == len(areas)


def test_init_only_stores_parameters() -> None:
    matcher = Matcher(char_weight=0.3, abbreviations=ABBREVIATIONS)
    assert matcher.get_params()["char_weight"] == 0.3
    assert not [name for name in vars(matcher) if name.endswith("_")]
    assert clone(matcher).get_params()["abbreviations"] == ABBREVIATIONS


def test_unfitted_query_raises_a_clear_error() -> None:
    with pytest.raises(NotFittedError, match="fit"):
        Matcher().query("hearing")


def test_unfitted_save_raises(tmp_path) -> None:
    with pytest.raises(NotFittedError):
        Matcher().save(tmp_path / "index")


@pytest.mark.parametrize("bad", [[], [AREAS[0], AREAS[0]]])
def test_fit_refuses_empty_or_duplicate_documents(bad: list[Document]) -> None:
    with pytest.raises(ValueError):
        Matcher().fit(bad)


def test_fit_refuses_bad_parameters(areas: list[Document]) -> None:
    with pytest.raises(ValueError, match="char_weight"):
        Matcher(char_weight=1.5).fit(areas)


@pytest.mark.parametrize("document", AREAS, ids=lambda d: d.id)
def test_name_ranks_its_document_first(matcher: Matcher, document: Document) -> None:
    assert _top(matcher.query(document.fields["name"])) == [document.id]


@pytest.mark.parametrize(
    ("title", "expected"),
    [(title, d.id) for d in AREAS for title in d.fields["alternative_titles"]],
)
def test_alternative_title_ranks_its_document_in_top_three(
    matcher: Matcher, title: str, expected: str
) -> None:
    assert expected in _top(matcher.query(title), 3)


def test_misspelling_finds_the_document_and_says_what_it_looks_like(matcher: Matcher) -> None:
    result = matcher.query("audiolgy")
    assert _top(result) == ["audiology"]
    reasons = result.matches[0].reasons
    assert any('looks like "audiology"' in reason.text for reason in reasons)
    assert all(reason.terms == ["audiolgy"] for reason in reasons)


def test_abbreviation_finds_the_document_that_only_spells_it_out(matcher: Matcher) -> None:
    assert all("ECG" not in str(value) for value in AREAS[1].fields.values())
    result = matcher.query("ECG")
    assert _top(result) == ["cardiac-science"]
    assert "electrocardiogram" in result.query_terms
    assert result.matches[0].reasons[0].terms == ["ECG"]
    assert "electrocardiogram" in result.matches[0].reasons[0].text


def test_plural_abbreviation_is_expanded(matcher: Matcher) -> None:
    assert "electrocardiogram" in matcher.query("ECGs").query_terms


def test_abbreviation_that_spells_a_word_needs_capitals(matcher: Matcher) -> None:
    upper = matcher.query("EAT")
    assert "electronic assistive technology" in upper.query_terms
    assert _top(upper) == ["electronic-assistive-technology"]
    lower = matcher.query("I like to eat cake")
    assert "electronic assistive technology" not in lower.query_terms
    assert not lower.confident


def test_other_abbreviations_expand_in_any_case(matcher: Matcher) -> None:
    assert "electronic and biomedical engineering" in matcher.query("ebme").query_terms
    assert _top(matcher.query("ivf")) == ["clinical-embryology"]


@pytest.mark.parametrize(
    "text",
    [
        "I like fixing machines",
        "hearing aids for children",
        "ECG and heart rhythm",
        "blood and DNA",
        "audiolgy",
    ],
)
def test_reasons_only_name_words_from_the_query(matcher: Matcher, text: str) -> None:
    result = matcher.query(text)
    assert result.matches[0].reasons
    for match in result.matches:
        for reason in match.reasons:
            assert isinstance(reason, Reason) and reason.text and reason.weight > 0
            assert reason.field in match.document.fields
            for term in reason.terms:
                assert term.lower() in text.lower()


def test_reason_names_the_matching_job_title(matcher: Matcher) -> None:
    reasons = matcher.query("heart rhythm specialist").matches[0].reasons
    assert any('"Heart rhythm specialist"' in reason.text for reason in reasons)


def test_reasons_are_grouped_by_field_with_each_word_once(matcher: Matcher) -> None:
    reasons = matcher.query("hearing aids").matches[0].reasons
    words = [term for reason in reasons for term in reason.terms]
    assert len(words) == len(set(words))
    assert len({reason.field for reason in reasons}) == len(reasons)


@pytest.mark.parametrize("text", ["xqzt vbnm plok", "I want to be a professional skateboarder", ""])
def test_gibberish_and_off_topic_text_is_not_confident(matcher: Matcher, text: str) -> None:
    result = matcher.query(text)
    assert result.confident is False
    assert all(match.fit == "good" for match in result.matches)


@pytest.mark.parametrize("text", ["hearing aids", "Audiology", "I like fixing machines", "sleep apnoea"])
def test_on_topic_text_is_confident(matcher: Matcher, text: str) -> None:
    assert matcher.query(text).confident is True


def test_clear_winner_is_the_best_fit(matcher: Matcher) -> None:
    result = matcher.query("Audiology")
    assert [m.fit for m in result.matches[:2]] == ["best", "good"]


def test_matches_are_well_formed_and_ordered(matcher: Matcher) -> None:
    result = matcher.query("blood cells under a microscope", k=5)
    assert 0 < len(result.matches) <= 5
    scores = [match.score for match in result.matches]
    assert scores == sorted(scores, reverse=True)
    for match in result.matches:
        assert isinstance(match, Match) and 0.0 <= match.score <= 1.0 and match.fit in FITS
        assert match.document.id == match.id


def test_min_confident_score_overrides_the_calibrated_threshold(corpus: list[Document]) -> None:
    strict = Matcher(min_confident_score=0.99).fit(corpus)
    assert strict.query("hearing aids").confident is False


def test_kind_selects_the_sub_index(matcher: Matcher) -> None:
    areas = matcher.query("audiology")
    assert all(match.document.kind == "service-area" for match in areas.matches)
    opportunities = matcher.query("audiology", kind="opportunity")
    assert {match.id for match in opportunities.matches} <= {
        "opp-audiology-apprentice",
        "opp-audiology-placement",
    }
    assert _top(opportunities) == ["opp-audiology-apprentice"]
    everything = matcher.query("audiology", kind=None, k=20)
    assert {match.document.kind for match in everything.matches} == {"service-area", "opportunity"}
    assert matcher.query("audiology", kind="event").matches == []


def test_filter_keeps_only_accepted_documents(matcher: Matcher) -> None:
    result = matcher.query(
        "audiology hearing", kind="opportunity", filter=lambda d: d.tags["level"] == "placement"
    )
    assert _top(result, 5) == ["opp-audiology-placement"]


def test_k_limits_the_matches(matcher: Matcher) -> None:
    assert len(matcher.query("science", k=2).matches) <= 2
    assert matcher.query("hearing", k=0).matches == []
    with pytest.raises(ValueError):
        matcher.query("hearing", k=-1)


def test_query_must_be_text(matcher: Matcher) -> None:
    with pytest.raises(TypeError):
        matcher.query(42)  # type: ignore[arg-type]


def test_fitted_state_is_parameters_and_attributes_ending_in_underscore(corpus: list[Document]) -> None:
    fitted = Matcher(abbreviations=ABBREVIATIONS).fit(corpus)
    for text in ["Audiologist", "hearing aids", "audiolgy"]:
        fitted.query(text, kind=None)
    parameters = set(fitted.get_params())
    assert {name for name in vars(fitted) if not name.endswith("_")} == parameters
