"""Every job title the matcher knows, in one small index: which title a query is most like, and whose.

Service areas and neighbouring professions are indexed apart, each with its own vocabulary, so their
scores cannot be compared. Titles can: one vectorizer fitted on all of them says whether "consultant
haematologist" is more like a doctor's title or a healthcare scientist's. The index is rebuilt from the
documents whenever a matcher is fitted or loaded (a few thousand short strings), so it is never stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from matching.documents import NEIGHBOURING_KIND, TITLE_FIELDS, Document
from matching.text import TextAnalyzer, title_key
from matching.vectorizers import bare_char_analyzer, char_vectorizer, tfidf_rows, word_vectorizer

# Words and letters count equally: words tell "nurse" from "neuro", letters forgive "physio".
WORD_SHARE = 0.5


def _head(analyzer: TextAnalyzer, title: str) -> str | None:
    """The last meaningful word of a title, as the analyzer reads it."""
    words = [feature for feature in analyzer.features(title) if " " not in feature.name]
    return max(words, key=lambda feature: feature.start).name if words else None


@dataclass(frozen=True)
class TitleLikeness:
    """How much a query looks like the closest title of each side, and whose that title is."""

    area: float
    neighbour: float
    neighbour_position: int | None
    exact_area: bool
    exact_neighbour: bool
    # Share of the query's words that the closest neighbouring title holds: "staff nurse" all of
    # them, "I ran spirometry tests at a GP surgery" one in five (the title is only a place there).
    coverage: float = 0.0
    # Whether the query holds that title's last word, the one that names the job ("nurse" in
    # "children's nurse"), and one holds every word of the other ("band 6 nurse" and "nurse"):
    # "deaf children" shares a word with "children's nurse", "lorry driver" with "ambulance driver",
    # but neither names that job.
    has_head: bool = False


class TitleIndex:
    """Titles of service areas and of neighbouring professions under one word and one character view."""

    def __init__(self, documents: Sequence[Document], analyzer: TextAnalyzer, char_range: tuple[int, int]):
        titles: list[str] = []
        owners: list[int] = []
        for position, document in enumerate(documents):
            if document.kind not in ("service-area", NEIGHBOURING_KIND):
                continue
            for name in TITLE_FIELDS:
                for title in document.field_text(name):
                    titles.append(title)
                    owners.append(position)
        # Titles are compared word for word: everyday words ("medicines" -> pharmacy) would make a
        # sentence look like a job title it never named.
        analyzer = TextAnalyzer(analyzer.abbreviations, analyzer.ngram_range)
        self.owners = np.array(owners, dtype=np.int64)
        self.title_words = [frozenset(n for n in analyzer(title) if " " not in n) for title in titles]
        self.title_heads = [_head(analyzer, title) for title in titles]
        self.is_neighbour = np.array([documents[p].kind == NEIGHBOURING_KIND for p in owners], dtype=bool)
        self.exact = {}
        for title, owner, neighbour in zip(titles, owners, self.is_neighbour.tolist(), strict=True):
            self.exact.setdefault(title_key(title), set()).add((owner, neighbour))
        self.analyzer = analyzer
        self.word: TfidfVectorizer | None = None
        if not titles:
            return
        self.word = word_vectorizer(analyzer).fit(titles)
        self.char = char_vectorizer(analyzer, char_range).fit(titles)
        self._cut_char = bare_char_analyzer(self.char)
        self.word_t = sp.csr_matrix(self.word.transform(titles).T, dtype=np.float64)
        self.char_t = sp.csr_matrix(self.char.transform(titles).T, dtype=np.float64)

    @property
    def has_neighbours(self) -> bool:
        return bool(self.is_neighbour.any())

    def likeness(self, text: str) -> TitleLikeness:
        """``text``'s similarity to the closest area title and the closest neighbouring title.

        ``text`` is what the person wants, their dislikes blanked out.
        """
        words, cleaned = self.analyzer.both_views(text)
        exact = self.exact.get(title_key(text), set())
        exact_area = any(not neighbour for _, neighbour in exact)
        exact_neighbour = [owner for owner, neighbour in exact if neighbour]
        if self.word is None:
            return TitleLikeness(0.0, 0.0, None, exact_area, False)
        word = tfidf_rows([words], self.word)
        char = tfidf_rows([self._cut_char(cleaned)], self.char)
        fused = WORD_SHARE * (word @ self.word_t) + (1 - WORD_SHARE) * (char @ self.char_t)
        scores = fused.toarray().ravel()
        area = float(scores[~self.is_neighbour].max(initial=0.0))
        neighbour_scores = np.where(self.is_neighbour, scores, -1.0)
        best = int(np.argmax(neighbour_scores)) if self.has_neighbours else -1
        if exact_neighbour and not exact_area:
            return TitleLikeness(area, 1.0, min(exact_neighbour), exact_area, True, 1.0)
        if best < 0 or neighbour_scores[best] <= 0:
            return TitleLikeness(area, 0.0, None, exact_area, False)
        single = {word for word in words if " " not in word}
        coverage = len(single & self.title_words[best]) / len(single) if single else 0.0
        head = self.title_heads[best]
        return TitleLikeness(
            area,
            float(neighbour_scores[best]),
            int(self.owners[best]),
            exact_area,
            False,
            coverage,
            head is not None
            and head in single
            and (self.title_words[best] <= single or single <= self.title_words[best]),
        )
