"""Check content files against their schemas and against each other."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator

from portal.content.everyday_words import EVERYDAY_WORDS_FILE, everyday_word_problems
from portal.content.files import CONTENT_DIR, ContentSet, read_content, read_schema
from portal.content.lesson_starters import LESSON_STARTERS_FILE, lesson_starter_problems
from portal.content.neighbouring import NEIGHBOURING_FILE, neighbouring_problems
from portal.content.pay_checks import pay_problems

SUMMARY_WORDS = (40, 70)
PROFILE_HEADINGS = ("## About the work", "## Where it can lead")

# Agenda for Change bands in pay order; Band 1 is closed to new staff.
BANDS = ("2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9")
BAND_IN_TEXT = re.compile(r"\b[Bb]ands? (\d+[a-z]?)\b")

# The research has the biomedical scientist bands (5 newly registered, 6 specialist)
# from one third-party page only, so every such row must say so on the page.
UNCERTAIN_PAY_ROLE = re.compile(r"biomedical scientist", re.IGNORECASE)
PAY_HEDGE = "not confirmed"
ROLE_HEDGE = re.compile(r"\bvar(y|ies)\b", re.IGNORECASE)

# The full HSST specialty list is not confirmed. These areas rest on a named HSST
# specialty (2024 recruitment), curriculum module or HSST places in the research;
# any other area offering HSST must say the list is not confirmed.
HSST_ROUTE = "higher-specialist-scientist-training"
HSST_CONFIRMED = frozenset(
    {
        "cancer-genomics",
        "cardiac-science",
        "clinical-bioinformatics-genomics",
        "clinical-biochemistry",
        "clinical-microbiology",
        "genomics",
        "infection-prevention-antimicrobial-resistance",
        "intraoperative-neuromonitoring",
        "molecular-pathology-acquired-disease",
        "neurophysiology",
        "ophthalmic-imaging",
        "ophthalmic-vision-science",
        "public-health-reference-microbiology",
        "respiratory-physiology",
        "scientist-led-cardiac-clinics",
        "sleep-physiology",
        "specialist-haematology",
    }
)

# AHCS clinical scientist equivalence needs at least three years' work at that
# level; research experience alone is not a route to registration.
EQUIVALENCE_ROUTE = "equivalence"
EQUIVALENCE_LEVEL = "clinical scientist level"

# Bodies are named exactly as they name themselves. A phrase that starts like
# one of these (its first three words) must go on to match one in full.
BODY_NAMES = (
    "Academy for Healthcare Science",
    "Association for Respiratory Technology and Physiology",
    "Association of Anatomical Pathology Technology",
    "Association of Clinical Scientists",
    "Association of Renal Technologists",
    "British Academy of Audiology",
    "British Society of Echocardiography",
    "College of Clinical Perfusion Scientists",
    "General Dental Council",
    "Genetic Counsellor Registration Board",
    "Health and Care Professions Council",
    "Institute of Biomedical Science",
    "Institute of Decontamination Sciences",
    "Institute of Healthcare Engineering and Estate Management",
    "Institute of Maxillofacial Prosthetists and Technologists",
    "Institute of Physics and Engineering in Medicine",
    "Manchester Academy for Healthcare Scientist Education",
    "National Institute for Health and Care Research",
    "National School of Healthcare Science",
    "Professional Standards Authority",
    "Register of Clinical Technologists",
    "Registration Council for Clinical Physiologists",
    "Royal College of Pathologists",
    "Society for Vascular Technology",
    "Society of Clinical Perfusion Scientists",
)


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
    if re.search(r"(?:\A|\n\s*\n)With experience\b", body):
        problems.append(
            Problem(
                file,
                "body",
                "a paragraph opens with 'With experience'; name the next roles and bands instead",
            )
        )
    return problems


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _body_name_problems(item: dict[str, Any]) -> list[Problem]:
    text = " ".join(" ".join(_strings({k: v for k, v in item.items() if k != "_file"})).split())
    for name in sorted(BODY_NAMES, key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(name)}\b", "\N{SECTION SIGN}", text)
    problems = []
    for head in sorted({" ".join(name.split()[:3]) for name in BODY_NAMES}):
        names = " or ".join(repr(n) for n in BODY_NAMES if n.startswith(head))
        for match in re.finditer(rf"\b{re.escape(head)}\b", text):
            found = " ".join(text[match.start() :].split()[:7])
            problems.append(
                Problem(item["_file"], "(text)", f"'{found}' is not a known body name; write {names}")
            )
    return problems


def _band_index(band: str) -> int:
    return BANDS.index(band) if band in BANDS else -1


def _pay_problems(profile: dict[str, Any]) -> list[Problem]:
    file = profile["_file"]
    problems = []
    for i, row in enumerate(profile.get("pay_bands") or []):
        key, role, bands = f"pay_bands.{i}", str(row.get("role", "")), str(row.get("bands", ""))
        ends = bands.split(" to ")
        if len(ends) == 2 and _band_index(ends[0]) >= _band_index(ends[1]):
            problems.append(Problem(file, key, f"'{bands}' must run from the lower band to the higher one"))
        if ROLE_HEDGE.search(role):
            problems.append(Problem(file, key, "put the hedge in 'note', not in the role name"))
        if UNCERTAIN_PAY_ROLE.search(role) and not (
            row.get("uncertain") is True and PAY_HEDGE in str(row.get("note", ""))
        ):
            problems.append(
                Problem(
                    file,
                    key,
                    f"'{role}': biomedical scientist bands are unverified in the research; "
                    f"set uncertain: true and a note that says the band is {PAY_HEDGE}",
                )
            )
    text = " ".join(_strings({k: v for k, v in profile.items() if k != "_file"}))
    for match in BAND_IN_TEXT.finditer(text):
        if match.group(1) not in BANDS:
            problems.append(
                Problem(
                    file,
                    "(text)",
                    f"'{match.group(0)}' is not an open Agenda for Change band (2 to 9, 8a to 8d)",
                )
            )
    return problems


def _route_claim_problems(profile: dict[str, Any]) -> list[Problem]:
    file, slug = profile["_file"], profile.get("slug")
    problems = []
    for i, entry in enumerate(profile.get("entry_routes") or []):
        route, note, key = entry.get("route"), str(entry.get("note", "")), f"entry_routes.{i}.note"
        if route == HSST_ROUTE and slug not in HSST_CONFIRMED and "not confirmed" not in note:
            problems.append(
                Problem(
                    file,
                    key,
                    "HSST is not confirmed for this area; say the specialty list is not confirmed",
                )
            )
        if route == EQUIVALENCE_ROUTE:
            if re.search(r"\bresearch", note, re.IGNORECASE) and "not enough" not in note:
                problems.append(
                    Problem(
                        file, key, "research experience alone is not a route to registration by equivalence"
                    )
                )
            if "AHCS" in note and "clinical scientist" in note and EQUIVALENCE_LEVEL not in note:
                problems.append(
                    Problem(
                        file,
                        key,
                        f"AHCS clinical scientist equivalence needs work at {EQUIVALENCE_LEVEL}; say so",
                    )
                )
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
        + _pay_problems(profile)
        + _route_claim_problems(profile)
        + _body_name_problems(profile)
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
    return problems + _body_name_problems(route)


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
    abbreviations = {"_file": "abbreviations.yaml", "abbreviations": content.abbreviations}
    problems += _schema_problems(
        Draft202012Validator(read_schema("abbreviations", content.root)), abbreviations
    )
    problems += _body_name_problems(abbreviations)
    if require_every_profile:
        problems += _coverage_problems(content)
    problems += [
        Problem(LESSON_STARTERS_FILE, key, message)
        for key, message in lesson_starter_problems(content.root, content.taxonomy)
    ]
    problems += [Problem(file, key, message) for file, key, message in pay_problems(content)]
    problems += [
        Problem(NEIGHBOURING_FILE, key, message)
        for key, message in neighbouring_problems(content.root, content.profiles, content.taxonomy)
    ]
    problems += [
        Problem(EVERYDAY_WORDS_FILE, key, message)
        for key, message in everyday_word_problems(content.root, content.profiles)
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
