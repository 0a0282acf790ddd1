"""Load content/ into the database: idempotent, all or nothing."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select

from portal.content.files import ContentSet
from portal.content.validation import Problem, validate
from portal.extensions import db
from portal.models import EntryRoute, ServiceArea, ServiceAreaRoute


class InvalidContentError(Exception):
    """Content failed validation, so nothing was loaded."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in content; nothing was loaded")
        self.problems = problems


@dataclass
class LoadReport:
    """What one load changed, per kind of content."""

    created: dict[str, int] = field(default_factory=lambda: {"service areas": 0, "entry routes": 0})
    updated: dict[str, int] = field(default_factory=lambda: {"service areas": 0, "entry routes": 0})
    unchanged: dict[str, int] = field(default_factory=lambda: {"service areas": 0, "entry routes": 0})
    removed: dict[str, int] = field(default_factory=lambda: {"service areas": 0, "entry routes": 0})

    @property
    def changed(self) -> bool:
        """True when the load created, updated or removed anything."""
        return any(sum(counts.values()) for counts in (self.created, self.updated, self.removed))

    def lines(self) -> list[str]:
        """One readable line per kind of content."""
        return [
            f"{kind}: {self.created[kind]} created, {self.updated[kind]} updated, "
            f"{self.unchanged[kind]} unchanged, {self.removed[kind]} removed"
            for kind in self.created
        ]


def content_hash(data: dict[str, Any]) -> str:
    """A stable fingerprint of one content item."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _clean(item: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in item.items() if not key.startswith("_")}


def search_text(profile: dict[str, Any]) -> str:
    """The lower-cased text the plain keyword search looks through."""
    parts = [profile["name"], profile["summary"], *profile.get("alternative_titles", [])]
    parts += profile.get("keywords", []) + profile.get("abbreviations", [])
    return " ".join(parts).lower()


def _upsert(model: type, data: dict[str, Any], columns: dict[str, Any], report: LoadReport, label: str):
    """Create or update one row from ``columns``; return (row, whether it changed)."""
    digest = content_hash(data)
    row = db.session.get(model, columns["slug"])
    if row is None:
        row = model(**columns, content_hash=digest)
        db.session.add(row)
        report.created[label] += 1
    elif row.content_hash != digest:
        for name, value in columns.items():
            setattr(row, name, value)
        row.content_hash = digest
        report.updated[label] += 1
    else:
        report.unchanged[label] += 1
        return row, False
    return row, True


def _load_routes(content: ContentSet, report: LoadReport) -> None:
    for slug, item in content.routes.items():
        data = _clean(item)
        columns = {
            "slug": slug,
            "name": data["name"],
            "kind": data["kind"],
            "level": data["level"],
            "career_level": data["career_level"],
            "summary": data["summary"].strip(),
            "route": data,
        }
        _upsert(EntryRoute, data, columns, report, "entry routes")


def _load_profiles(content: ContentSet, report: LoadReport) -> None:
    for slug, item in content.profiles.items():
        data = _clean(item)
        body = data.pop("body", "")
        front = data
        columns = {
            "slug": slug,
            "name": front["name"],
            "division": front["division"],
            "theme": front["theme"],
            "parent_slug": front["parent"],
            "summary": front["summary"].strip(),
            "search_text": search_text(front),
            "profile": front,
            "body_markdown": body,
        }
        row, changed = _upsert(ServiceArea, {**front, "body": body}, columns, report, "service areas")
        if changed:
            # Flush the removals first: a re-added (area, route) pair has the same key.
            row.routes.clear()
            db.session.flush()
            row.routes.extend(
                ServiceAreaRoute(route_slug=entry["route"], position=position, note=entry["note"])
                for position, entry in enumerate(front["entry_routes"])
            )


def _remove_missing(content: ContentSet, report: LoadReport) -> None:
    for model, keys, kind in (
        (ServiceArea, set(content.profiles), "service areas"),
        (EntryRoute, set(content.routes), "entry routes"),
    ):
        stale = [slug for slug in db.session.scalars(select(model.slug)) if slug not in keys]
        if stale:
            db.session.execute(
                delete(ServiceAreaRoute).where(
                    ServiceAreaRoute.service_area_slug.in_(stale) | ServiceAreaRoute.route_slug.in_(stale)
                )
            )
            db.session.execute(delete(model).where(model.slug.in_(stale)))
            report.removed[kind] += len(stale)


def load_content(content: ContentSet, require_every_profile: bool = True) -> LoadReport:
    """Validate then load ``content``; raise InvalidContentError (loading nothing) on any problem."""
    problems = validate(content, require_every_profile=require_every_profile)
    if problems:
        raise InvalidContentError(problems)
    report = LoadReport()
    _remove_missing(content, report)
    _load_routes(content, report)
    db.session.flush()
    _load_profiles(content, report)
    db.session.flush()
    return report
