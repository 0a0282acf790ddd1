"""Property-based checks: whatever a person types, the matcher answers sensibly and never fails."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from matching import Matcher

FITS = {"best", "great", "good"}
# Mix plain text with words the corpus knows, so that matches and reasons are exercised too.
WORDS = st.sampled_from(
    ["hearing", "ECG", "EAT", "eat", "audiolgy", "blood", "heart rhythm", "DNA", ",", "'s"]
)
TEXTS = st.one_of(st.text(), st.lists(st.one_of(WORDS, st.text(max_size=8)), max_size=8).map(" ".join))


@settings(max_examples=150, deadline=None)
@given(text=TEXTS, k=st.integers(min_value=0, max_value=15))
def test_any_text_gets_a_well_formed_answer(matcher: Matcher, text: str, k: int) -> None:
    result = matcher.query(text, k=k, kind=None)
    assert len(result.matches) <= k
    assert isinstance(result.confident, bool)
    scores = [match.score for match in result.matches]
    assert scores == sorted(scores, reverse=True)
    for match in result.matches:
        assert 0.0 <= match.score <= 1.0
        assert match.fit in FITS
        for reason in match.reasons:
            assert all(term.lower() in text.lower() for term in reason.terms)
    if not result.confident:
        assert all(match.fit == "good" for match in result.matches)
