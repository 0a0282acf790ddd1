"""Text normalisation, tokenising, light stemming and abbreviation expansion for documents and queries."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import NamedTuple

from matching.wordlists import COMMON_SHORT_WORDS, STOP_WORDS

# Sentence and list punctuation ends a segment so that word pairs never straddle two separate ideas.
_PIECE = re.compile(r"(?P<word>[^\W_]+)|(?P<stop>[.,;:!?()\[\]{}\n\r\t•|/]+)")
_MIN_TOKEN_LENGTH = 2
_CACHE_SIZE = 10_000


def fold(text: str) -> str:
    """Lower-case ``text`` and strip accents, so "Café" and "cafe" are the same word."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Fold plurals (after Harman's S-stemmer) and long "-ing" forms, so "machines" matches "machine"."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies") and not word.endswith(("eies", "aies")):
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zzes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("us", "ss", "is")):
        return word[:-1]
    if word.endswith("ing") and len(word) >= 7:
        # "hearing" -> "hear", "scanning" -> "scan"; shorter words ("caring", "thing") are left alone.
        base = word[:-3]
        if len(base) > 4 and base[-1] == base[-2] and base[-1] not in "lsz":
            base = base[:-1]
        return base
    return word


class Token(NamedTuple):
    """One word of the input: its text as written, where it is, and its normal form."""

    raw: str
    start: int
    end: int
    norm: str
    segment: int


class Feature(NamedTuple):
    """A word or word pair the matcher counts, with the span of the user's text it came from."""

    name: str
    start: int
    end: int
    expansion: str | None = None


def tokenize(text: str) -> list[Token]:
    """Every word of ``text`` with its position and segment (sentence or list item)."""
    tokens = []
    segment = 0
    # Plain ASCII folds by lower-casing alone, and offsets stay the same, so fold it once.
    folded = text.lower() if text.isascii() else None
    for match in _PIECE.finditer(text):
        start, end = match.span()
        if match.lastgroup == "stop":
            segment += 1
        elif end - start >= _MIN_TOKEN_LENGTH or folded is None:
            norm = folded[start:end] if folded is not None else fold(match.group())
            if len(norm) >= _MIN_TOKEN_LENGTH:
                tokens.append(Token(text[start:end], start, end, norm, segment))
    return tokens


