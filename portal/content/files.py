"""Read content files into plain dictionaries."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import frontmatter
import yaml

from portal.content.neighbouring import NeighbouringProfession, read_professions
from portal.content.pay import PAY_SCALES_FILE, PayScales, pay_scales_from

CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"


class ContentFileError(Exception):
    """A content file could not be parsed at all."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{path.name}: {message}")
        self.path = path
        self.message = message


@dataclass
class ContentSet:
    """Everything in content/, parsed but not yet validated."""

    root: Path
    taxonomy: list[dict[str, Any]] = field(default_factory=list)
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    routes: dict[str, dict[str, Any]] = field(default_factory=dict)
    abbreviations: dict[str, dict[str, Any]] = field(default_factory=dict)
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    vocabulary: dict[str, dict[str, str]] = field(default_factory=dict)
    pay_scales: dict[str, Any] = field(default_factory=dict)
    parse_errors: list[ContentFileError] = field(default_factory=list)


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ContentFileError(path, f"not valid YAML ({error})") from error


def read_profile(path: Path) -> dict[str, Any]:
    """Return a profile's front matter with its Markdown body under ``body``."""
    try:
        post = frontmatter.loads(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ContentFileError(path, f"front matter is not valid YAML ({error})") from error
    if not post.metadata:
        raise ContentFileError(path, "no YAML front matter between --- lines")
    return {"_file": path.name, **post.metadata, "body": post.content.strip()}


def read_route(path: Path) -> dict[str, Any]:
    """Return an entry route file as a dictionary."""
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise ContentFileError(path, "expected a YAML mapping at the top level")
    return {"_file": path.name, **data}


def read_schema(kind: str, root: Path = CONTENT_DIR) -> dict[str, Any]:
    """Return the JSON Schema for ``kind`` (``service-area`` or ``entry-route``)."""
    return json.loads((root / "schema" / f"{kind}.schema.json").read_text(encoding="utf-8"))


def read_content(root: Path = CONTENT_DIR) -> ContentSet:
    """Parse every file under ``root``; parse failures are collected, not raised."""
    content = ContentSet(root=root)
    content.taxonomy = (_read_yaml(root / "taxonomy.yaml") or {}).get("service_areas", [])
    content.abbreviations = (_read_yaml(root / "abbreviations.yaml") or {}).get("abbreviations", {})
    content.sources = (_read_yaml(root / "sources.yaml") or {}).get("sources", {})
    content.vocabulary = _read_yaml(root / "vocabulary.yaml") or {}
    try:
        content.pay_scales = read_pay_scales_data(root)
    except ContentFileError as error:
        content.parse_errors.append(error)
    for path in sorted((root / "service-areas").glob("*.md")):
        try:
            content.profiles[path.stem] = read_profile(path)
        except ContentFileError as error:
            content.parse_errors.append(error)
    for path in sorted((root / "entry-routes").glob("*.yaml")):
        try:
            content.routes[path.stem] = read_route(path)
        except ContentFileError as error:
            content.parse_errors.append(error)
    return content


def read_pay_scales_data(root: Path = CONTENT_DIR) -> dict[str, Any]:
    """Return pay-scales.yaml as parsed, unchecked; a missing file or a non-mapping is an error."""
    path = root / PAY_SCALES_FILE
    if not path.is_file():
        raise ContentFileError(path, "missing: the pay table must be in content/")
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise ContentFileError(path, "expected a YAML mapping at the top level")
    return data


@dataclass(frozen=True)
class Reference:
    """The small lookup files pages need at hand: labels, abbreviations, sources, the pay table, and
    the neighbouring professions the matcher tells apart from healthcare science."""

    vocabulary: dict[str, dict[str, str]]
    abbreviations: dict[str, dict[str, str]]
    sources: dict[str, dict[str, Any]]
    pay_scales: PayScales
    professions: tuple[NeighbouringProfession, ...] = ()


def read_reference(root: Path = CONTENT_DIR) -> Reference:
    """Read vocabulary.yaml, abbreviations.yaml, sources.yaml, pay-scales.yaml and the professions."""
    return Reference(
        vocabulary=_read_yaml(root / "vocabulary.yaml") or {},
        abbreviations=(_read_yaml(root / "abbreviations.yaml") or {}).get("abbreviations", {}),
        sources=(_read_yaml(root / "sources.yaml") or {}).get("sources", {}),
        pay_scales=pay_scales_from(read_pay_scales_data(root)),
        professions=read_professions(root),
    )
