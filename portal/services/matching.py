"""The matcher inside the portal: built, stored in the database, shared by every worker and host."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from matching import Document, Matcher, MatcherLoadError
from matching.documents import NEIGHBOURING_KIND, corpus_hash
from matching.ranking import model_fingerprint
from portal.content.everyday_words import read_everyday_words
from portal.content.files import CONTENT_DIR
from portal.content.neighbouring import NeighbouringProfession, read_professions
from portal.extensions import db
from portal.models import MatchingIndexFile, MatchingIndexVersion, ServiceArea
from portal.services.service_areas import all_service_areas

logger = logging.getLogger(__name__)
VERSION_CHECK_SECONDS = 2.0
TEXT_FIELDS = ("name", "summary", "theme", "division")
LIST_FIELDS = ("alternative_titles", "keywords", "abbreviations", "interests", "day_to_day", "skills")


def area_document(area: ServiceArea) -> Document:
    """The matcher's view of one profile: its words, by field, and its parent area (broad areas rank
    first for generic queries)."""
    fields: dict[str, Any] = {key: getattr(area, key) for key in TEXT_FIELDS}
    fields.update({key: list(area.field(key)) for key in LIST_FIELDS})
    fields["body"] = area.body_markdown.replace("#", " ")
    parent = area.profile.get("parent")
    return Document(
        id=area.slug, fields=fields, kind="service-area", tags={"parent": parent} if parent else {}
    )


def profession_document(profession: NeighbouringProfession) -> Document:
    """The matcher's view of a neighbouring profession: its names to recognise, its answer to give."""
    return Document(
        id=profession.id,
        kind=NEIGHBOURING_KIND,
        fields={"name": profession.name, "title": list(profession.titles)},
        tags={
            "why": profession.why,
            "learn_more_url": profession.learn_more_url,
            "related": list(profession.related),
        },
    )


def profession_documents(professions: Iterable[NeighbouringProfession] | None = None) -> list[Document]:
    """One document per neighbouring profession; None means those in content/ now."""
    chosen = read_professions(CONTENT_DIR) if professions is None else professions
    return [profession_document(profession) for profession in chosen]


def abbreviation_expansions(abbreviations: dict[str, dict[str, str]]) -> dict[str, str]:
    """``{"ECG": "electrocardiogram", ...}`` from abbreviations.yaml's entries."""
    return {short: entry["expansion"] for short, entry in abbreviations.items()}


def index_fingerprint(
    documents: list[Document],
    expansions: dict[str, str],
    professions: Iterable[NeighbouringProfession] | None = None,
    everyday_words: dict[str, list[str]] | None = None,
) -> str:
    """Changes whenever the area documents, the abbreviations or the neighbouring professions change.

    ``documents`` are the service areas' documents; ``professions`` and ``everyday_words`` are those in
    content/ unless given.
    """
    words = read_everyday_words(CONTENT_DIR) if everyday_words is None else everyday_words
    # The learned model and the everyday words change the index as surely as the documents do.
    canonical = json.dumps(
        [expansions, words, model_fingerprint()],
        sort_keys=True,
        ensure_ascii=False,
    )
    everything = [*documents, *profession_documents(professions)]
    return hashlib.sha256((corpus_hash(everything) + canonical).encode("utf-8")).hexdigest()


class IndexUnavailableError(RuntimeError):
    """No usable index: none has been built yet, or the stored one cannot be loaded."""


