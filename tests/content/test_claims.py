"""The validator refuses the kinds of doubtful claim a fact check found in the profiles."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from portal.content.files import CONTENT_DIR, read_content
from portal.content.validation import HSST_CONFIRMED, validate

CONTENT = read_content(CONTENT_DIR)


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, copy)
    return copy


def _edit(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text()
    assert old in text, f"{relative} no longer contains {old!r}"
    path.write_text(text.replace(old, new, 1))


def _problems_for(root: Path) -> list[str]:
    return [str(p) for p in validate(read_content(root))]


def _pay_row(slug: str, role: str) -> tuple[int, dict]:
    rows = CONTENT.profiles[slug]["pay_bands"]
    return next((i, row) for i, row in enumerate(rows) if row["role"] == role)


def test_every_biomedical_scientist_pay_row_in_the_real_content_is_hedged():
    rows = [
        row
        for profile in CONTENT.profiles.values()
        for row in profile["pay_bands"]
        if "biomedical scientist" in row["role"].lower()
    ]
    assert len(rows) >= 80
    assert all(row.get("uncertain") is True and "not confirmed" in row["note"] for row in rows)


def test_a_biomedical_scientist_pay_row_without_the_hedge_is_refused(content_copy: Path):
    index, row = _pay_row("cervical-cytology", "Biomedical scientist")
    _edit(
        content_copy,
        "service-areas/cervical-cytology.md",
        f"    uncertain: true\n    note: {row['note']}\n",
        "",
    )
    problems = _problems_for(content_copy)
    assert any(
        p.startswith(
            f"cervical-cytology.md: pay_bands.{index}: 'Biomedical scientist': biomedical scientist bands"
        )
        and "set uncertain: true" in p
        for p in problems
    ), problems


def test_a_biomedical_scientist_note_that_does_not_hedge_is_refused(content_copy: Path):
    index, row = _pay_row("haematology", "Biomedical scientist")
    _edit(
        content_copy,
        "service-areas/haematology.md",
        f"    note: {row['note']}\n",
        "    note: Newly registered biomedical scientists start on Band 5.\n",
    )
    problems = _problems_for(content_copy)
    assert any(
        p.startswith(f"haematology.md: pay_bands.{index}:") and "not confirmed" in p for p in problems
    ), problems


def test_an_uncertain_pay_row_needs_a_note(content_copy: Path):
    index, row = _pay_row("ocular-prosthetics", "Ocularist")
    _edit(content_copy, "service-areas/ocular-prosthetics.md", f"    note: {row['note']}\n", "")
    problems = _problems_for(content_copy)
    assert f"ocular-prosthetics.md: pay_bands.{index}: 'note' is a dependency of 'uncertain'" in problems


def test_a_pay_range_that_runs_backwards_is_refused(content_copy: Path):
    _edit(content_copy, "service-areas/audiology.md", "bands: 2 to 3", "bands: 3 to 2")
    problems = _problems_for(content_copy)
    assert "audiology.md: pay_bands.0: '3 to 2' must run from the lower band to the higher one" in problems


def test_a_band_agenda_for_change_does_not_have_is_refused(content_copy: Path):
    _edit(
        content_copy,
        "service-areas/audiology.md",
        "## Where it can lead\n",
        "## Where it can lead\n\nAssistants start on Band 1.\n",
    )
    problems = _problems_for(content_copy)
    assert (
        "audiology.md: (text): 'Band 1' is not an open Agenda for Change band (2 to 9, 8a to 8d)" in problems
    )


def test_a_hedge_hidden_in_a_role_name_is_refused(content_copy: Path):
    index, _ = _pay_row("maxillofacial-dental-laboratory", "Dental technician")
    _edit(
        content_copy,
        "service-areas/maxillofacial-dental-laboratory.md",
        "role: Dental technician\n",
        "role: Dental technician (bands vary by employer)\n",
    )
    problems = _problems_for(content_copy)
    assert (
        f"maxillofacial-dental-laboratory.md: pay_bands.{index}: "
        "put the hedge in 'note', not in the role name" in problems
    )


def test_hsst_offered_for_an_unconfirmed_specialty_must_be_hedged(content_copy: Path):
    assert "rehabilitation-engineering" not in HSST_CONFIRMED
    note = next(
        e["note"]
        for e in CONTENT.profiles["rehabilitation-engineering"]["entry_routes"]
        if e["route"] == "higher-specialist-scientist-training"
    )
    _edit(
        content_copy,
        "service-areas/rehabilitation-engineering.md",
        note,
        "For clinical scientists who want to lead rehabilitation engineering services as consultants.",
    )
    problems = _problems_for(content_copy)
    assert any(
        p.startswith("rehabilitation-engineering.md: entry_routes.")
        and "HSST is not confirmed for this area" in p
        for p in problems
    ), problems


def test_hsst_for_a_confirmed_specialty_needs_no_hedge():
    note = next(
        e["note"]
        for e in CONTENT.profiles["clinical-biochemistry"]["entry_routes"]
        if e["route"] == "higher-specialist-scientist-training"
    )
    assert "not confirmed" not in note
    assert not [p for p in validate(CONTENT) if p.file == "clinical-biochemistry.md" and "HSST" in p.message]


def test_research_experience_offered_as_a_route_to_equivalence_is_refused(content_copy: Path):
    note = next(
        e["note"]
        for e in CONTENT.profiles["mycobacteriology-reference"]["entry_routes"]
        if e["route"] == "equivalence"
    )
    _edit(
        content_copy,
        "service-areas/mycobacteriology-reference.md",
        note,
        "Scientists with research experience in TB or genomics can seek HCPC registration "
        "through IBMS or AHCS equivalence.",
    )
    problems = _problems_for(content_copy)
    assert any(
        p.startswith("mycobacteriology-reference.md: entry_routes.")
        and p.endswith("research experience alone is not a route to registration by equivalence")
        for p in problems
    ), problems


def test_ahcs_clinical_scientist_equivalence_must_say_it_needs_work_at_that_level(content_copy: Path):
    note = next(
        e["note"] for e in CONTENT.profiles["vascular-science"]["entry_routes"] if e["route"] == "equivalence"
    )
    _edit(
        content_copy,
        "service-areas/vascular-science.md",
        note,
        "Vascular staff can apply to the AHCS for STP equivalence, "
        "leading to clinical scientist registration.",
    )
    problems = _problems_for(content_copy)
    assert any(
        p.startswith("vascular-science.md: entry_routes.") and "clinical scientist level" in p
        for p in problems
    ), problems


def test_a_misspelt_body_name_in_a_route_file_is_refused(content_copy: Path):
    _edit(
        content_copy,
        "entry-routes/clinical-technologist-training.yaml",
        "Institute of Healthcare Engineering and Estate Management",
        "Institute of Healthcare Engineering and Estates Management",
    )
    problems = _problems_for(content_copy)
    assert any(
        p.startswith(
            "clinical-technologist-training.yaml: (text): 'Institute of Healthcare Engineering and Estates"
        )
        and "write 'Institute of Healthcare Engineering and Estate Management'" in p
        for p in problems
    ), problems


def test_a_misspelt_body_name_in_a_profile_is_refused(content_copy: Path):
    _edit(
        content_copy,
        "service-areas/histopathology-reporting.md",
        "Royal College of Pathologists",
        "Royal College of Pathology",
    )
    problems = _problems_for(content_copy)
    assert any(
        p.startswith("histopathology-reporting.md: (text): 'Royal College of Pathology") for p in problems
    ), problems


def test_the_real_content_spells_every_body_in_full_where_it_names_one():
    text = " ".join(" ".join(str(v) for v in p.values()) for p in CONTENT.profiles.values())
    assert "Estates Management" not in text
    assert re.search(r"Royal College of Pathologists", text)


def test_a_misspelt_body_name_in_the_abbreviations_is_refused(content_copy: Path):
    _edit(
        content_copy,
        "abbreviations.yaml",
        "Institute of Healthcare Engineering and Estate Management",
        "Institute of Healthcare Engineering & Estate Management",
    )
    problems = _problems_for(content_copy)
    assert any(
        p.startswith("abbreviations.yaml: (text): 'Institute of Healthcare Engineering &") for p in problems
    ), problems


def test_a_progression_paragraph_that_opens_with_the_old_boilerplate_is_refused(content_copy: Path):
    path = content_copy / "service-areas" / "laser-protection.md"
    path.write_text(path.read_text() + "\nWith experience you can lead a service.\n")
    problems = _problems_for(content_copy)
    assert (
        "laser-protection.md: body: a paragraph opens with 'With experience'; "
        "name the next roles and bands instead" in problems
    )


def test_an_abbreviation_without_its_plain_explanation_is_refused(content_copy: Path):
    _edit(
        content_copy,
        "abbreviations.yaml",
        "    plain: the UK regulator that keeps the register for protected titles such as clinical"
        " scientist\n",
        "",
    )
    problems = _problems_for(content_copy)
    assert any(p.startswith("abbreviations.yaml: abbreviations.HCPC") and "plain" in p for p in problems), (
        problems
    )
