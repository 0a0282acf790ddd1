"""The matcher's inputs and outputs: documents, matches, reasons and query results."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

FieldValue = str | list[str]
# The fields that name a job: a query equal to one of them asks for that document.
TITLE_FIELDS = ("name", "title", "alternative_titles")
# Documents of this kind describe professions people confuse with healthcare science (nursing,
# medicine, radiography ...): fields ``name`` and ``title`` (its job titles); tags ``why`` (one plain
# sentence), ``learn_more_url`` and ``related`` (the ids of the areas that work beside it). They are
# never matches themselves: a query best explained by one gets ``QueryResult.outside_field``.
NEIGHBOURING_KIND = "neighbouring-profession"


@dataclass(frozen=True)
class Document:
    """Something to match against: a service area profile or an opportunity, as named text fields."""

    id: str
    fields: dict[str, FieldValue]
    kind: str = "service-area"
    tags: dict[str, FieldValue] = field(default_factory=dict)

    def field_text(self, name: str) -> list[str]:
        """The field's text as a list of items (a plain string is one item)."""
        value = self.fields.get(name)
        if value is None:
            return []
        if isinstance(value, str):
            return [value]
        return [str(item) for item in value]

    def to_json(self) -> dict[str, Any]:
        """A plain dictionary for hashing and saving."""
        return {"id": self.id, "kind": self.kind, "fields": self.fields, "tags": self.tags}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Document:
        """The document that :meth:`to_json` described."""
        return cls(id=data["id"], fields=data["fields"], kind=data["kind"], tags=data["tags"])


def check_documents(documents: Sequence[Document]) -> None:
    """Raise ``ValueError`` or ``TypeError`` if the documents cannot be indexed."""
    if not documents:
        raise ValueError("fit needs at least one document")
    seen: set[tuple[str, str]] = set()
    for document in documents:
        if not isinstance(document, Document):
            raise TypeError(f"expected Document, got {type(document).__name__}")
        key = (document.kind, document.id)
        if key in seen:
            raise ValueError(f"duplicate document id {document.id!r} for kind {document.kind!r}")
        seen.add(key)
        for name, value in document.fields.items():
            if not isinstance(value, str) and not (
                isinstance(value, list | tuple) and all(isinstance(item, str) for item in value)
            ):
                raise TypeError(f"field {name!r} of {document.id!r} must be a string or a list of strings")


def corpus_hash(documents: Sequence[Document]) -> str:
    """SHA-256 of the documents' ids, kinds, fields and tags, in order: the same corpus, the same hash."""
    canonical = json.dumps(
        [document.to_json() for document in documents],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Reason:
    """Why a document matched, in words a 14-year-old can read, with the terms and field behind it."""

    text: str
    terms: list[str]
    field: str
    weight: float


@dataclass(frozen=True)
class Match:
    """One ranked document with its score (0 to 1), fit band and reasons."""

    id: str
    score: float
    fit: str
    reasons: list[Reason]
    document: Document


@dataclass(frozen=True)
class OutsideField:
    """A profession outside healthcare science that explains the query better than any area does."""

    id: str
    name: str
    why: str
    learn_more_url: str
    related: tuple[str, ...]
    score: float


@dataclass(frozen=True)
class QueryResult:
    """The ranked matches for a query, whether the matcher is confident, and the words it used.

    ``outside_field`` is set when the query names a neighbouring profession (a nurse, a radiologist);
    the result is then never confident, and its matches are the areas that work beside it.
    """

    matches: list[Match]
    confident: bool
    query_terms: list[str]
    outside_field: OutsideField | None = None
    # How likely it is that the query is about this kind of document at all (0 to 1).
    confidence: float = 0.0