def build_index(
    abbreviations: dict[str, dict[str, str]],
    professions: Iterable[NeighbouringProfession] | None = None,
) -> MatchingIndexVersion:
    """Fit the matcher on every profile and neighbouring profession and store it as the newest version.

    ``professions`` are those in content/ unless given. Nothing is refitted when the newest stored index
    was built from the same documents and abbreviations and still loads. The version and its files join
    the caller's transaction, so they are committed together or not at all.
    """
    chosen = list(read_professions(CONTENT_DIR) if professions is None else professions)
    areas = [area_document(area) for area in all_service_areas()]
    documents = [*areas, *profession_documents(chosen)]
    expansions = abbreviation_expansions(abbreviations)
    words = read_everyday_words(CONTENT_DIR)
    fingerprint = index_fingerprint(areas, expansions, chosen, words)
    latest = latest_version()
    if latest and latest.corpus_hash == fingerprint and _loads(latest):
        return latest
    matcher = Matcher(abbreviations=expansions, everyday_words=words).fit(documents)
    # The count is of profiles indexed, as the content status page reports it; the professions ride along.
    version = MatchingIndexVersion(corpus_hash=fingerprint, document_count=len(areas))
    version.files = [
        MatchingIndexFile(name=name, sha256=_sha256(data), data=data)
        for name, data in sorted(matcher.to_files().items())
    ]
    db.session.add(version)
    db.session.flush()
    return version


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _loads(version: MatchingIndexVersion) -> bool:
    """Whether the stored version can still be loaded: not damaged, nor saved by other library versions."""
    try:
        load_version(version)
    except IndexUnavailableError as error:
        logger.warning("Building the matching index again: %s", error)
        return False
    return True


def latest_version() -> MatchingIndexVersion | None:
    """The newest recorded index, which every worker should answer from."""
    statement = select(MatchingIndexVersion).order_by(MatchingIndexVersion.id.desc()).limit(1)
    return db.session.scalars(statement).first()


def index_files(version: MatchingIndexVersion) -> dict[str, bytes]:
    """The stored files of ``version``, name to bytes, each checked against its recorded checksum."""
    statement = select(MatchingIndexFile.name, MatchingIndexFile.sha256, MatchingIndexFile.data).where(
        MatchingIndexFile.version_id == version.id
    )
    files: dict[str, bytes] = {}
    for name, checksum, data in db.session.execute(statement):
        # Some PostgreSQL drivers return BYTEA as a memoryview.
        data = bytes(data)
        if _sha256(data) != checksum:
            raise IndexUnavailableError(
                f"file {name} of matching index version {version.id} does not match its checksum: "
                "the stored index has changed; rebuild it with `flask matching build`"
            )
        files[name] = data
    if not files:
        raise IndexUnavailableError(
            f"matching index version {version.id} has no stored files: run `flask matching build`"
        )
    return files


def load_version(version: MatchingIndexVersion) -> Matcher:
    """The matcher stored as ``version``, from the database alone; IndexUnavailableError if it is unusable."""
    files = index_files(version)
    try:
        return Matcher.from_files(files)
    except MatcherLoadError as error:
        raise IndexUnavailableError(
            f"matching index version {version.id} could not be loaded: {error}; "
            "rebuild it with `flask matching build`"
        ) from error


@dataclass
class _LoadedIndex:
    """This worker's copy of the index, and when it last checked for a newer one."""

    version_id: int | None = None
    matcher: Matcher | None = None
    checked_at: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


_loaded = _LoadedIndex()


def current_matcher() -> Matcher:
    """The matcher for the newest index version, reloading when another process built a new one."""
    now = time.monotonic()
    if _loaded.matcher is not None and now - _loaded.checked_at < VERSION_CHECK_SECONDS:
        return _loaded.matcher
    with _loaded.lock:
        version = latest_version()
        _loaded.checked_at = now
        if version is None:
            raise IndexUnavailableError("the matching index has not been built: run `flask matching build`")
        if version.id != _loaded.version_id:
            _loaded.matcher = load_version(version)
            _loaded.version_id = version.id
            logger.info("Loaded matching index version %s", version.id)
        return _loaded.matcher


def forget_loaded_index() -> None:
    """Drop this worker's copy so the next request reloads (used by tests and after builds)."""
    _loaded.version_id, _loaded.matcher, _loaded.checked_at = None, None, 0.0
