"""A query read into what the person wants and what they said they do not, offsets kept."""

from __future__ import annotations

from dataclasses import dataclass

from matching.negation import NegatedSpan, negated_spans


def _blanked(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with each span replaced by a full stop and spaces: same length, so offsets still hold,
    and the stop keeps the words either side from pairing up."""
    characters = list(text)
    for start, end in spans:
        if end > start:
            characters[start:end] = ["."] + [" "] * (end - start - 1)
    return "".join(characters)


@dataclass(frozen=True)
class ReadQuery:
    """A query split into what the person wants and what they said they do not (offsets kept)."""

    text: str
    positive: str
    disliked: str
    dislikes: tuple[NegatedSpan, ...]

    @classmethod
    def of(cls, text: str) -> ReadQuery:
        dislikes = tuple(negated_spans(text))
        if not dislikes:
            return cls(text, text, "", ())
        said_no = [(span.cue_start, span.end) for span in dislikes]
        rest, cursor = [], 0
        for span in dislikes:
            rest.append((cursor, span.start))
            cursor = span.end
        rest.append((cursor, len(text)))
        return cls(text, _blanked(text, said_no), _blanked(text, rest), dislikes)
