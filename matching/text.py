"""Text normalisation, tokenising, light stemming and abbreviation expansion for documents and queries."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from matching.wordlists import COMMON_SHORT_WORDS, STOP_WORDS

# Sentence and list punctuation ends a segment so that word pairs never straddle two separate ideas.
_PIECE = re.compile(r"(?P<word>[^\W_]+)|(?P<stop>[.,;:!?()\[\]{}\n\r\t•|/]+)")
_MIN_TOKEN_LENGTH = 2


def fold(text: str) -> str:
    """Lower-case ``text`` and strip accents, so "Café" and "cafe" are the same word."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def stem(word: str) -> str:
    """Fold simple English plurals (after Harman's S-stemmer), so "machines" and "machine" share a feature."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies") and not word.endswith(("eies", "aies")):
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zzes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("us", "ss", "is")):
        return word[:-1]
    return word


@dataclass(frozen=True)
class Token:
    """One word of the input: its text as written, where it is, and its normal form."""

    raw: str
    start: int
    end: int
    norm: str
    segment: int


@dataclass(frozen=True)
class Feature:
    """A word or word pair the matcher counts, with the span of the user's text it came from."""

    name: str
    start: int
    end: int
    expansion: str | None = None


def tokenize(text: str) -> list[Token]:
    """Every word of ``text`` with its position and segment (sentence or list item)."""
    tokens = []
    segment = 0
    for match in _PIECE.finditer(text):
        if match.lastgroup == "stop":
            segment += 1
            continue
        norm = fold(match.group())
        if len(norm) >= _MIN_TOKEN_LENGTH:
            tokens.append(Token(match.group(), match.start(), match.end(), norm, segment))
    return tokens


class AbbreviationTable:
    """Abbreviations and their expansions, with the rule for ones that spell ordinary words."""

    def __init__(self, abbreviations: Mapping[str, str | Iterable[str]] | None) -> None:
        self.entries: dict[tuple[str, ...], tuple[tuple[str, ...], bool]] = {}
        for short, expansion in sorted((abbreviations or {}).items()):
            key = tuple(t.norm for t in tokenize(short))
            if not key:
                continue
            expansions = (expansion,) if isinstance(expansion, str) else tuple(expansion)
            joined = "".join(key)
            # Lower-cased, EAT or ART is an ordinary word; only capitals show the abbreviation is meant.
            needs_capitals = joined in STOP_WORDS or joined in COMMON_SHORT_WORDS
            self.entries[key] = (expansions, needs_capitals)
        self.longest = max((len(key) for key in self.entries), default=0)

    def _lookup(self, window: list[Token]) -> tuple[str, ...] | None:
        key = tuple(t.norm for t in window)
        entry = self.entries.get(key)
        plural = False
        if entry is None and len(window) == 1 and window[0].raw[-1:] == "s" and len(key[0]) > 2:
            # "ECGs": a plural abbreviation, written with capitals before the s.
            entry = self.entries.get((key[0][:-1],))
            plural = entry is not None and window[0].raw[:-1].isupper()
            if not plural:
                return None
        if entry is None:
            return None
        expansions, needs_capitals = entry
        if needs_capitals and not (plural or all(t.raw.isupper() for t in window)):
            return None
        return expansions

    def find(self, tokens: list[Token]) -> list[tuple[int, int, tuple[str, ...]]]:
        """``(first, last, expansions)`` for each abbreviation in ``tokens``, longest match first."""
        found = []
        i = 0
        while i < len(tokens):
            for size in range(min(self.longest, len(tokens) - i), 0, -1):
                window = tokens[i : i + size]
                if len({t.segment for t in window}) > 1:
                    continue
                expansions = self._lookup(window)
                if expansions is not None:
                    found.append((i, i + size - 1, expansions))
                    i += size - 1
                    break
            i += 1
        return found


def _ngrams(tokens: list[Token], ngram_range: tuple[int, int], expansion: str | None = None) -> list[Feature]:
    """Word n-grams within each segment, after dropping stop words."""
    kept = [t for t in tokens if t.norm not in STOP_WORDS and stem(t.norm) not in STOP_WORDS]
    low, high = ngram_range
    features = []
    for size in range(low, high + 1):
        for i in range(len(kept) - size + 1):
            window = kept[i : i + size]
            if window[0].segment != window[-1].segment:
                continue
            name = " ".join(stem(t.norm) for t in window)
            features.append(Feature(name, window[0].start, window[-1].end, expansion))
    return features


class TextAnalyzer:
    """Turns text into word features (for the word view) and a cleaned string (for the character view)."""

    def __init__(self, abbreviations: AbbreviationTable, ngram_range: tuple[int, int] = (1, 2)) -> None:
        self.abbreviations = abbreviations
        self.ngram_range = tuple(ngram_range)

    def expansions(self, tokens: list[Token]) -> list[tuple[Token, Token, str, list[Token]]]:
        """Each abbreviation found: its first and last token, the expansion, and the expansion's tokens."""
        found = []
        for first, last, expansions in self.abbreviations.find(tokens):
            for expansion in expansions:
                found.append((tokens[first], tokens[last], expansion, tokenize(expansion)))
        return found

    def features(self, text: str) -> list[Feature]:
        """Word features of ``text``; an abbreviation's expansion is added, credited to the abbreviation."""
        tokens = tokenize(text)
        features = _ngrams(tokens, self.ngram_range)
        for first, last, expansion, expansion_tokens in self.expansions(tokens):
            for feature in _ngrams(expansion_tokens, self.ngram_range, expansion):
                features.append(Feature(feature.name, first.start, last.end, expansion))
        return features

    def __call__(self, text: str) -> list[str]:
        """Feature names only: the analyzer handed to scikit-learn's vectorizer."""
        return [feature.name for feature in self.features(text)]

    def char_text(self, text: str) -> str:
        """Meaningful words of ``text`` (and expansions), space-separated, for character n-grams."""
        tokens = tokenize(text)
        words = [t.norm for t in tokens if t.norm not in STOP_WORDS]
        for _, _, _, expansion_tokens in self.expansions(tokens):
            words.extend(t.norm for t in expansion_tokens if t.norm not in STOP_WORDS)
        return " ".join(words)
