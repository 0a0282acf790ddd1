"""The neighbouring professions file: its schema, real areas, titles that are never ours, and the index."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from matching import NEIGHBOURING_KIND
from portal.content.files import CONTENT_DIR, read_content, read_reference, read_schema
from portal.content.neighbouring import (
    NEIGHBOURING_FILE,
    fold_title,
    healthcare_science_titles,
    neighbouring_problems,
    read_professions,
)
from portal.content.validation import validate
from portal.services import matching as svc
from portal.services.service_areas import all_service_areas

CONTENT = read_content(CONTENT_DIR)
PROFESSIONS = read_professions(CONTENT_DIR)
IDS = [
    "nursing",
    "midwifery",
    "medicine",
    "pathology-doctors",
    "radiology-doctors",
    "heart-and-lung-doctors",
    "cancer-doctors",
    "surgery-and-anaesthesia",
    "radiography",
    "pharmacy",
    "physiotherapy",
    "occupational-therapy",
    "speech-and-language-therapy",
    "dietetics",
    "podiatry",
    "orthoptics",
    "prosthetics-and-orthotics",
    "paramedics",
    "operating-department-practice",
    "healthcare-assistants",
    "public-health",
    "dentistry",
    "psychology",
    "optometry",
]


def test_the_real_file_has_no_problems():
    assert neighbouring_problems(CONTENT_DIR, CONTENT.profiles, CONTENT.taxonomy) == []
    assert not [p for p in validate(CONTENT) if p.file == NEIGHBOURING_FILE]


def test_the_schema_is_itself_valid():
    Draft202012Validator.check_schema(read_schema("neighbouring-professions"))


def test_it_lists_exactly_the_agreed_professions():
    assert [profession.id for profession in PROFESSIONS] == IDS


def test_no_title_is_a_healthcare_science_title():
    science = healthcare_science_titles(CONTENT.profiles, CONTENT.taxonomy)
    assert science[fold_title("Biomedical scientist (haematology)")] == "haematology"
    claimed = [t for p in PROFESSIONS for t in p.titles if fold_title(t) in science]
    assert claimed == []


def test_the_clear_cases_are_where_people_would_look():
    owner = {fold_title(t): p.id for p in PROFESSIONS for t in p.titles}
    assert owner["staff nurse"] == "nursing"
    assert owner["consultant haematologist"] == "pathology-doctors"
    assert owner["physiotherapist"] == "physiotherapy"
    assert owner["pharmacist"] == "pharmacy"
    assert owner["diagnostic radiographer"] == "radiography"


def test_the_app_reference_carries_the_professions_with_one_line_whys():
    professions = read_reference(CONTENT_DIR).professions
    assert professions == PROFESSIONS
    assert all("\n" not in p.why and "  " not in p.why for p in professions)


def test_fold_title_ignores_case_punctuation_and_spacing():
    assert fold_title("  Clinical  Scientist (Haematology) ") == "clinical scientist haematology"
    assert fold_title("A&E doctor") == fold_title("a & e  doctor")


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, copy)
    return copy


def _rewrite(root: Path, change) -> None:
    path = root / NEIGHBOURING_FILE
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data["professions"])
    path.write_text(yaml.safe_dump({"professions": data["professions"]}, sort_keys=False), encoding="utf-8")


def _problems(root: Path) -> list[str]:
    return [str(p) for p in validate(read_content(root)) if p.file == NEIGHBOURING_FILE]


def test_a_broken_copy_is_reported_key_by_key(content_copy: Path):
    def break_it(professions: list[dict]) -> None:
        professions[0]["related"].append("no-such-area")
        professions[1]["titles"].append("Staff Nurse!")  # nursing's, folded
        professions[4]["titles"].append("Audiologist")
        professions[3]["why"] = "Haematologists are doctors. Healthcare scientists work beside them in labs."

    _rewrite(content_copy, break_it)
    assert sorted(_problems(content_copy)) == sorted(
        [
            f"{NEIGHBOURING_FILE}: professions.0.related: unknown service area 'no-such-area'",
            f"{NEIGHBOURING_FILE}: professions.1.titles: 'Staff Nurse!' is also a title of 'nursing'",
            f"{NEIGHBOURING_FILE}: professions.4.titles: 'Audiologist' is a healthcare science title "
            "(service area 'audiology')",
            f"{NEIGHBOURING_FILE}: professions.3.why: write one sentence, not several",
        ]
    )


def test_an_id_used_twice_and_a_title_repeated_in_one_profession_are_reported(content_copy: Path):
    def break_it(professions: list[dict]) -> None:
        professions[2]["id"] = "nursing"
        professions[1]["titles"].append("MIDWIFE")

    _rewrite(content_copy, break_it)
    problems = _problems(content_copy)
    assert f"{NEIGHBOURING_FILE}: professions.2.id: 'nursing' is used twice" in problems
    assert f"{NEIGHBOURING_FILE}: professions.1.titles: 'MIDWIFE' is listed twice" in problems


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (lambda ps: ps[0].update(why="Too short."), "professions.0.why"),
        (
            lambda ps: ps[0].update(learn_more_url="https://example.com/nursing"),
            "professions.0.learn_more_url",
        ),
        (lambda ps: ps[0].update(related=[]), "professions.0.related"),
        (lambda ps: ps[0].update(titles=["nurse"]), "professions.0.titles"),
        (lambda ps: ps[0].update(colour="blue"), "professions.0"),
    ],
)
def test_schema_problems_name_the_key(content_copy: Path, change, key: str):
    _rewrite(content_copy, change)
    problems = _problems(content_copy)
    assert any(p.startswith(f"{NEIGHBOURING_FILE}: {key}: ") for p in problems), problems


def test_a_missing_or_unparseable_file_is_reported(content_copy: Path):
    path = content_copy / NEIGHBOURING_FILE
    path.write_text("professions: [unclosed\n", encoding="utf-8")
    assert any(p.startswith(f"{NEIGHBOURING_FILE}: (file): not valid YAML") for p in _problems(content_copy))
    path.unlink()
    assert [p for p in _problems(content_copy) if "(file): missing" in p]
    assert read_professions(content_copy) == ()


def test_the_stored_index_holds_one_document_per_profession(app, db_session):
    svc.forget_loaded_index()
    try:
        stored = [d for d in svc.current_matcher().documents_ if d.kind == NEIGHBOURING_KIND]
    finally:
        svc.forget_loaded_index()
    assert [d.id for d in stored] == IDS
    nursing = stored[0]
    assert nursing.fields == {"name": "Nursing", "title": list(PROFESSIONS[0].titles)}
    assert nursing.tags["related"] == list(PROFESSIONS[0].related)
    assert nursing.tags["why"] == PROFESSIONS[0].why


def test_a_changed_profession_changes_the_fingerprint_and_builds_a_new_version(app, db_session):
    areas = [svc.area_document(area) for area in all_service_areas()]
    expansions = svc.abbreviation_expansions(app.extensions["content_reference"].abbreviations)
    changed = (replace(PROFESSIONS[0], titles=(*PROFESSIONS[0].titles[:-1], "nurse in charge")),)
    changed += PROFESSIONS[1:]
    assert svc.index_fingerprint(areas, expansions) == svc.index_fingerprint(areas, expansions, PROFESSIONS)
    assert svc.index_fingerprint(areas, expansions, changed) != svc.index_fingerprint(areas, expansions)
    latest = svc.latest_version()
    savepoint = db_session.begin_nested()
    version = svc.build_index(app.extensions["content_reference"].abbreviations, changed)
    assert version.id > latest.id and version.document_count == len(areas)
    savepoint.rollback()
    svc.forget_loaded_index()