class AbbreviationTable:
    """Abbreviations and their expansions, with the rule for ones that spell ordinary words."""

    def __init__(
        self, abbreviations: Mapping[str, str | Iterable[str]] | None, by_stem: bool = False
    ) -> None:
        # By stem: everyday words ("allergies", "allergy"), which are never written in capitals.
        self.by_stem = by_stem
        self.entries: dict[tuple[str, ...], tuple[tuple[str, ...], bool]] = {}
        for short, expansion in sorted((abbreviations or {}).items()):
            key = self._key(tokenize(short))
            if not key:
                continue
            expansions = (expansion,) if isinstance(expansion, str) else tuple(expansion)
            joined = "".join(key)
            # Lower-cased, EAT or ART is an ordinary word; only capitals show the abbreviation is meant.
            needs_capitals = not by_stem and (joined in STOP_WORDS or joined in COMMON_SHORT_WORDS)
            self.entries[key] = (expansions, needs_capitals)
        self.longest = max((len(key) for key in self.entries), default=0)
        # Most words start no abbreviation; knowing the first words lets find() skip them cheaply.
        self.first_words = {key[0] for key in self.entries} | {key[0] + "s" for key in self.entries}

    def _key(self, tokens: list[Token]) -> tuple[str, ...]:
        return tuple(stem(t.norm) if self.by_stem else t.norm for t in tokens)

    def _lookup(self, window: list[Token]) -> tuple[tuple[str, ...], bool] | None:
        key = self._key(window)
        entry = self.entries.get(key)
        plural = False
        if entry is None and self.by_stem:
            return None
        if entry is None and len(window) == 1 and window[0].raw[-1:] == "s" and len(key[0]) > 2:
            # "ECGs": a plural abbreviation, written with capitals before the s.
            entry = self.entries.get((key[0][:-1],))
            plural = entry is not None and window[0].raw[:-1].isupper()
            if not plural:
                return None
        if entry is None:
            return None
        _, needs_capitals = entry
        if needs_capitals and not (plural or all(t.raw.isupper() for t in window)):
            return None
        return entry

    def find(self, tokens: list[Token]) -> list[tuple[int, int, tuple[str, ...], bool]]:
        """``(first, last, expansions, spells_a_word)`` for each abbreviation, longest match first."""
        found = []
        i = 0
        while i < len(tokens):
            first = stem(tokens[i].norm) if self.by_stem else tokens[i].norm
            if first not in self.first_words:
                i += 1
                continue
            for size in range(min(self.longest, len(tokens) - i), 0, -1):
                window = tokens[i : i + size]
                if len({t.segment for t in window}) > 1:
                    continue
                entry = self._lookup(window)
                if entry is not None:
                    found.append((i, i + size - 1, *entry))
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

    def __init__(
        self,
        abbreviations: AbbreviationTable,
        ngram_range: tuple[int, int] = (1, 2),
        everyday_words: AbbreviationTable | None = None,
    ) -> None:
        self.abbreviations = abbreviations
        self.everyday_words = everyday_words or AbbreviationTable(None, by_stem=True)
        self.ngram_range = tuple(ngram_range)
        self._feature_sets: dict[str, frozenset[str]] = {}

    @classmethod
    def for_parameters(
        cls,
        abbreviations: Mapping[str, str | Iterable[str]] | None,
        ngram_range: Iterable[int],
        everyday_words: Mapping[str, str | Iterable[str]] | None = None,
    ) -> TextAnalyzer:
        """The analyzer a Matcher with these ``abbreviations``, ``word_ngram_range`` and
        ``everyday_words`` reads text with."""
        low, high = ngram_range
        return cls(
            AbbreviationTable(abbreviations), (low, high), AbbreviationTable(everyday_words, by_stem=True)
        )

    def read(self, text: str) -> tuple[list[Token], list[tuple[Token, Token, str, list[Token]]]]:
        """The words of ``text`` and each abbreviation found: first and last token, expansion, its words."""
        tokens = tokenize(text)
        # Everyday words ("deaf") bring the words of the work ("hearing") without replacing themselves.
        found = self.abbreviations.find(tokens) + self.everyday_words.find(tokens)
        # An abbreviation that spells a word ("EAT") is read as its expansion alone, so that the
        # ordinary word "eat" elsewhere never matches it.
        spelled = {i for first, last, _, spells in found if spells for i in range(first, last + 1)}
        words = [token for i, token in enumerate(tokens) if i not in spelled]
        expansions = [
            (tokens[first], tokens[last], expansion, tokenize(expansion))
            for first, last, expansions, _ in found
            for expansion in expansions
        ]
        return words, expansions

    def features(self, text: str) -> list[Feature]:
        """Word features of ``text``; an abbreviation's expansion is added, credited to the abbreviation."""
        return self._features(*self.read(text))

    def _features(self, words: list[Token], expansions: list) -> list[Feature]:
        features = _ngrams(words, self.ngram_range)
        for first, last, expansion, expansion_tokens in expansions:
            for feature in _ngrams(expansion_tokens, self.ngram_range, expansion):
                features.append(Feature(feature.name, first.start, last.end, expansion))
        return features

    def __call__(self, text: str) -> list[str]:
        """Feature names only: the analyzer handed to scikit-learn's vectorizer."""
        return [feature.name for feature in self.features(text)]

    def feature_set(self, text: str) -> frozenset[str]:
        """Feature names of a short text such as a job title, remembered because titles recur in answers."""
        cache = self._feature_sets
        found = cache.get(text)
        if found is None:
            # Another thread may clear the cache at any moment, so keep a local reference to return.
            if len(cache) >= _CACHE_SIZE:
                cache.clear()
            found = cache[text] = frozenset(self(text))
        return found

    def char_text(self, text: str) -> str:
        """Meaningful words of ``text`` (and expansions), space-separated, for character n-grams."""
        return self._char_text(*self.read(text))

    def both_views(self, text: str) -> tuple[list[str], str]:
        """``(self(text), self.char_text(text))``, reading the text once (for fitting)."""
        read = self.read(text)
        return [feature.name for feature in self._features(*read)], self._char_text(*read)

    @staticmethod
    def _char_text(words: list[Token], expansions: list) -> str:
        kept = [t.norm for t in words if t.norm not in STOP_WORDS]
        for _, _, _, expansion_tokens in expansions:
            kept.extend(t.norm for t in expansion_tokens if t.norm not in STOP_WORDS)
        return " ".join(kept)


def title_key(text: str) -> str:
    """A title's words, accent-folded and lower-cased, punctuation dropped: how exact titles are compared."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(text)))
