"""The dislike reader, one sentence at a time, plus the properties every answer must have."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matching.negation import NegatedSpan, negated_spans

# (what someone typed, the stretches of it they said "no" to)
CASES: list[tuple[str, list[str]]] = [
    # The sentences the careers matcher was built for.
    ("I hate blood but love computers", ["blood"]),
    ("I don't want to work with patients, I'd rather be in a lab", ["work with patients"]),
    ("biology, but nothing with needles", ["with needles"]),
    ("blood makes me faint", ["blood"]),
    ("Not a fan of maths. Love talking to people", ["maths"]),
    # A negator in a clause about other people describes them: it is not a dislike.
    ("I want to help people who can't hear properly", []),
    ("kids who don't speak yet", []),
    ("a job that doesn't involve blood", ["involve blood"]),
    # Single-word cues.
    ("I want a job with no patients", ["patients"]),
    ("I would never work nights", ["work nights"]),
    ("Nothing involving blood please", ["involving blood please"]),
    ("none of the chemistry stuff", ["of the chemistry stuff"]),
    ("a lab job without patients", ["patients"]),
    ("I hate needles", ["needles"]),
    ("She hates hospitals", ["hospitals"]),
    ("I dislike physics", ["physics"]),
    ("I detest paperwork", ["paperwork"]),
    # Phrase cues.
    ("I don't like chemistry", ["chemistry"]),
    ("I do not like chemistry", ["chemistry"]),
    ("I do not want a desk job", ["a desk job"]),
    ("I wouldn't want to be a nurse", ["be a nurse"]),
    ("I'd rather not work with blood", ["work with blood"]),
    ("I would rather not deal with patients", ["deal with patients"]),
    ("rather not do anything with germs", ["do anything with germs"]),
    ("I'm not into coding", ["coding"]),
    ("not keen on maths", ["maths"]),
    ("I'm not interested in engineering", ["engineering"]),
    ("not good with computers", ["computers"]),
    ("I'm not good at physics", ["physics"]),
    ("I'm bad at maths", ["maths"]),
    ("I'm scared of needles", ["needles"]),
    ("afraid of hospitals", ["hospitals"]),
    ("frightened of the dark", ["the dark"]),
    ("terrified of blood", ["blood"]),
    ("I have a fear of needles", ["needles"]),
    ("I'm squeamish about blood", ["blood"]),
    ("squeamish around needles", ["needles"]),
    ("I can't stand the sight of blood", ["the sight of blood"]),
    ("I cannot stand loud noises", ["loud noises"]),
    ("I can't handle sick people", ["sick people"]),
    ("I can't deal with vomit", ["vomit"]),
    ("I can't bear hospitals", ["hospitals"]),
    ("I want to avoid blood", ["blood"]),
    ("stay away from patients", ["patients"]),
    ("anything but chemistry", ["chemistry"]),
    ("I'm sick of maths", ["maths"]),
    ("fed up with exams", ["exams"]),
    ("fed up of revision", ["revision"]),
    ("I get bored of physics", ["physics"]),
    ("bored by biology lessons", ["biology lessons"]),
    ("put off by blood", ["blood"]),
    ("grossed out by vomit", ["vomit"]),
    ("freaked out by needles", ["needles"]),
    ("I'm allergic to animals", ["animals"]),
    ("I faint at the sight of blood", ["blood"]),
    ("I like all science except chemistry", ["chemistry"]),
    ("I like everything apart from physics", ["physics"]),
    ("any subject other than maths", ["maths"]),
    ("Maths isn't fun", ["Maths"]),
    ("Biology doesn't interest me", ["Biology"]),
    # Post-cues negate backwards to the start of their clause.
    ("Needles scare me", ["Needles"]),
    ("blood makes me feel sick", ["blood"]),
    ("vomit makes me squeamish", ["vomit"]),
    ("Physics is boring", ["Physics"]),
    ("chemistry bores me", ["chemistry"]),
    ("Working with patients is not for me", ["Working with patients"]),
    ("Maths isn't my thing", ["Maths"]),
    ("Blood grosses me out", ["Blood"]),
    ("Hospitals freak me out", ["Hospitals"]),
    ("The smell puts me off", ["The smell"]),
    ("I'm squeamish", []),
    ("Blood and needles scare me", ["Blood and needles"]),
    ("I love computers and blood scares me", ["blood"]),
    ("Computers are great and blood scares me", ["blood"]),
    ("I like art but maths bores me", ["maths"]),
    # Pseudo-cues negate nothing.
    ("not only biology but also chemistry", []),
    ("I want not just money but a good job", []),
    ("I'm not sure about nursing", []),
    ("not certain what I want", []),
    ("I have no idea what I want to do", []),
    ("I don't know much about physics", []),
    ("I do not know what a physicist does", []),
    ("I can't wait to work in a hospital", []),
    ("I can't decide between biology and chemistry", []),
    ("I'm not bothered by blood", []),
    ("I don't mind blood", []),
    ("I do not mind needles", []),
    ("I wouldn't mind working nights", []),
    ("no problem with blood", []),
    ("Blood doesn't bother me", []),
    ("not put off by needles", []),
    ("I'm fine with blood", []),
    ("I'll do any job no matter the hours", []),
    ("biology if not chemistry", []),
    ("not necessarily a hospital", []),
    ("I'm not squeamish", []),
    # Double negation reads as a like.
    ("not scared of blood", []),
    ("I'm not afraid of needles", []),
    ("never bored by maths", []),
    ("I don't hate chemistry", []),
    ("needles don't scare me", []),
    ("I'm not at all scared of hospitals", []),
    ("Physics isn't boring", []),
    # Clause ends.
    ("I hate blood, love computers", ["blood"]),
    ("I hate blood; computers are fine", ["blood"]),
    ("I hate blood - computers are fine", ["blood"]),
    ("I hate blood (computers are fine)", ["blood"]),
    ("I hate blood\ncomputers are fine", ["blood"]),
    ("I don't like blood however labs are fine", ["blood"]),
    ("I don't like blood though labs are fine", ["blood"]),
    ("I don't like blood although labs are fine", ["blood"]),
    ("I don't like blood yet labs are fine", ["blood"]),
    ("I hate blood whereas computers are fun", ["blood"]),
    ("I hate blood while maths is fun", ["blood"]),
    ("I hate blood so I want to do physics", ["blood"]),
    ("I hate blood because it is messy", ["blood"]),
    ("I hate blood and I love computers", ["blood"]),
    ("I hate blood and it makes me worried", ["blood"]),
    ("I hate blood I love computers", ["blood"]),
    ("I hate blood and love computers", ["blood"]),
    ("I hate blood and like computers", ["blood"]),
    ("I hate blood and needles", ["blood and needles"]),
    ("I hate blood or needles", ["blood or needles"]),
    ("I hate blood but prefer computers", ["blood"]),
    ("I hate blood instead I like computers", ["blood"]),
    ("I hate things like blood and needles so much", ["things like blood and needles"]),
    ("I hate one two three four five six seven eight nine ten", ["one two three four five six seven eight"]),
    ("I don't like maths at all", ["maths"]),
    # "rather than" and "instead of": the thing after them is the one wanted less.
    ("I like computers rather than patients", ["patients"]),
    ("I'd rather be outside than in an office", ["in an office"]),
    ("working in a lab instead of with patients", ["with patients"]),
    ("I'd rather be in a lab", []),
    # Curly and missing apostrophes, capitals.
    ("I don’t like chemistry", ["chemistry"]),
    ("i dont like chemistry", ["chemistry"]),
    ("I cant stand blood", ["blood"]),
    ("I wont work nights", ["work nights"]),
    ("id rather not work nights", ["work nights"]),
    ("I’d rather not work nights", ["work nights"]),
    ("I DON'T WANT TO WORK WITH BLOOD", ["WORK WITH BLOOD"]),
    ("Maths ISN’T my thing", ["Maths"]),
    ("BLOOD MAKES ME FAINT", ["BLOOD"]),
    ("Chemistry isn't interesting", ["Chemistry"]),
    ("It's not really for me", []),
    # Several dislikes, and a dislike in a later sentence.
    ("I hate blood and don't like needles", ["blood", "needles"]),
    ("I hate blood, I'm scared of needles and maths bores me", ["blood", "needles", "maths"]),
    ("I love science. I hate exams.", ["exams"]),
    ("I enjoy biology. Needles scare me though.", ["Needles"]),
    ("I don't like chemistry and physics isn't for me", ["chemistry", "physics"]),
    ("I'm not a people person", ["a people person"]),
    # No negation at all.
    ("I love computers", []),
    ("I want to help people get better", []),
    ("Biology and chemistry are my favourite subjects", []),
    ("I like talking to people and working in a team", []),
    ("I enjoy fixing machines", []),
    ("Interested in hearing and how ears work", []),
    ("I want to help people avoid heart disease", []),
    ("I haven't tried chemistry yet", []),
    ("I didn't do biology at school", []),
    ("I like things like heart scans", []),
    ("", []),
]


def _words(text: str) -> list[str]:
    return [text[span.start : span.end] for span in negated_spans(text)]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[text[:40] or "empty" for text, _ in CASES])
def test_negated_words(text: str, expected: list[str]) -> None:
    assert _words(text) == expected


def test_the_table_is_large_and_varied() -> None:
    assert len(CASES) >= 60
    assert sum(1 for _, expected in CASES if not expected) >= 20
    assert sum(1 for _, expected in CASES if len(expected) > 1) >= 3


def test_span_records_the_cue_as_written() -> None:
    text = "I DON’T want to work with blood"
    [span] = negated_spans(text)
    assert span.cue == text[span.cue_start : span.cue_end] == "DON’T want to"
    assert text[span.start : span.end] == "work with blood"


def test_auxiliary_belongs_to_the_cue() -> None:
    [span] = negated_spans("I do not like chemistry")
    assert span.cue == "do not like"


def test_post_cue_comes_after_its_scope() -> None:
    [span] = negated_spans("Needles scare me")
    assert span.cue == "scare me"
    assert span.end <= span.cue_start


def test_spans_are_frozen() -> None:
    [span] = negated_spans("I hate blood")
    with pytest.raises(AttributeError):
        span.start = 0  # type: ignore[misc]
    assert span == NegatedSpan("hate", 2, 6, 7, 12)


def _check_shape(text: str) -> None:
    spans = negated_spans(text)
    previous_end = 0
    for span in spans:
        assert 0 <= span.cue_start < span.cue_end <= len(text)
        assert 0 <= span.start < span.end <= len(text)
        assert span.start >= previous_end, "spans overlap or are out of order"
        assert span.end <= span.cue_start or span.start >= span.cue_end, "the cue is inside its own scope"
        assert span.cue == text[span.cue_start : span.cue_end]
        inside = text[span.start : span.end]
        assert inside == inside.strip() and inside[-1].isalnum() and inside[0].isalnum()
        previous_end = span.end


@pytest.mark.parametrize(("text", "expected"), CASES[:40])
def test_table_spans_have_the_right_shape(text: str, expected: list[str]) -> None:
    _check_shape(text)


HOSTILE = [
    "",
    " ",
    "\x00",
    "nul\x00byte not\x00blood",
    "right\u202eto left, I hate\u202e blood",
    "I hate 🩸 and 💉 but love 💻",
    "!!!???...,,,;;;:::",
    "- - - — — –",
    "'''’’’",
    "not",
    "n't",
    "I don't",
    "scares me",
    "a" * 10_000,
    "not " * 2_500,
    "I hate " + "blood and " * 1_000,
    "blood scares me " * 500,
    "İ hate İstanbul",
    "ﬁne with ﬁsh",
    "\ud800 lone surrogate not blood",
    "(((((((((((((((((((((((((((((",
    "-" * 5_000 + " not " + "-" * 5_000,
    "not-not-not-not-not",
    "__not__ _blood_",
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_never_raises(text: str) -> None:
    _check_shape(text)


def test_hostile_text_still_finds_dislikes() -> None:
    assert _words("right\u202eto left, I hate\u202e blood") == ["blood"]
    assert _words("nul\x00byte, I hate\x00blood") == ["blood"]
    assert _words("I hate 🩸 blood") == ["blood"]


def test_not_a_string_gives_nothing() -> None:
    assert negated_spans(None) == []  # type: ignore[arg-type]


@given(st.text(max_size=300))
def test_any_text_has_well_formed_spans(text: str) -> None:
    _check_shape(text)


_SOUP = (
    "not no never hate don't can't stand scared of afraid bored by rather than but and or I I'm blood "
    "needles maths is boring scares me makes faint , . ; love like want fine with mind isn't for me "
    "nothing without except anything"
)
_VOCABULARY = st.sampled_from(_SOUP.split())


@given(st.lists(_VOCABULARY, max_size=40))
def test_cue_soup_has_well_formed_spans(words: list[str]) -> None:
    _check_shape(" ".join(words))
