"""Dislikes and negation in a person's own words: which stretches of the text they said "no" to.

A NegEx-style reader: a cue ("not", "hate", "don't want", "rather not", "scared of", "can't stand" ...)
negates the words after it up to the end of its clause (punctuation, or a word that starts a new
clause such as "but", "though", "so"). Pseudo-cues that look like negation but are not ("not only",
"not sure", "don't mind", "not scared of") negate nothing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NegatedSpan:
    """One dislike: the cue as written and the stretch of text it negates (character offsets)."""

    cue: str
    cue_start: int
    cue_end: int
    start: int
    end: int


def negated_spans(text: str) -> list[NegatedSpan]:
    """Every negated stretch of ``text``, in order; the cue itself is never inside its scope."""
    return []
