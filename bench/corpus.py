"""The benchmark's documents and queries: service area profiles, synthetic opportunities, the dev set."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter
import yaml

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
CONTENT = ROOT / "content"
RESULTS = BENCH / "results"
STYLES = ("job-title", "i-like", "task", "misspelling", "abbreviation", "statement", "formal-task")
OFF_TOPIC = "off-topic"
# Titles of professions next to healthcare science: nothing is "expected", and no answer should be confident.
NEIGHBOURING = "neighbouring"
NEIGHBOURING_KIND = "neighbouring-profession"
PROFILE_FIELDS = (
    "name",
    "alternative_titles",
    "keywords",
    "abbreviations",
    "interests",
    "summary",
    "day_to_day",
    "skills",
    "theme",
    "division",
)
SEED = 20240601


@dataclass(frozen=True)
class Record:
    """A document as plain data, so every environment can build it without the matching package."""

    id: str
    fields: dict[str, str | list[str]]
    kind: str = "service-area"
    tags: dict[str, str | list[str]] = field(default_factory=dict)

    def text(self, names: tuple[str, ...] | None = None) -> str:
        """All (or the named) fields joined into one string."""
        parts: list[str] = []
        for name, value in self.fields.items():
            if names is None or name in names:
                parts.extend([value] if isinstance(value, str) else value)
        return "\n".join(str(part) for part in parts)


@dataclass(frozen=True)
class Query:
    """One dev-set query with the service areas an adviser judged right."""

    query: str
    style: str
    expected: tuple[str, ...]
    acceptable: tuple[str, ...]
    outside_field: str = ""
    voice: str = ""

    @property
    def on_topic(self) -> bool:
        """Whether the query is about healthcare science (so a confident answer is right)."""
        return self.style in STYLES


def taxonomy_slugs() -> list[str]:
    """Every slug in content/taxonomy.yaml."""
    data = yaml.safe_load((CONTENT / "taxonomy.yaml").read_text(encoding="utf-8"))
    return [area["slug"] for area in data["service_areas"]]


def load_abbreviations() -> dict[str, str]:
    """Abbreviation -> expansion, from content/abbreviations.yaml."""
    data = yaml.safe_load((CONTENT / "abbreviations.yaml").read_text(encoding="utf-8")) or {}
    return {abbr: entry["expansion"] for abbr, entry in (data.get("abbreviations") or {}).items()}


def load_profiles() -> list[Record]:
    """One record per service area profile in content/service-areas/, sorted by slug."""
    records = []
    for path in sorted((CONTENT / "service-areas").glob("*.md")):
        post = frontmatter.load(path)
        meta = post.metadata
        fields = {name: _clean(meta[name]) for name in PROFILE_FIELDS if meta.get(name)}
        fields["body"] = post.content
        tags = {"division": meta.get("division", ""), "theme": meta.get("theme", "")}
        if meta.get("parent"):
            tags["parent"] = meta["parent"]
        records.append(Record(id=meta.get("slug", path.stem), fields=fields, tags=tags))
    return records


def load_everyday_words() -> dict[str, list[str]]:
    """Everyday word -> the words of the work, from content/everyday-words.yaml (empty if absent)."""
    path = CONTENT / "everyday-words.yaml"
    if not path.exists():
        return {}
    return dict((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("words") or {})


def load_neighbouring_professions() -> list[Record]:
    """One record per profession in content/neighbouring-professions.yaml (none if the file is absent)."""
    path = CONTENT / "neighbouring-professions.yaml"
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [
        Record(
            id=entry["id"],
            fields={"name": entry["name"], "title": [str(title) for title in entry["titles"]]},
            kind=NEIGHBOURING_KIND,
            tags={
                "why": entry["why"],
                "learn_more_url": entry["learn_more_url"],
                "related": entry["related"],
            },
        )
        for entry in data.get("professions", [])
    ]


def _clean(value: object) -> str | list[str]:
    """A front matter value as a string or a list of strings."""
    if isinstance(value, list):
        return [str(item) for item in value]
    return str(value)


def load_queries(known: set[str] | None = None) -> list[Query]:
    """The dev set from bench/queries.yaml, checked against the taxonomy."""
    known = known if known is not None else set(taxonomy_slugs())
    data = yaml.safe_load((BENCH / "queries.yaml").read_text(encoding="utf-8"))
    queries = []
    for entry in data["queries"]:
        query = Query(
            query=entry["query"],
            style=entry["style"],
            expected=tuple(entry.get("expected") or ()),
            acceptable=tuple(entry.get("acceptable") or ()),
            outside_field=entry.get("outside_field") or "",
            voice=str(entry.get("voice") or ""),
        )
        unknown = set(query.expected + query.acceptable) - known
        if query.style not in (*STYLES, OFF_TOPIC, NEIGHBOURING) or unknown:
            raise ValueError(f"bad dev-set entry {query.query!r}: style {query.style}, unknown {unknown}")
        queries.append(query)
    return queries


# Synthetic opportunities ------------------------------------------------------------------------

LEVELS = (
    ("Healthcare Science Assistant", "assistant"),
    ("Associate Practitioner", "associate"),
    ("Trainee Healthcare Science Practitioner", "practitioner"),
    ("Healthcare Science Practitioner", "practitioner"),
    ("Trainee Clinical Scientist", "clinical-scientist"),
    ("Clinical Scientist", "clinical-scientist"),
    ("Apprentice", "assistant"),
    ("Work Experience Placement", "none"),
)
TRUSTS = (
    "Leeds Teaching Hospitals NHS Trust",
    "Manchester University NHS Foundation Trust",
    "Guy's and St Thomas' NHS Foundation Trust",
    "University Hospitals Birmingham NHS Foundation Trust",
    "Newcastle upon Tyne Hospitals NHS Foundation Trust",
    "Cambridge University Hospitals NHS Foundation Trust",
    "Oxford University Hospitals NHS Foundation Trust",
    "University Hospitals Bristol and Weston NHS Foundation Trust",
    "Sheffield Teaching Hospitals NHS Foundation Trust",
    "Royal Cornwall Hospitals NHS Trust",
    "Norfolk and Norwich University Hospitals NHS Foundation Trust",
    "University Hospitals of Leicester NHS Trust",
    "Liverpool University Hospitals NHS Foundation Trust",
    "Cardiff and Vale University Health Board",
    "NHS Greater Glasgow and Clyde",
    "Belfast Health and Social Care Trust",
)
TOWNS = (
    "Leeds",
    "Manchester",
    "London",
    "Birmingham",
    "Newcastle",
    "Cambridge",
    "Oxford",
    "Bristol",
    "Sheffield",
    "Truro",
    "Norwich",
    "Leicester",
    "Liverpool",
    "Cardiff",
    "Glasgow",
    "Belfast",
    "York",
    "Exeter",
    "Hull",
    "Derby",
)
OPENERS = (
    "Join our friendly {area} team at {trust}.",
    "An exciting opportunity in {area} based in {town}.",
    "We are looking for an enthusiastic person to support our {area} service.",
    "Come and see what {area} is like in a busy hospital in {town}.",
)
CLOSERS = (
    "Full training is given and you will be supported to register.",
    "You will work with {keyword} as part of a supportive team.",
    "This role suits someone curious about {keyword} and {keyword2}.",
    "Flexible working is available; we welcome applications from all backgrounds.",
)


def synthetic_opportunities(profiles: list[Record], count: int, seed: int = SEED) -> list[Record]:
    """``count`` deterministic opportunity records spread over the given service areas."""
    rng = random.Random(seed)
    records = []
    for number in range(count):
        profile = rng.choice(profiles)
        area = re.sub(r"\s*\(.*?\)", "", str(profile.fields["name"])).strip()
        level_title, level = rng.choice(LEVELS)
        trust_index = rng.randrange(len(TRUSTS))
        trust, town = TRUSTS[trust_index], TOWNS[(trust_index + rng.randrange(3)) % len(TOWNS)]
        keywords = list(profile.fields.get("keywords") or [area.lower()])
        keyword, keyword2 = rng.choice(keywords), rng.choice(keywords)
        values = {"area": area, "trust": trust, "town": town, "keyword": keyword, "keyword2": keyword2}
        summary = " ".join((rng.choice(OPENERS).format(**values), rng.choice(CLOSERS).format(**values)))
        records.append(
            Record(
                id=f"opp-{number:05d}",
                kind="opportunity",
                fields={
                    "name": f"{level_title} - {area}",
                    "summary": summary,
                    "employer": trust,
                    "location": town,
                },
                tags={"service_area": profile.id, "town": town, "level": level},
            )
        )
    return records
