"""Reasons for a match, worked out from the real contribution of each query word to the score."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from matching.documents import TITLE_FIELDS, Document, Reason
from matching.index import KindIndex, row_of
from matching.text import Feature, TextAnalyzer, title_key

TERMS_PER_REASON = 3
# A reason worth less than this share of the strongest one explains little of the match and mostly
# repeats common words ("find", "makes"), so it is left out.
MIN_REASON_SHARE = 0.25
_FIELD_PHRASES = {
    "summary": "The summary of this work talks about {}.",
    "description": "The description talks about {}.",
    "day_to_day": "A normal day in this work involves {}.",
    "skills": "This work needs skills you mentioned: {}.",
    "body": "The full profile talks about {}.",
}


@dataclass
class QueryView:
    """Everything about one query that explaining a match needs, worked out once per kind."""

    text: str
    features: list[Feature]
    word: sp.csr_matrix
    char: sp.csr_matrix
    similar: dict[str, list[tuple[int, float]]]
    char_weight: float
    features_by_column: dict[int, list[Feature]] = field(default_factory=dict)
    # What the person said they do not want, and how much each document is like it (None: nothing).
    disliked: list[Feature] = field(default_factory=list)
    dislike_scores: np.ndarray | None = None


@dataclass
class _Term:
    """One stretch of the user's words and what it contributed, field by field."""

    start: int
    end: int
    display: str
    names: set[str] = field(default_factory=set)
    by_field: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    own_fields: set[str] = field(default_factory=set)
    own_names: set[str] = field(default_factory=set)

    @property
    def weight(self) -> float:
        return sum(self.by_field.values())

    def best_field(self) -> str:
        """Where this stretch of words itself matched most (not the single words merged into it)."""
        fields = self.own_fields or set(self.by_field)
        return max(fields, key=lambda name: (self.by_field[name], name))


def _quoted(terms: list[str]) -> str:
    quoted = [f'"{term}"' for term in terms]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _display(text: str, feature: Feature) -> str:
    words = text[feature.start : feature.end]
    return words if feature.expansion is None else f"{words} ({feature.expansion})"


def _title_item(document: Document, name: str, feature_names: set[str], analyzer: TextAnalyzer) -> str:
    items = document.field_text(name)
    for item in items:
        if feature_names & analyzer.feature_set(item):
            return item
    return items[0] if items else ""


def _sentence(document: Document, name: str, terms: list[_Term], analyzer: TextAnalyzer, text: str) -> str:
    """A short sentence saying which of the user's words matched which part of the document."""
    shown = _quoted([term.display for term in terms])
    many = len(terms) > 1 or any(" " in text[term.start : term.end].strip() for term in terms)
    word, match = ("words", "match") if many else ("word", "matches")
    if name in TITLE_FIELDS:
        item = _title_item(document, name, set().union(*(t.own_names for t in terms)), analyzer)
        return f'Your {word} {shown} {match} the job title "{item}".'
    if name == "interests":
        item = _title_item(document, name, set().union(*(t.own_names for t in terms)), analyzer)
        if [title_key(text[t.start : t.end]) for t in terms] == [title_key(item)]:
            return f"People who enjoy this work often like {item}, as you do."
        return f"You mentioned {shown}: people who enjoy this work often like {item}."
    if name in ("keywords", "abbreviations"):
        return f"You mentioned {shown}, which {'are' if len(terms) > 1 else 'is'} central to this work."
    if name in ("theme", "division"):
        return f'Your {word} {shown} {match} its area of science, "{document.field_text(name)[0]}".'
    default = f"Your {word} {{}} {'appear' if many else 'appears'} in its {name.replace('_', ' ')}."
    return _FIELD_PHRASES.get(name, default).format(shown)


def _word_terms(view: QueryView, contributions: list[tuple[str, int, float]]) -> list[_Term]:
    """The user's words that the document shares, with each field's contribution to the fused score."""
    terms: dict[tuple[int, int], _Term] = {}
    for name, column, value in contributions:
        feature = view.features_by_column[column][0]
        key = (feature.start, feature.end)
        term = terms.get(key)
        if term is None:
            term = terms[key] = _Term(feature.start, feature.end, _display(view.text, feature))
        elif feature.expansion is not None and "(" not in term.display:
            # Say what the letters stand for when that is what the document shares.
            term.display = _display(view.text, feature)
        term.names.add(feature.name)
        term.own_fields.add(name)
        term.own_names.add(feature.name)
        term.by_field[name] += (1.0 - view.char_weight) * value
    return _merge_into_phrases(terms.values())


def _merge_into_phrases(terms: list[_Term]) -> list[_Term]:
    """Credit a single word to the matched phrase around it, so "heart" and "heart rhythm" read as one."""
    kept: list[_Term] = []
    for term in sorted(terms, key=lambda t: (t.start - t.end, t.start)):
        outer = next((p for p in kept if p.start <= term.start and term.end <= p.end), None)
        if outer is None:
            kept.append(term)
            continue
        outer.names |= term.names
        for name, weight in term.by_field.items():
            outer.by_field[name] += weight
    return kept


