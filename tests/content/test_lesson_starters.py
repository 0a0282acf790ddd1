"""The lesson starters file: its schema, one starter per division, real service areas, honest claims."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from portal.content.files import CONTENT_DIR, read_content, read_schema
from portal.content.lesson_starters import (
    LESSON_STARTERS_FILE,
    LessonStartersError,
    lesson_starter_problems,
    read_lesson_starters,
)
from portal.content.validation import validate

CONTENT = read_content(CONTENT_DIR)
RAW = yaml.safe_load((CONTENT_DIR / LESSON_STARTERS_FILE).read_text(encoding="utf-8"))
STARTERS = read_lesson_starters(CONTENT_DIR)
DIVISIONS = list(dict.fromkeys(row["division"] for row in CONTENT.taxonomy))
# A classroom starter can honestly help with these; the others need a programme, a visit or an adviser.
BENCHMARKS_A_STARTER_CAN_SUPPORT = {2, 4, 5, 6}


def test_the_real_lesson_starters_have_no_problems():
    assert lesson_starter_problems(CONTENT_DIR) == []


def test_the_schema_is_itself_valid_and_the_file_passes_it():
    schema = read_schema("lesson-starters")
    Draft202012Validator.check_schema(schema)
    errors = [error.message for error in Draft202012Validator(schema).iter_errors(RAW)]
    assert errors == []


def test_every_division_in_the_taxonomy_has_exactly_one_starter_in_taxonomy_order():
    assert [starter.division for starter in STARTERS.starters] == DIVISIONS
    assert len(DIVISIONS) == 4


def test_every_service_area_a_starter_draws_on_has_a_profile():
    for starter in STARTERS.starters:
        unknown = [slug for slug in starter.service_areas if slug not in CONTENT.profiles]
        assert unknown == [], starter.division
        assert 3 <= len(starter.service_areas) <= 6


@pytest.mark.parametrize("starter", STARTERS.starters, ids=lambda s: s.division)
def test_each_starter_is_short_enough_for_the_start_of_a_lesson(starter):
    assert 10 <= starter.minutes <= 20
    assert 3 <= len(starter.steps) <= 6
    assert 3 <= len(starter.questions) <= 5
    assert starter.you_need
    assert all(question.endswith("?") for question in starter.questions)


@pytest.mark.parametrize("starter", STARTERS.starters, ids=lambda s: s.division)
def test_each_starter_claims_only_benchmarks_a_starter_can_support(starter):
    numbers = {link.number for link in starter.benchmarks}
    assert numbers <= BENCHMARKS_A_STARTER_CAN_SUPPORT
    assert {2, 4} <= numbers
    for link in starter.benchmarks:
        assert link.how.count(". ") == 0 and link.how.endswith("."), "one sentence on how"


def test_the_benchmark_names_are_the_eight_of_good_career_guidance():
    names = {b["number"]: b["name"] for b in RAW["gatsby_benchmarks"]}
    assert names[2] == "Learning from career and labour market information"
    assert names[4] == "Linking curriculum learning to careers"
    assert names[5] == "Encounters with employers and employees"
    assert names[6] == "Experiences of workplaces"
    assert sorted(names) == list(range(1, 9))


def test_every_school_stage_has_a_starter_and_no_starter_names_another_stage():
    codes = [stage.code for stage in STARTERS.stages]
    assert codes == ["ks3", "gcse", "post16"]
    for code in codes:
        assert STARTERS.for_stage(code), code
    assert STARTERS.stage("graduate") is None
    assert STARTERS.for_stage("graduate") == []


def test_no_starter_quotes_a_figure_the_profiles_do_not_give():
    # Pay and percentages change and need a source: starters send pupils to the profiles instead.
    for starter in STARTERS.starters:
        text = " ".join(
            (starter.summary, *starter.steps, *starter.questions, *starter.cards, *starter.answers)
        )
        assert "£" not in text and "%" not in text, starter.division


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, copy)
    return copy


def _edit(root: Path, change) -> None:
    path = root / LESSON_STARTERS_FILE
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def _problems(root: Path) -> list[str]:
    return [str(problem) for problem in validate(read_content(root))]


def test_content_validation_reports_an_unknown_service_area(content_copy: Path):
    _edit(content_copy, lambda data: data["lesson_starters"][0]["service_areas"].append("no-such-area"))
    expected = "lesson-starters.yaml: lesson_starters.0.service_areas: unknown service area 'no-such-area'"
    assert expected in _problems(content_copy)


def test_content_validation_reports_a_division_with_no_starter(content_copy: Path):
    _edit(content_copy, lambda data: data["lesson_starters"].pop())
    expected = (
        "lesson-starters.yaml: lesson_starters: no starter for the division "
        "'Clinical bioinformatics and data science'"
    )
    assert expected in _problems(content_copy)


def test_content_validation_reports_a_division_covered_twice(content_copy: Path):
    _edit(content_copy, lambda data: data["lesson_starters"].append(dict(data["lesson_starters"][0])))
    assert "lesson-starters.yaml: lesson_starters: more than one starter for 'Life sciences'" in _problems(
        content_copy
    )


def test_an_invented_division_is_refused_by_the_schema(content_copy: Path):
    _edit(content_copy, lambda data: data["lesson_starters"][0].update(division="Astrology"))
    assert any(
        p.startswith("lesson-starters.yaml: lesson_starters.0.division:") for p in _problems(content_copy)
    )


def test_a_division_the_taxonomy_no_longer_has_is_reported():
    without_bioinformatics = [
        row for row in CONTENT.taxonomy if row["division"] != "Clinical bioinformatics and data science"
    ]
    problems = lesson_starter_problems(CONTENT_DIR, without_bioinformatics)
    assert (
        "lesson_starters",
        "'Clinical bioinformatics and data science' is not a division in taxonomy.yaml",
    ) in problems


def test_a_starter_longer_than_20_minutes_is_refused(content_copy: Path):
    _edit(content_copy, lambda data: data["lesson_starters"][1].update(minutes=45))
    assert any(
        p.startswith("lesson-starters.yaml: lesson_starters.1.minutes:") for p in _problems(content_copy)
    )


def test_a_benchmark_listed_twice_is_reported(content_copy: Path):
    def repeat(data):
        data["lesson_starters"][2]["gatsby"].append(dict(data["lesson_starters"][2]["gatsby"][0]))

    _edit(content_copy, repeat)
    assert "lesson-starters.yaml: lesson_starters.2.gatsby: lists a benchmark twice" in _problems(
        content_copy
    )


def test_a_missing_file_is_reported_and_the_reader_refuses(content_copy: Path):
    (content_copy / LESSON_STARTERS_FILE).unlink()
    assert any(p.startswith("lesson-starters.yaml: (file): missing") for p in _problems(content_copy))
    with pytest.raises(LessonStartersError, match="missing"):
        read_lesson_starters(content_copy)


def test_unparseable_yaml_is_reported_without_stopping_the_other_checks(content_copy: Path):
    (content_copy / LESSON_STARTERS_FILE).write_text("lesson_starters: [unclosed\n", encoding="utf-8")
    problems = _problems(content_copy)
    assert any(p.startswith("lesson-starters.yaml: (file): not valid YAML") for p in problems)
    assert not [p for p in problems if not p.startswith("lesson-starters.yaml")]
