"""content/pay-scales.yaml: it passes its schema and rules, and a broken copy is refused clearly."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from portal.content.files import CONTENT_DIR, read_content, read_reference, read_schema
from portal.content.pay import PAY_SCALES_FILE
from portal.content.pay_checks import pay_problems
from portal.content.validation import validate

CONTENT = read_content(CONTENT_DIR)
RAW = yaml.safe_load((CONTENT_DIR / PAY_SCALES_FILE).read_text(encoding="utf-8"))


def test_the_real_pay_table_and_the_bands_content_uses_have_no_problems():
    assert pay_problems(CONTENT) == []


def test_the_schema_is_itself_valid_and_the_file_passes_it():
    schema = read_schema("pay-scales")
    Draft202012Validator.check_schema(schema)
    assert [error.message for error in Draft202012Validator(schema).iter_errors(RAW)] == []


def test_the_table_is_england_2025_26_from_1_april_2025_with_its_source_listed():
    scales = read_reference(CONTENT_DIR).pay_scales
    assert (scales.year, scales.nation, scales.applies_from_text) == ("2025/26", "England", "1 April 2025")
    assert scales.hours_per_week == 37.5
    assert scales.source in CONTENT.sources
    assert [band.band for band in scales.bands] == ["2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9"]


def test_band_5_has_the_published_entry_middle_and_top_points():
    band = read_reference(CONTENT_DIR).pay_scales.band("5")
    assert (band.entry, band.middle, band.top) == (31049, 33487, 37796)


def test_every_band_a_profile_lists_is_in_the_table():
    known = {row["band"] for row in RAW["bands"]}
    used = set()
    for profile in CONTENT.profiles.values():
        for row in profile["pay_bands"]:
            used |= set(re.split(r" (?:to|or) ", row["bands"]))
    assert used and used <= known


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, copy)
    return copy


def _rewrite_table(root: Path, change) -> None:
    path = root / PAY_SCALES_FILE
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def _problems_for(root: Path) -> list[str]:
    return [str(problem) for problem in validate(read_content(root))]


def test_a_band_a_profile_uses_but_the_table_lacks_is_refused(content_copy: Path):
    _rewrite_table(
        content_copy, lambda data: data.update(bands=[b for b in data["bands"] if b["band"] != "4"])
    )
    profile = next(
        slug for slug, p in CONTENT.profiles.items() if any(r["bands"] == "4" for r in p["pay_bands"])
    )
    index = [r["bands"] for r in CONTENT.profiles[profile]["pay_bands"]].index("4")
    problems = _problems_for(content_copy)
    assert f"{profile}.md: pay_bands.{index}.bands: band 4 is not in pay-scales.yaml" in problems


def test_a_band_a_route_mentions_but_the_table_lacks_is_refused(content_copy: Path):
    _rewrite_table(
        content_copy, lambda data: data.update(bands=[b for b in data["bands"] if b["band"] != "2"])
    )
    problems = _problems_for(content_copy)
    assert (
        "support-role-in-service-training.yaml: pay_while_training: band 2 is not in pay-scales.yaml"
        in problems
    )


def test_an_entry_point_above_the_top_is_refused(content_copy: Path):
    def raise_entry(data):
        data["bands"][3]["entry"] = 40000

    _rewrite_table(content_copy, raise_entry)
    assert "pay-scales.yaml: bands.3: band 5: entry must not be above middle or top" in _problems_for(
        content_copy
    )


def test_a_missing_year_is_refused(content_copy: Path):
    _rewrite_table(content_copy, lambda data: data.pop("year"))
    assert "pay-scales.yaml: (top level): 'year' is a required property" in _problems_for(content_copy)


def test_a_year_that_does_not_match_its_start_date_is_refused(content_copy: Path):
    _rewrite_table(content_copy, lambda data: data.update(year="2026/27"))
    problems = _problems_for(content_copy)
    assert "pay-scales.yaml: year: '2026/27' does not match applies_from: expected '2025/26'" in problems


def test_pence_are_refused(content_copy: Path):
    def add_pence(data):
        data["bands"][0]["top"] = 24465.5

    _rewrite_table(content_copy, add_pence)
    assert any(p.startswith("pay-scales.yaml: bands.0.top:") for p in _problems_for(content_copy))


def test_bands_out_of_order_are_refused(content_copy: Path):
    def swap(data):
        data["bands"][0], data["bands"][1] = data["bands"][1], data["bands"][0]

    _rewrite_table(content_copy, swap)
    assert "pay-scales.yaml: bands.1: band 2 starts below band 3: list lowest first" in _problems_for(
        content_copy
    )


def test_an_unknown_source_code_is_refused(content_copy: Path):
    _rewrite_table(content_copy, lambda data: data.update(source="NO-SUCH-SOURCE"))
    assert "pay-scales.yaml: source: unknown source code 'NO-SUCH-SOURCE'" in _problems_for(content_copy)


def test_a_missing_table_is_refused(content_copy: Path):
    (content_copy / PAY_SCALES_FILE).unlink()
    problems = _problems_for(content_copy)
    assert "pay-scales.yaml: (file): missing: the pay table must be in content/" in problems