def _char_contribution(view: QueryView, index: KindIndex, row: int, word: str) -> float:
    """The part of the fused score that comes from the character n-grams of one query word."""
    vocabulary = index.char_vectorizer.vocabulary_
    grams = {vocabulary[g] for g in index.word_char_analyzer(word) if g in vocabulary}
    in_query = [i for i, column in enumerate(view.char.indices.tolist()) if column in grams]
    columns = view.char.indices[in_query].tolist()
    weights = index.char_weights(row, columns)
    return view.char_weight * float(view.char.data[in_query] @ weights)


def _lookalike_reasons(view: QueryView, index: KindIndex, row: int, matched: set[str]) -> list[Reason]:
    """'Your word "audiolgy" looks like "audiology"' for words that match only through their letters."""
    words = [
        f for f in view.features if f.expansion is None and f.name not in matched and view.similar.get(f.name)
    ]
    if not words:
        return []
    present = index.document_words(row)
    reasons = []
    for feature in words:
        looks_like = [
            c for c, _ in view.similar[feature.name] if c in present and index.word_names[c] != feature.name
        ]
        if not looks_like or feature.name in matched:
            continue
        column = looks_like[0]
        typed = view.text[feature.start : feature.end]
        best_field = max(index.field_names, key=lambda name: (index.field_value(row, name, column), name))
        text = f'Your word "{typed}" looks like "{index.word_names[column]}".'
        reasons.append(Reason(text, [typed], best_field, _char_contribution(view, index, row, feature.name)))
        matched.add(feature.name)
    return reasons


# A document at least this much like what the person said they do not want is said to involve it.
DISLIKE_SHOWN = 0.05


def dislike_reasons(view: QueryView, index: KindIndex, row: int) -> list[Reason]:
    """'You said you do not want "blood"': why a document was moved down, or why it was not."""
    if view.dislike_scores is None or not view.disliked:
        return []
    words = []
    for feature in view.disliked:
        typed = view.text[feature.start : feature.end]
        if " " not in feature.name and typed not in words:
            words.append(typed)
    if not words:
        return []
    shown = _quoted(words[:TERMS_PER_REASON])
    likeness = float(view.dislike_scores[row])
    if likeness >= DISLIKE_SHOWN:
        text = f"You said you do not want {shown}, and this work involves it, so it is further down the list."
        return [Reason(text, words, "dislike", -likeness)]
    if float(view.dislike_scores.max()) >= DISLIKE_SHOWN:
        text = f"This work has little to do with {shown}, which you said you do not want."
        return [Reason(text, words, "dislike", 0.0)]
    return []


def understood_shares(view: QueryView, index: KindIndex, rows: list[int]) -> np.ndarray:
    """For each row, the share of the user's meaningful words the document contains, as typed or as a
    lookalike. Worked out from each word's postings, so it costs the same for one row or forty."""
    vocabulary = index.word_vectorizer.vocabulary_
    spans: dict[tuple[int, int], set[int]] = {}
    for feature in view.features:
        if " " in feature.name:
            continue
        columns = spans.setdefault((feature.start, feature.end), set())
        if feature.name in vocabulary:
            columns.add(vocabulary[feature.name])
        columns.update(column for column, _ in view.similar.get(feature.name, ()))
    if not spans:
        return np.zeros(len(rows))
    postings = index.matrices["word_t"]
    found = np.zeros(len(index.rows))
    for columns in spans.values():
        present = np.zeros(len(index.rows), dtype=bool)
        for column in columns:
            present[row_of(postings, column)[0]] = True
        found += present
    return found[np.asarray(rows, dtype=np.int64)] / len(spans)


def understood_share(view: QueryView, index: KindIndex, row: int) -> float:
    """Share of the user's meaningful words that one document contains (see ``understood_shares``)."""
    return float(understood_shares(view, index, [row])[0])


def explain(
    view: QueryView,
    index: KindIndex,
    rows: list[int],
    documents: list[Document],
    analyzer: TextAnalyzer,
    limit: int,
) -> list[list[Reason]]:
    """Up to ``limit`` reasons for each document, strongest first; each of the user's words in one reason."""
    explained = []
    for row, document, contributions in zip(
        rows, documents, index.field_contributions(view.word, rows), strict=True
    ):
        terms = _word_terms(view, contributions)
        groups: dict[str, list[_Term]] = defaultdict(list)
        for term in terms:
            groups[term.best_field()].append(term)
        reasons = []
        for name, members in groups.items():
            members.sort(key=lambda t: (-t.weight, t.start))
            shown = members[:TERMS_PER_REASON]
            words = [view.text[t.start : t.end] for t in shown]
            weight = sum(t.weight for t in members)
            reasons.append(Reason(_sentence(document, name, shown, analyzer, view.text), words, name, weight))
        matched = {word for term in terms for name in term.names for word in name.split()}
        reasons.extend(_lookalike_reasons(view, index, row, matched))
        reasons.sort(key=lambda r: (-r.weight, r.field, r.text))
        strongest = reasons[0].weight if reasons else 0.0
        explained.append([r for r in reasons if r.weight >= MIN_REASON_SHARE * strongest][:limit])
    return explained
