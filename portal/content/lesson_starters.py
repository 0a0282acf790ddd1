"""Lesson starters for teachers: read content/lesson-starters.yaml, check it, and hand it out typed.

The file is checked against its schema and against taxonomy.yaml: one starter for every division
(none missing, none invented, none twice) and only service areas that exist.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from portal.content.files import CONTENT_DIR, ContentFileError, _read_yaml, read_schema

LESSON_STARTERS_FILE = "lesson-starters.yaml"
SCHEMA_KIND = "lesson-starters"


@dataclass(frozen=True)
class Stage:
    """A school stage a starter can suit, keyed by the portal's stage code."""

    code: str
    name: str
    short: str


@dataclass(frozen=True)
class BenchmarkLink:
    """One Gatsby Benchmark a starter supports, and how."""

    number: int
    name: str
    how: str


@dataclass(frozen=True)
class CurriculumLink:
    """A school subject and the topic in it that a starter uses."""

    subject: str
    topic: str


@dataclass(frozen=True)
class LessonStarter:
    """One short classroom activity about one division of healthcare science."""

    division: str
    title: str
    summary: str
    stages: tuple[str, ...]
    minutes: int
    you_need: tuple[str, ...]
    cards: tuple[str, ...]
    answers: tuple[str, ...]
    steps: tuple[str, ...]
    questions: tuple[str, ...]
    service_areas: tuple[str, ...]
    benchmarks: tuple[BenchmarkLink, ...]
    curriculum: tuple[CurriculumLink, ...]

    def suits(self, stage: str) -> bool:
        """Whether the starter is written for ``stage``."""
        return stage in self.stages


@dataclass(frozen=True)
class LessonStarters:
    """Every lesson starter, in the order of the divisions in taxonomy.yaml, with the stage labels."""

    stages: tuple[Stage, ...]
    starters: tuple[LessonStarter, ...]

    def stage(self, code: str) -> Stage | None:
        """The stage for ``code``, or None when no starter can suit it."""
        return next((stage for stage in self.stages if stage.code == code), None)

    def for_stage(self, code: str) -> list[LessonStarter]:
        """The starters that suit the stage ``code``."""
        return [starter for starter in self.starters if starter.suits(code)]


class LessonStartersError(Exception):
    """The lesson starters file has problems; each is a ``key: message`` line."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        lines = "; ".join(f"{key}: {message}" for key, message in problems)
        super().__init__(f"{LESSON_STARTERS_FILE}: {lines}")


def _taxonomy(root: Path) -> list[dict[str, Any]]:
    return (_read_yaml(root / "taxonomy.yaml") or {}).get("service_areas", [])


def _schema_problems(data: Any, root: Path) -> list[tuple[str, str]]:
    validator = Draft202012Validator(read_schema(SCHEMA_KIND, root))
    return [
        (".".join(str(part) for part in error.absolute_path) or "(top level)", error.message)
        for error in validator.iter_errors(data)
    ]


def _division_problems(starters: list[dict[str, Any]], divisions: list[str]) -> list[tuple[str, str]]:
    counted = Counter(starter["division"] for starter in starters)
    problems = [
        ("lesson_starters", f"no starter for the division '{name}'")
        for name in divisions
        if not counted[name]
    ]
    problems += [
        ("lesson_starters", f"more than one starter for '{name}'") for name, n in counted.items() if n > 1
    ]
    problems += [
        ("lesson_starters", f"'{name}' is not a division in taxonomy.yaml")
        for name in counted
        if name not in divisions
    ]
    return problems


def _starter_problems(
    index: int, starter: dict[str, Any], slugs: set[str], stages: set[str]
) -> list[tuple[str, str]]:
    key = f"lesson_starters.{index}"
    problems = [
        (f"{key}.service_areas", f"unknown service area '{slug}'")
        for slug in starter["service_areas"]
        if slug not in slugs
    ]
    problems += [
        (f"{key}.stages", f"'{code}' has no entry under stages")
        for code in starter["stages"]
        if code not in stages
    ]
    numbers = [link["benchmark"] for link in starter["gatsby"]]
    if len(set(numbers)) != len(numbers):
        problems.append((f"{key}.gatsby", "lists a benchmark twice"))
    return problems


def lesson_starter_problems(
    root: Path = CONTENT_DIR, taxonomy: list[dict[str, Any]] | None = None
) -> list[tuple[str, str]]:
    """Every problem in ``root``'s lesson starters file as ``(key, message)`` pairs; empty means valid."""
    path = root / LESSON_STARTERS_FILE
    if not path.exists():
        return [("(file)", "missing: every division needs a lesson starter")]
    try:
        data = _read_yaml(path)
        rows = _taxonomy(root) if taxonomy is None else taxonomy
    except ContentFileError as error:
        return [("(file)", error.message)]
    problems = _schema_problems(data, root)
    if problems:
        # Cross-checks assume the shape the schema promises.
        return problems
    numbers = [benchmark["number"] for benchmark in data["gatsby_benchmarks"]]
    if sorted(numbers) != list(range(1, 9)):
        problems.append(("gatsby_benchmarks", "must list benchmarks 1 to 8 once each"))
    divisions = list(dict.fromkeys(row["division"] for row in rows))
    problems += _division_problems(data["lesson_starters"], divisions)
    slugs = {row["slug"] for row in rows}
    for index, starter in enumerate(data["lesson_starters"]):
        problems += _starter_problems(index, starter, slugs, set(data["stages"]))
    return problems


def _starter(raw: dict[str, Any], benchmark_names: dict[int, str]) -> LessonStarter:
    return LessonStarter(
        division=raw["division"],
        title=raw["title"],
        summary=raw["summary"],
        stages=tuple(raw["stages"]),
        minutes=raw["minutes"],
        you_need=tuple(raw["you_need"]),
        cards=tuple(raw.get("cards", ())),
        answers=tuple(raw.get("answers", ())),
        steps=tuple(raw["steps"]),
        questions=tuple(raw["questions"]),
        service_areas=tuple(raw["service_areas"]),
        benchmarks=tuple(
            BenchmarkLink(link["benchmark"], benchmark_names[link["benchmark"]], link["how"])
            for link in sorted(raw["gatsby"], key=lambda link: link["benchmark"])
        ),
        curriculum=tuple(
            CurriculumLink(item["subject"], item["topic"]) for item in raw.get("curriculum", ())
        ),
    )


def read_lesson_starters(root: Path = CONTENT_DIR) -> LessonStarters:
    """Read and check the lesson starters; raise LessonStartersError listing every problem."""
    rows = _taxonomy(root)
    problems = lesson_starter_problems(root, rows)
    if problems:
        raise LessonStartersError(problems)
    data = _read_yaml(root / LESSON_STARTERS_FILE)
    names = {benchmark["number"]: benchmark["name"] for benchmark in data["gatsby_benchmarks"]}
    order = {division: index for index, division in enumerate(dict.fromkeys(row["division"] for row in rows))}
    starters = sorted(
        (_starter(raw, names) for raw in data["lesson_starters"]), key=lambda s: order[s.division]
    )
    stages = tuple(Stage(code, label["name"], label["short"]) for code, label in data["stages"].items())
    return LessonStarters(stages=stages, starters=tuple(starters))
