"""The matcher inside the portal: build, persist, share between workers, and suggest."""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from matching import Document, Matcher, MatcherLoadError
from matching.documents import corpus_hash
from portal.extensions import db
from portal.models import MatchingIndexVersion, ServiceArea
from portal.services.service_areas import all_service_areas

logger = logging.getLogger(__name__)
VERSION_CHECK_SECONDS = 2.0
TEXT_FIELDS = ("name", "summary", "theme", "division")
LIST_FIELDS = ("alternative_titles", "keywords", "abbreviations", "day_to_day", "skills")


def area_document(area: ServiceArea) -> Document:
    """The matcher's view of one profile: its words, by field."""
    fields: dict[str, Any] = {key: getattr(area, key) for key in TEXT_FIELDS}
    fields.update({key: list(area.field(key)) for key in LIST_FIELDS})
    fields["body"] = area.body_markdown.replace("#", " ")
    return Document(id=area.slug, fields=fields, kind="service-area")


def abbreviation_expansions(abbreviations: dict[str, dict[str, str]]) -> dict[str, str]:
    """``{"ECG": "electrocardiogram", ...}`` from abbreviations.yaml's entries."""
    return {short: entry["expansion"] for short, entry in abbreviations.items()}


def index_fingerprint(documents: list[Document], expansions: dict[str, str]) -> str:
    """Changes whenever the documents or the abbreviation list change, and only then."""
    canonical = json.dumps(expansions, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256((corpus_hash(documents) + canonical).encode("utf-8")).hexdigest()


def build_index(index_root: Path, abbreviations: dict[str, dict[str, str]]) -> MatchingIndexVersion:
    """Fit the matcher on every profile, save it, and record it as the current version.

    Nothing is refitted when the newest saved index was built from the same documents and abbreviations.
    """
    documents = [area_document(area) for area in all_service_areas()]
    expansions = abbreviation_expansions(abbreviations)
    fingerprint = index_fingerprint(documents, expansions)
    latest = latest_version()
    if latest and latest.corpus_hash == fingerprint and Path(latest.directory).is_dir():
        return latest
    matcher = Matcher(abbreviations=expansions).fit(documents)
    directory = Path(index_root) / fingerprint[:16]
    if directory.exists():
        shutil.rmtree(directory)
    matcher.save(directory)
    version = MatchingIndexVersion(
        corpus_hash=fingerprint, directory=str(directory), document_count=len(documents)
    )
    db.session.add(version)
    db.session.flush()
    return version


def latest_version() -> MatchingIndexVersion | None:
    """The newest recorded index, which every worker should answer from."""
    statement = select(MatchingIndexVersion).order_by(MatchingIndexVersion.id.desc()).limit(1)
    return db.session.scalars(statement).first()


@dataclass
class _LoadedIndex:
    """This worker's copy of the index, and when it last checked for a newer one."""

    version_id: int | None = None
    matcher: Matcher | None = None
    checked_at: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


_loaded = _LoadedIndex()


class IndexUnavailableError(RuntimeError):
    """No usable index has been built yet."""


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
            try:
                _loaded.matcher = Matcher.load(version.directory)
            except (MatcherLoadError, OSError) as error:
                raise IndexUnavailableError(f"the matching index could not be loaded: {error}") from error
            _loaded.version_id = version.id
            logger.info("Loaded matching index version %s", version.id)
        return _loaded.matcher


def forget_loaded_index() -> None:
    """Drop this worker's copy so the next request reloads (used by tests and after builds)."""
    _loaded.version_id, _loaded.matcher, _loaded.checked_at = None, None, 0.0
