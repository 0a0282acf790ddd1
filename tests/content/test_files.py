"""Every content file passes its schema, and every cross-reference resolves."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from portal.content.files import CONTENT_DIR, read_content
from portal.content.validation import validate

CONTENT = read_content(CONTENT_DIR)


def test_the_real_content_has_no_problems():
    problems = validate(CONTENT)
    assert not problems, "\n".join(str(p) for p in problems)


def test_every_taxonomy_slug_has_exactly_one_profile_and_there_are_no_others():
    taxonomy = {row["slug"] for row in CONTENT.taxonomy}
    assert len(taxonomy) == len(CONTENT.taxonomy), "taxonomy.yaml repeats a slug"
    assert set(CONTENT.profiles) == taxonomy


@pytest.mark.parametrize("slug", sorted(CONTENT.profiles))
def test_profile_file_name_is_its_slug(slug):
    assert CONTENT.profiles[slug]["slug"] == slug


@pytest.mark.parametrize("slug", sorted(CONTENT.routes))
def test_route_file_name_is_its_slug(slug):
    assert CONTENT.routes[slug]["slug"] == slug


def test_every_route_is_used_by_at_least_one_profile():
    used = {entry["route"] for p in CONTENT.profiles.values() for entry in p["entry_routes"]}
    assert set(CONTENT.routes) - used == set()


def test_parent_and_children_agree_both_ways():
    for slug, profile in CONTENT.profiles.items():
        for child in profile["children"]:
            assert CONTENT.profiles[child]["parent"] == slug
        if profile["parent"]:
            assert slug in CONTENT.profiles[profile["parent"]]["children"]


def test_every_stage_named_in_the_design_has_at_least_one_route():
    stages = {entry["stage"] for route in CONTENT.routes.values() for entry in route["stages"]}
    assert stages == {"ks3", "gcse", "post16", "undergraduate", "graduate", "nhs-staff", "career-changer"}


def test_foundation_routes_exist_for_every_apprenticeship_level():
    levels = {r["level"] for r in CONTENT.routes.values() if r["kind"] == "apprenticeship"}
    assert {2, 3, 4, 6, 7} <= levels


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, copy)
    return copy


def _problems_for(root: Path) -> list[str]:
    return [str(p) for p in validate(read_content(root))]


def test_validation_names_the_file_and_key_of_a_schema_error(content_copy: Path):
    path = content_copy / "service-areas" / "audiology.md"
    path.write_text(path.read_text().replace("patient_contact: lots", "patient_contact: loads"))
    problems = _problems_for(content_copy)
    assert any(p.startswith("audiology.md: patient_contact:") for p in problems), problems


def test_validation_reports_a_broken_cross_reference(content_copy: Path):
    path = content_copy / "service-areas" / "audiology.md"
    path.write_text(path.read_text().replace("  - neurophysiology\n", "  - no-such-area\n", 1))
    assert "audiology.md: related: unknown service area 'no-such-area'" in _problems_for(content_copy)


def test_validation_reports_a_file_name_that_differs_from_its_slug(content_copy: Path):
    source = content_copy / "service-areas" / "audiology.md"
    source.rename(content_copy / "service-areas" / "audiology-copy.md")
    problems = _problems_for(content_copy)
    assert "audiology-copy.md: slug: 'audiology' does not match the file name" in problems
    assert "taxonomy.yaml: audiology: has no profile file" in problems


def test_validation_reports_unparseable_yaml_without_stopping(content_copy: Path):
    (content_copy / "entry-routes" / "broken.yaml").write_text("slug: [unclosed\n")
    problems = _problems_for(content_copy)
    assert any(p.startswith("broken.yaml: (file): not valid YAML") for p in problems)
