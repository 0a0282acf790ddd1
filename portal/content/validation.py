"""Check content files against their schemas and against each other."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator

from portal.content.files import CONTENT_DIR, ContentSet, read_content, read_schema
from portal.content.lesson_starters import LESSON_STARTERS_FILE, lesson_starter_problems

SUMMARY_WORDS = (40, 70)
PROFILE_HEADINGS = ("## About the work", "## Where it can lead")


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one key of one content file."""

    file: str
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key}: {self.message}"


def word_count(text: str) -> int:
    """Count words the way a reader would (hyphenated words count once)."""
    return len(re.findall(r"[A-Za-z0-9'’]+(?:-[A-Za-z0-9'’]+)*", text))


def _schema_problems(validator: Draft202012Validator, item: dict[str, Any]) -> list[Problem]:
    data = {k: v for k, v in item.items() if k not in ("_file", "body")}
    problems = []
    for error in validator.iter_errors(data):
        key = ".".join(str(part) for part in error.absolute_path) or "(top level)"
        problems.append(Problem(item["_file"], key, error.message))
    return problems


def _check_references(
    file: str, key: str, values: list[str], known: set[str] | dict, kind: str
) -> list[Problem]:
    return [Problem(file, key, f"unknown {kind} '{value}'") for value in values if value not in known]


def _taxonomy_problems(profile: dict[str, Any], row: dict[str, Any], content: ContentSet) -> list[Problem]:
    file, slug = profile["_file"], profile["slug"]
    problems = [
        Problem(file, key, f"taxonomy.yaml says {row[key]!r}")
        for key in ("division", "theme", "parent")
        if profile.get(key) != row[key]
    ]
    children = {r["slug"] for r in content.taxonomy if r["parent"] == slug}
    if set(profile.get("children") or []) != children:
        problems.append(Problem(file, "children", f"must list exactly {sorted(children)}"))
    if row["parent"] and not profile.get("what_makes_it_different"):
        problems.append(Problem(file, "what_makes_it_different", "required for an area with a parent"))
    related = set(profile.get("related") or [])
    if slug in related:
        problems.append(Problem(file, "related", "an area cannot be related to itself"))
    family = {row["parent"], *children} & related
    if family:
        problems.append(Problem(file, "related", f"{sorted(family)} already shown as parent or children"))
    return problems


def _reference_problems(profile: dict[str, Any], content: ContentSet) -> list[Problem]:
    file = profile["_file"]
    taxonomy = {row["slug"] for row in content.taxonomy}
    routes = [entry.get("route") for entry in profile.get("entry_routes") or []]
    problems = _check_references(file, "entry_routes", routes, content.routes, "entry route")
    if len(set(routes)) != len(routes):
        problems.append(Problem(file, "entry_routes", "lists a route twice"))
    problems += _check_references(file, "related", profile.get("related") or [], taxonomy, "service area")
    problems += _check_references(
        file,
        "abbreviations",
        profile.get("abbreviations") or [],
        content.abbreviations,
        "abbreviation (add it to abbreviations.yaml)",
    )
    problems += _check_references(
        file, "sources", profile.get("sources") or [], content.sources, "source code"
    )
    return problems


def _text_problems(profile: dict[str, Any]) -> list[Problem]:
    file = profile["_file"]
    problems = []
    words = word_count(profile.get("summary") or "")
    if not SUMMARY_WORDS[0] <= words <= SUMMARY_WORDS[1]:
        problems.append(Problem(file, "summary", f"has {words} words; write 40 to 70"))
    body = profile.get("body") or ""
    problems += [
        Problem(file, "body", f"missing the section '{heading}'")
        for heading in PROFILE_HEADINGS
        if heading not in body
    ]
    return problems


def _profile_problems(profile: dict[str, Any], content: ContentSet) -> list[Problem]:
    file, slug = profile["_file"], profile.get("slug")
    if slug != file.removesuffix(".md"):
        problems = [Problem(file, "slug", f"'{slug}' does not match the file name")]
    else:
        problems = []
    row = next((r for r in content.taxonomy if r["slug"] == slug), None)
    if row is None:
        return [*problems, Problem(file, "slug", f"'{slug}' is not in taxonomy.yaml")]
    return (
        problems
        + _taxonomy_problems(profile, row, content)
        + _reference_problems(profile, content)
        + _text_problems(profile)
    )


def _route_problems(route: dict[str, Any], content: ContentSet) -> list[Problem]:
    file = route["_file"]
    problems: list[Problem] = []
    if route.get("slug") != file.removesuffix(".yaml"):
        problems.append(Problem(file, "slug", f"'{route.get('slug')}' does not match the file name"))
    stages = [entry.get("stage") for entry in route.get("stages") or []]
    if len(set(stages)) != len(stages):
        problems.append(Problem(file, "stages", "lists a stage twice"))
    problems += _check_references(file, "sources", route.get("sources") or [], content.sources, "source code")
    return problems


def _coverage_problems(content: ContentSet) -> list[Problem]:
    problems = []
    for row in content.taxonomy:
        if row["slug"] not in content.profiles:
            problems.append(Problem("taxonomy.yaml", row["slug"], "has no profile file"))
    for slug, abbreviation in content.abbreviations.items():
        if not isinstance(abbreviation, dict) or not abbreviation.get("expansion"):
            problems.append(Problem("abbreviations.yaml", str(slug), "needs an 'expansion'"))
    return problems


def validate(content: ContentSet, require_every_profile: bool = True) -> list[Problem]:
    """Return every problem in ``content``, sorted by file and key; empty means valid."""
    problems = [Problem(e.path.name, "(file)", e.message) for e in content.parse_errors]
    profile_validator = Draft202012Validator(read_schema("service-area", content.root))
    route_validator = Draft202012Validator(read_schema("entry-route", content.root))
    for profile in content.profiles.values():
        problems += _schema_problems(profile_validator, profile)
        problems += _profile_problems(profile, content)
    for route in content.routes.values():
        problems += _schema_problems(route_validator, route)
        problems += _route_problems(route, content)
    if require_every_profile:
        problems += _coverage_problems(content)
    problems += [
        Problem(LESSON_STARTERS_FILE, key, message)
        for key, message in lesson_starter_problems(content.root, content.taxonomy)
    ]
    return sorted(set(problems))


if __name__ == "__main__":
    # Writers' shortcut: `python -m portal.content.validation [slug ...]` checks
    # just those profiles (plus every route) without the web app.
    wanted = set(sys.argv[1:])
    found = validate(read_content(CONTENT_DIR), require_every_profile=not wanted)
    if wanted:
        found = [p for p in found if p.file.rsplit(".", 1)[0] in wanted or p.file.endswith(".yaml")]
    for problem in found:
        print(problem)
    print(f"{len(found)} problem(s)")
    sys.exit(1 if found else 0)
