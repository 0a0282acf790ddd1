"""Neighbouring professions: read content/neighbouring-professions.yaml, check it, hand it out typed.

These are the professions people confuse with healthcare science (nursing, medicine, radiography ...).
The file is checked against its schema and against the profiles: unique ids, real service areas in
``related``, no job title claimed by two professions, and no title that is really a healthcare
science title (the name or an alternative title of any service area).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

NEIGHBOURING_FILE = "neighbouring-professions.yaml"
SCHEMA_KIND = "neighbouring-professions"
# A full stop, question or exclamation mark followed by more words: a second sentence.
SECOND_SENTENCE = re.compile(r"[.!?]\s+\S")

Problem = tuple[str, str]


@dataclass(frozen=True)
class NeighbouringProfession:
    """A profession outside healthcare science, the titles that name it and the areas beside it."""

    id: str
    name: str
    titles: tuple[str, ...]
    why: str
    learn_more_url: str
    related: tuple[str, ...]


def fold_title(title: str) -> str:
    """A title compared the way people mean it: case, punctuation and spacing ignored."""
    return " ".join(re.sub(r"[\W_]+", " ", title.casefold()).split())


def professions_from(data: Any) -> tuple[NeighbouringProfession, ...]:
    """The professions in the file's parsed ``data`` (None, for a missing file, gives none)."""
    if data is None:
        return ()
    try:
        return tuple(
            NeighbouringProfession(
                id=raw["id"],
                name=raw["name"],
                titles=tuple(raw["titles"]),
                why=" ".join(raw["why"].split()),
                learn_more_url=raw["learn_more_url"],
                related=tuple(raw["related"]),
            )
            for raw in data["professions"]
        )
    except (KeyError, TypeError, AttributeError) as error:
        raise ValueError(
            f"{NEIGHBOURING_FILE} is not in the expected shape ({error!r}): run `flask content validate`"
        ) from error


def read_professions(root: Path) -> tuple[NeighbouringProfession, ...]:
    """Read the professions under ``root``; a missing file means there are none."""
    path = root / NEIGHBOURING_FILE
    if not path.is_file():
        return ()
    return professions_from(yaml.safe_load(path.read_text(encoding="utf-8")))


def _schema_problems(data: Any, root: Path) -> list[Problem]:
    path = root / "schema" / f"{SCHEMA_KIND}.schema.json"
    validator = Draft202012Validator(json.loads(path.read_text(encoding="utf-8")))
    return [
        (".".join(str(part) for part in error.absolute_path) or "(top level)", error.message)
        for error in validator.iter_errors(data)
    ]


def healthcare_science_titles(
    profiles: dict[str, dict[str, Any]], taxonomy: Iterable[dict[str, Any]]
) -> dict[str, str]:
    """Every service area name and alternative title, folded, mapped to the slug that uses it."""
    titles: dict[str, str] = {}
    for row in taxonomy:
        titles.setdefault(fold_title(str(row.get("name", ""))), str(row.get("slug")))
    for slug, profile in profiles.items():
        for title in [profile.get("name") or "", *(profile.get("alternative_titles") or [])]:
            titles.setdefault(fold_title(str(title)), slug)
    titles.pop("", None)
    return titles


def _profession_problems(
    index: int, raw: dict[str, Any], slugs: set[str], science: dict[str, str]
) -> list[Problem]:
    key = f"professions.{index}"
    problems = [
        (f"{key}.related", f"unknown service area '{slug}'") for slug in raw["related"] if slug not in slugs
    ]
    if SECOND_SENTENCE.search(" ".join(raw["why"].split())):
        problems.append((f"{key}.why", "write one sentence, not several"))
    for title in raw["titles"]:
        area = science.get(fold_title(title))
        if area is not None:
            problems.append(
                (f"{key}.titles", f"'{title}' is a healthcare science title (service area '{area}')")
            )
    return problems


def _shared_problems(professions: list[dict[str, Any]]) -> list[Problem]:
    problems: list[Problem] = []
    seen_ids: set[str] = set()
    owners: dict[str, str] = {}
    for index, raw in enumerate(professions):
        if raw["id"] in seen_ids:
            problems.append((f"professions.{index}.id", f"'{raw['id']}' is used twice"))
        seen_ids.add(raw["id"])
        for title in raw["titles"]:
            folded = fold_title(title)
            owner = owners.setdefault(folded, raw["id"])
            if owner != raw["id"]:
                problems.append((f"professions.{index}.titles", f"'{title}' is also a title of '{owner}'"))
            elif [fold_title(t) for t in raw["titles"]].count(folded) > 1:
                problems.append((f"professions.{index}.titles", f"'{title}' is listed twice"))
    return sorted(set(problems))


def neighbouring_problems(
    root: Path, profiles: dict[str, dict[str, Any]], taxonomy: list[dict[str, Any]]
) -> list[Problem]:
    """Every problem in ``root``'s neighbouring professions file as ``(key, message)``; empty is valid."""
    path = root / NEIGHBOURING_FILE
    if not path.is_file():
        return [("(file)", "missing: the matcher needs the professions people confuse with ours")]
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        return [("(file)", f"not valid YAML ({error})")]
    problems = _schema_problems(data, root)
    if problems:
        # The cross-checks assume the shape the schema promises.
        return problems
    slugs = set(profiles)
    science = healthcare_science_titles(profiles, taxonomy)
    for index, raw in enumerate(data["professions"]):
        problems += _profession_problems(index, raw, slugs, science)
    return problems + _shared_problems(data["professions"])
