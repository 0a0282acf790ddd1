"""What content the database holds, the matcher's index, and whether both agree with content/.

Nothing records when ``flask content load`` last ran. What is known: when the newest matcher index
was built (a load builds one whenever the profiles or abbreviations changed), and whether the files
now in content/ are what the database holds, item by item, by the loader's content hashes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from portal.content.files import ContentFileError, ContentSet, read_content
from portal.content.lesson_starters import LessonStartersError, read_lesson_starters
from portal.content.validation import Problem, validate
from portal.extensions import db
from portal.models import EntryRoute, MatchingIndexFile, MatchingIndexVersion, ServiceArea, ServiceAreaRoute
from portal.services.content_loader import content_hash
from portal.services.matching import abbreviation_expansions, area_document, index_fingerprint, latest_version
from portal.services.service_areas import all_service_areas


@dataclass(frozen=True)
class LoadedCounts:
    """How many rows of each kind of content the database holds."""

    service_areas: int
    entry_routes: int
    area_routes: int


@dataclass(frozen=True)
class IndexStatus:
    """The newest matcher index, and whether it was built from the profiles the database holds now."""

    version_id: int
    built_at: datetime
    document_count: int
    corpus_hash: str
    file_count: int
    size_bytes: int
    versions_stored: int
    # None when content/ could not be read, so there is nothing to compare with.
    up_to_date: bool | None


@dataclass(frozen=True)
class Differences:
    """Items whose file and loaded copy differ: in the files only, changed since loading, or gone."""

    not_loaded: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    no_longer_in_files: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        """Whether anything differs."""
        return bool(self.not_loaded or self.changed or self.no_longer_in_files)


@dataclass(frozen=True)
class ContentStatus:
    """Everything the content status page shows."""

    loaded: LoadedCounts
    index: IndexStatus | None
    files_root: Path
    profile_files: int
    route_files: int
    lesson_starters: int | None
    problems: list[Problem]
    # None when content/ could not be read far enough to compare.
    service_areas: Differences | None
    entry_routes: Differences | None

    @property
    def valid(self) -> bool:
        """Whether the files in content/ pass validation."""
        return not self.problems

    @property
    def in_step(self) -> bool:
        """Whether the database holds exactly what the files say."""
        if self.service_areas is None or self.entry_routes is None:
            return False
        return not (self.service_areas.any or self.entry_routes.any)


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def loaded_counts() -> LoadedCounts:
    """How many service areas, entry routes and area-to-route links are loaded."""
    return LoadedCounts(_count(ServiceArea), _count(EntryRoute), _count(ServiceAreaRoute))


def index_status(abbreviations: dict[str, dict[str, Any]] | None) -> IndexStatus | None:
    """The newest index, or None if none was ever built; up to date if built from today's profiles.

    ``abbreviations`` are those in content/ now (None when unknown): a load would build with them.
    """
    version = latest_version()
    if version is None:
        return None
    files, size = db.session.execute(
        select(func.count(), func.coalesce(func.sum(func.length(MatchingIndexFile.data)), 0)).where(
            MatchingIndexFile.version_id == version.id
        )
    ).one()
    up_to_date = None
    if abbreviations is not None:
        documents = [area_document(area) for area in all_service_areas()]
        up_to_date = version.corpus_hash == index_fingerprint(
            documents, abbreviation_expansions(abbreviations)
        )
    return IndexStatus(
        version_id=version.id,
        # SQLite hands back naive UTC times, PostgreSQL the session's time zone: the page says UTC.
        built_at=version.built_at.replace(tzinfo=UTC)
        if version.built_at.tzinfo is None
        else version.built_at.astimezone(UTC),
        document_count=version.document_count,
        corpus_hash=version.corpus_hash,
        file_count=files,
        size_bytes=int(size),
        versions_stored=_count(MatchingIndexVersion),
        up_to_date=up_to_date,
    )


def _stored_fields(item: dict[str, Any]) -> dict[str, Any]:
    # What the loader hashes: the item without the reader's own keys, such as "_file".
    return {key: value for key, value in item.items() if not key.startswith("_")}


def _differences(file_hashes: dict[str, str], model: type) -> Differences:
    loaded = dict(db.session.execute(select(model.slug, model.content_hash)).all())
    return Differences(
        not_loaded=sorted(set(file_hashes) - set(loaded)),
        changed=sorted(
            slug for slug, digest in file_hashes.items() if slug in loaded and loaded[slug] != digest
        ),
        no_longer_in_files=sorted(set(loaded) - set(file_hashes)),
    )


def profile_differences(content: ContentSet) -> Differences:
    """Service areas whose file and loaded copy differ."""
    hashes = {
        slug: content_hash({**_stored_fields(item), "body": item.get("body", "")})
        for slug, item in content.profiles.items()
    }
    return _differences(hashes, ServiceArea)


def route_differences(content: ContentSet) -> Differences:
    """Entry routes whose file and loaded copy differ."""
    hashes = {slug: content_hash(_stored_fields(item)) for slug, item in content.routes.items()}
    return _differences(hashes, EntryRoute)


def _lesson_starter_count(root: Path) -> int | None:
    try:
        return len(read_lesson_starters(root).starters)
    except LessonStartersError:
        return None


def _unreadable(root: Path, error: Exception) -> ContentStatus:
    if isinstance(error, ContentFileError):
        problem = Problem(error.path.name, "(file)", error.message)
    elif isinstance(error, OSError):
        problem = Problem(Path(error.filename or root).name, "(file)", "is missing or cannot be read")
    else:
        problem = Problem("schema/", "(file)", f"a schema file cannot be read ({error})")
    return ContentStatus(
        loaded=loaded_counts(),
        index=index_status(None),
        files_root=root,
        profile_files=0,
        route_files=0,
        lesson_starters=None,
        problems=[problem],
        service_areas=None,
        entry_routes=None,
    )


def content_status(root: Path) -> ContentStatus:
    """Read content/ afresh, validate it, and compare it with the database and the matcher's index."""
    try:
        content = read_content(root)
        problems = validate(content)
    except (ContentFileError, OSError, ValueError) as error:
        # A missing or broken taxonomy, schema or top-level YAML file stops the reading altogether.
        return _unreadable(root, error)
    return ContentStatus(
        loaded=loaded_counts(),
        index=index_status(content.abbreviations),
        files_root=root,
        profile_files=len(content.profiles),
        route_files=len(content.routes),
        lesson_starters=_lesson_starter_count(root),
        problems=problems,
        service_areas=profile_differences(content),
        entry_routes=route_differences(content),
    )
