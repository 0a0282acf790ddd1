"""Reasons for a match, worked out from the real contribution of each query word to the score."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from matching.documents import Document, Reason
from matching.index import KindIndex, char_ngrams
from matching.text import Feature, TextAnalyzer

TITLE_FIELDS = ("name", "title", "alternative_titles")


@dataclass
class QueryView:
    """Everything about one query that explaining a match needs, worked out once per kind."""

    text: str
    features: list[Feature]
    word: sp.csr_matrix
    char: sp.csr_matrix
    similar: dict[str, list[tuple[int, float]]]
    char_weight: float
    spans_by_column: dict[int, list[Feature]] = field(default_factory=dict)


@dataclass
class _Term:
    """One stretch of the user's words and what it contributed, field by field."""

    start: int
    end: int
    display: str
    names: set[str] = field(default_factory=set)
    by_field: dict[str, float] = field(default_factory=lambda: defaultdict(float))


def _quoted(terms: list[str]) -> str:
    quoted = [f'"{term}"' for term in terms]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _display(text: str, feature: Feature) -> str:
    words = text[feature.start : feature.end]
    return words if feature.expansion is None else f"{words} ({feature.expansion})"


def _title_item(document: Document, name: str, feature_names: set[str], analyzer: TextAnalyzer) -> str:
    items = document.field_text(name)
    for item in items:
        if feature_names & set(analyzer(item)):
            return item
    return items[0] if items else ""


def _sentence(document: Document, name: str, terms: list[_Term], analyzer: TextAnalyzer) -> str:
    """A short sentence saying which of the user's words matched which part of the document."""
    shown = _quoted([term.display for term in terms])
    many = len(terms) > 1 or any(" " in term.display for term in terms)
    word = "words" if many else "word"
    match = "match" if many else "matches"
    if name in TITLE_FIELDS:
        item = _title_item(document, name, set().union(*(t.names for t in terms)), analyzer)
        return f'Your {word} {shown} {match} the job title "{item}".'
    if name in ("keywords", "abbreviations"):
        return f"You mentioned {shown}, which {'are' if len(terms) > 1 else 'is'} central to this work."
    if name in ("theme", "division"):
        return f'Your {word} {shown} {match} its area of science, "{document.field_text(name)[0]}".'
    phrases = {
        "summary": "The summary of this work talks about {}.",
        "description": "The description talks about {}.",
        "day_to_day": "A normal day in this work involves {}.",
        "skills": "This work needs skills you mentioned: {}.",
        "body": "The full profile talks about {}.",
    }
    default = f"Your {word} {{}} {'appear' if many else 'appears'} in its {name.replace('_', ' ')}."
    return phrases.get(name, default).format(shown)


def _word_terms(view: QueryView, index: KindIndex, row: int) -> dict[tuple[int, int], _Term]:
    """The user's words that the document shares, with each field's contribution to the score."""
    terms: dict[tuple[int, int], _Term] = {}
    scale = 1.0 - view.char_weight
    for name in index.field_names:
        matrix = index.matrices[f"field:{name}"]
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        _, in_row, in_query = np.intersect1d(
            matrix.indices[start:end], view.word.indices, assume_unique=True, return_indices=True
        )
        for position, query_position in zip(in_row, in_query):
            column = int(view.word.indices[query_position])
            feature = view.spans_by_column[column][0]
            key = (feature.start, feature.end)
            term = terms.setdefault(key, _Term(feature.start, feature.end, _display(view.text, feature)))
            if feature.expansion is not None:
                # Say what the letters stand for when that is what the document shares.
                term.display = _display(view.text, feature)
            term.names.add(feature.name)
            term.by_field[name] += scale * float(view.word.data[query_position] * matrix.data[start + position])
    return _merge_into_phrases(terms)


def _merge_into_phrases(terms: dict[tuple[int, int], _Term]) -> dict[tuple[int, int], _Term]:
    """Credit a single word to the matched phrase around it, so "heart" and "heart rhythm" read as one."""
    phrases = sorted(terms.values(), key=lambda t: t.start - t.end)
    kept: dict[tuple[int, int], _Term] = {}
    for term in phrases:
        outer = next((p for p in kept.values() if p.start <= term.start and term.end <= p.end), None)
        if outer is None:
            kept[(term.start, term.end)] = term
            continue
        outer.names |= term.names
        for name, weight in term.by_field.items():
            outer.by_field[name] += weight
    return kept


def _field_of(index: KindIndex, row: int, column: int) -> str:
    best, best_value = index.field_names[0], -1.0
    for name in index.field_names:
        value = index.matrices[f"field:{name}"][row, column]
        if value > best_value:
            best, best_value = name, value
    return best


def _char_contribution(view: QueryView, index: KindIndex, row: int, word: str) -> float:
    vocabulary = index.char_vectorizer.vocabulary_
    columns = sorted({vocabulary[g] for g in char_ngrams(word, index.char_vectorizer.ngram_range) if g in vocabulary})
    document = index.matrices["char_docs"][row]
    query = view.char[:, columns].toarray().ravel()
    return view.char_weight * float(query @ document[:, columns].toarray().ravel())


def _lookalike_reasons(view: QueryView, index: KindIndex, row: int, matched: set[str]) -> list[Reason]:
    """'Your word "audiolgy" looks like "audiology"' for words matched only through their letters."""
    vocabulary = index.word_names
    present = {int(c) for name in index.field_names for c in index.matrices[f"field:{name}"][row].indices}
    reasons = []
    for feature in view.features:
        if feature.expansion is not None or " " in feature.name or feature.name in matched:
            continue
        candidates = [c for c, _ in view.similar.get(feature.name, []) if c in present and vocabulary[c] != feature.name]
        if not candidates:
            continue
        typed = view.text[feature.start : feature.end]
        weight = _char_contribution(view, index, row, feature.name)
        text = f'Your word "{typed}" looks like "{vocabulary[candidates[0]]}".'
        reasons.append(Reason(text, [typed], _field_of(index, row, candidates[0]), weight))
        matched.add(feature.name)
    return reasons


def explain(view: QueryView, index: KindIndex, row: int, document: Document, analyzer: TextAnalyzer, limit: int) -> list[Reason]:
    """Up to ``limit`` reasons for one document, strongest first; each word appears in one reason only."""
    terms = _word_terms(view, index, row)
    groups: dict[str, list[_Term]] = defaultdict(list)
    for term in terms.values():
        groups[max(term.by_field, key=lambda name: (term.by_field[name], name))].append(term)
    reasons = []
    for name, members in groups.items():
        members.sort(key=lambda t: -sum(t.by_field.values()))
        shown = members[:3]
        weight = sum(sum(t.by_field.values()) for t in members)
        words = [view.text[t.start : t.end] for t in shown]
        reasons.append(Reason(_sentence(document, name, shown, analyzer), words, name, weight))
    matched = {word for term in terms.values() for name in term.names for word in name.split()}
    reasons.extend(_lookalike_reasons(view, index, row, matched))
    reasons.sort(key=lambda r: (-r.weight, r.field, r.text))
    return reasons[:limit]
