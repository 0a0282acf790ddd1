"""Lesson starter pages for teachers, and the printable profile sheet."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import urlencode

import pytest
import yaml

from portal.content.files import CONTENT_DIR
from portal.content.lesson_starters import LESSON_STARTERS_FILE, read_lesson_starters
from portal.services.service_areas import slugify

STARTERS = read_lesson_starters(CONTENT_DIR).starters
BY_DIVISION = {starter.division: starter for starter in STARTERS}
LIST = "/schools/lesson-starters"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
PRINT_SOURCE = PROJECT_ROOT / "static" / "scss" / "print.scss"
PRINT_BUILT = PROJECT_ROOT / "static" / "build" / "print.css"
HOSTILE_STAGES = [
    "<script>alert(1)</script>",
    "graduate",
    "Ks3",
    "ks3' OR '1'='1",
    "a" * 5_000,
]


def _titles(page) -> list[str]:
    return [heading.get_text(" ", strip=True) for heading in page.select(".nhsuk-card__heading")]


def test_the_list_shows_every_starter_under_its_division(get_page):
    page = get_page(LIST)
    assert page.h1 == "Lesson starters about healthcare science"
    assert _titles(page) == [starter.title for starter in STARTERS]
    assert "All 4 lesson starters." in page.text
    for starter in STARTERS:
        heading = page.soup.find("h2", id=slugify(starter.division))
        assert heading.get_text(strip=True) == starter.division
        assert f"{LIST}/{slugify(starter.division)}" in page.links()
    assert "Suits KS3, KS4 · 15 minutes · Gatsby Benchmarks 2, 4, 6" in page.text
    assert "/schools/for-teachers" in page.links()


@pytest.mark.parametrize(
    ("stage", "divisions"),
    [
        ("ks3", ["Life sciences", "Physiological sciences", "Clinical bioinformatics and data science"]),
        ("gcse", list(BY_DIVISION)),
        (
            "post16",
            ["Physical sciences and biomedical engineering", "Clinical bioinformatics and data science"],
        ),
    ],
)
def test_the_list_filters_by_key_stage(get_page, stage, divisions):
    page = get_page(f"{LIST}?stage={stage}")
    assert _titles(page) == [BY_DIVISION[division].title for division in divisions]
    assert f"{len(divisions)} of 4 lesson starters suit" in page.text
    assert page.select(f"select#stage option[value='{stage}'][selected]")
    assert LIST in page.links()


@pytest.mark.parametrize("stage", HOSTILE_STAGES)
def test_an_unknown_stage_is_ignored_safely_and_never_echoed(client, get_page, stage):
    page = get_page(f"{LIST}?{urlencode({'stage': stage})}")
    assert _titles(page) == [starter.title for starter in STARTERS]
    assert "We do not know that key stage, so here are all the lesson starters." in page.text
    assert stage not in page.response.get_data(as_text=True)
    assert not page.select("select#stage option[selected]:not([value=''])")


def test_a_stage_holding_a_nul_character_is_refused_like_any_other_input(client):
    response = client.get(f"{LIST}?stage=ks3%00")
    assert response.status_code == 400


def test_an_empty_stage_shows_everything_without_a_warning(get_page):
    page = get_page(f"{LIST}?stage=")
    assert len(_titles(page)) == 4
    assert "We do not know that key stage" not in page.text


@pytest.mark.parametrize("starter", STARTERS, ids=lambda s: s.division)
def test_each_starter_page_gives_a_teacher_everything_to_run_it(get_page, starter):
    page = get_page(f"{LIST}/{slugify(starter.division)}")
    assert page.h1 == starter.title
    assert f"About {starter.minutes} minutes" in page.text
    items = [item.get_text(" ", strip=True) for item in page.select("#steps + ol > li")]
    assert items == list(starter.steps)
    questions = [item.get_text(" ", strip=True) for item in page.select("#questions + ol > li")]
    assert questions == list(starter.questions)
    for text in starter.cards:
        assert text in page.text
    for link in starter.benchmarks:
        assert f"Benchmark {link.number}: {link.name}. {link.how}" in page.text
    assert "Print this lesson starter" in page.text
    assert "/schools/for-teachers" in page.links()
    assert LIST in page.links()


@pytest.mark.parametrize("starter", STARTERS, ids=lambda s: s.division)
def test_each_starter_links_to_every_profile_it_draws_on_with_its_full_address(get_page, starter):
    page = get_page(f"{LIST}/{slugify(starter.division)}")
    links = page.select("#profiles ~ ul a[data-print-url]")
    assert [a["href"] for a in links] == [f"/service-areas/{slug}" for slug in starter.service_areas]
    assert [a["data-print-url"] for a in links] == [
        f"http://localhost/service-areas/{slug}" for slug in starter.service_areas
    ]
    assert all(a.get_text(strip=True) for a in links)


def test_the_starter_page_says_what_a_starter_does_not_do(get_page):
    page = get_page(f"{LIST}/physiological-sciences")
    assert "on its own it does not meet them" in page.text
    assert "KS3 science: The gas exchange system" in page.text
    printed_from = page.select("p.app-print-only[hidden]")
    assert (
        printed_from[0]
        .get_text(strip=True)
        .endswith("http://localhost/schools/lesson-starters/physiological-sciences")
    )


@pytest.mark.parametrize(
    "division",
    ["astrology", "Life sciences", "LIFE-SCIENCES", "life-sciences-", "life_sciences", "%3Cscript%3E"],
)
def test_an_unknown_division_is_not_found(client, division):
    response = client.get(f"{LIST}/{division}")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_the_pages_are_public_and_the_same_for_everyone(client):
    for path in (LIST, f"{LIST}?stage=ks3", f"{LIST}/life-sciences"):
        response = client.get(path)
        assert response.status_code == 200, path
        # Nothing in the session, so the page cache may keep and share it.
        assert "Set-Cookie" not in response.headers, path


def test_the_file_is_read_once_for_the_life_of_the_app(app, client):
    client.get(LIST)
    first = app.extensions["lesson_starters"]
    client.get(f"{LIST}/life-sciences")
    assert app.extensions["lesson_starters"] is first


def test_content_validate_names_a_lesson_starter_problem(app, tmp_path: Path):
    copy = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, copy)
    path = copy / LESSON_STARTERS_FILE
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["lesson_starters"][3]["service_areas"][0] = "no-such-area"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    app.config["CONTENT_DIR"] = copy
    try:
        result = app.test_cli_runner().invoke(args=["content", "validate"])
    finally:
        app.config["CONTENT_DIR"] = CONTENT_DIR
    assert result.exit_code == 1
    assert "lesson-starters.yaml: lesson_starters.3.service_areas: unknown service area 'no-such-area'" in (
        result.output
    )


def test_a_profile_page_offers_a_printable_sheet(get_page):
    page = get_page("/service-areas/audiology")
    hint = page.select("p.app-print-hint.app-no-print")
    assert "Print this page for a one- or two-page profile sheet" in hint[0].get_text(" ", strip=True)
    printed_from = page.select("p.app-print-only[hidden]")
    assert printed_from[0].get_text(strip=True).endswith("http://localhost/service-areas/audiology")


def _print_rules() -> dict[str, str]:
    """Each selector in the built print stylesheet, with the declarations it carries."""
    css = PRINT_BUILT.read_text(encoding="utf-8")
    rules: dict[str, str] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        for selector in selectors.split(","):
            rules[selector.strip()] = rules.get(selector.strip(), "") + body + ";"
    return rules


def test_the_built_print_stylesheet_is_up_to_date():
    assert PRINT_BUILT.exists(), "static/build/print.css is missing: run make setup"
    assert PRINT_BUILT.stat().st_mtime >= PRINT_SOURCE.stat().st_mtime, "print.css is stale: run make setup"


@pytest.mark.parametrize(
    "selector",
    ["nav", "header", "footer", "form", "button", ".nhsuk-header", ".nhsuk-breadcrumb", ".app-no-print"],
)
def test_the_print_stylesheet_hides_navigation_forms_and_buttons(selector):
    assert "display:none !important" in _print_rules()[selector]


def test_the_print_stylesheet_writes_out_only_key_links_and_keeps_sections_whole():
    rules = _print_rules()
    assert "content:none !important" in rules["a::after"]
    assert 'content:" (" attr(data-print-url) ")"' in rules["a[data-print-url]::after"]
    assert "display:block !important" in rules[".app-print-only[hidden]"]
    assert "break-inside:avoid" in rules[".app-lesson-section"]
    assert "break-after:avoid" in rules["h2"]
