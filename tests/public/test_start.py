"""The stage pages: what to do now and this year, the routes open, and live opportunities."""

from __future__ import annotations

import re

import pytest

from portal.content.files import CONTENT_DIR, read_content
from portal.public.start import ADVICE
from portal.services.entry_routes import STAGES, plan_for_stage
from portal.services.opportunity_filters import SearchFilters
from portal.services.opportunity_search import search_live_opportunities
from portal.services.service_areas import get_service_area
from tests.factories import make_opportunity

CONTENT = read_content(CONTENT_DIR)
YOUNG_STAGES = ("ks3", "gcse", "post16")
# Where a school student can really begin: a taste of the work, a course, an apprenticeship or a degree.
FIRST_STEP_KINDS = {"experience", "school-qualification", "apprenticeship", "degree"}


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _says(said: str, text: str) -> bool:
    """Whether ``said`` holds every word of ``text`` in order: pages may spell out an abbreviation."""
    remaining = iter(_words(said))
    return all(word in remaining for word in _words(text))


def _routes_for(stage: str) -> list[dict]:
    return [r for r in CONTENT.routes.values() if any(e["stage"] == stage for e in r["stages"])]


def _advice(route: dict, stage: str) -> dict:
    return next(entry for entry in route["stages"] if entry["stage"] == stage)


def test_every_stage_has_a_page_and_nothing_else_does():
    assert set(ADVICE) == set(STAGES)


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_page_says_what_to_do_now_and_this_year(get_page, stage):
    page = get_page(f"/start/{stage}")
    assert page.h1 == ADVICE[stage].heading
    assert page.soup.find("h2", string="This month") and page.soup.find("h2", string="This year")
    month = page.soup.find("h2", string="This month").find_next("ul").find_all("li")
    assert 2 <= len(month) <= 4
    year = page.soup.find("h2", string="This year").find_next("ul").get_text(" ")
    for item, said in zip(ADVICE[stage].this_month, month, strict=True):
        assert _says(said.get_text(" "), item)
    for item in ADVICE[stage].this_year:
        assert _says(year, item)


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_page_names_its_routes_with_their_requirements(get_page, stage):
    page = get_page(f"/start/{stage}")
    items = {
        item.find("a")["href"].rsplit("/", 1)[-1]: item.get_text(" ")
        for item in page.select("#ways-in ~ ol .app-route-steps__item")
    }
    assert set(items) == {route["slug"] for route in _routes_for(stage)}
    for route in _routes_for(stage):
        said = items[route["slug"]]
        assert _says(said, route["name"])
        assert _says(said, "Next step: " + _advice(route, stage)["next_step"])
        assert _says(said, "When to apply: " + route["when_to_apply"])
        for requirement in route["entry_requirements"]:
            assert _says(said, requirement)


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_page_orders_its_routes_by_fit(get_page, stage):
    page = get_page(f"/start/{stage}")
    slugs = [a["href"].rsplit("/", 1)[-1] for a in page.select(".app-route-steps__item h4 a")]
    fits = [_advice(CONTENT.routes[slug], stage)["fit"] for slug in slugs]
    assert fits == sorted(fits)


@pytest.mark.parametrize("stage", YOUNG_STAGES)
def test_a_school_students_first_route_is_a_real_first_step(get_page, stage):
    page = get_page(f"/start/{stage}")
    first = page.select(".app-route-steps__item h4 a")[0]["href"].rsplit("/", 1)[-1]
    route = CONTENT.routes[first]
    assert first != "support-role-in-service-training"
    assert route["kind"] in FIRST_STEP_KINDS
    assert _advice(route, stage)["fit"] == 1


def test_a_stage_page_links_to_live_opportunities_for_that_stage_with_a_count(get_page, db_session):
    make_opportunity(type="work-experience", stages=["gcse"], title="Hospital lab taster week")
    make_opportunity(type="work-experience", stages=["graduate"], title="Graduate lab visit")
    expected = search_live_opportunities(SearchFilters(stage="gcse")).count
    page = get_page("/start/gcse")
    assert "Hospital lab taster week" in page.text
    assert "Graduate lab visit" not in page.text
    noun = "opportunity" if expected == 1 else "opportunities"
    assert f"See all {expected} {noun} for your stage" in page.text
    assert "/opportunities/?stage=gcse" in page.links()


def test_a_stage_with_no_live_opportunities_says_so(get_page, db_session):
    assert search_live_opportunities(SearchFilters(stage="nhs-staff")).count == 0
    page = get_page("/start/nhs-staff")
    assert "There are no live opportunities for your stage just now." in page.text
    assert "/opportunities/?stage=nhs-staff" in page.links()


@pytest.mark.parametrize("stage", STAGES)
def test_a_stage_page_points_to_find_your_fit_with_its_stage(get_page, stage):
    page = get_page(f"/start/{stage}")
    assert f"/find-your-fit?stage={stage}" in page.links()
    tools = page.select(".app-profile-aside li")[0].get_text(" ")
    assert _says(tools, f'Find your fit: choose "{CONTENT.vocabulary["stages"][stage]}" as your stage')


def test_the_index_lists_every_stage(get_page):
    page = get_page("/start/")
    assert page.h1 == "What to do next"
    for stage in STAGES:
        assert f"/start/{stage}" in page.links()
        assert ADVICE[stage].heading in page.text


def test_an_unknown_stage_is_a_styled_404(get_page):
    missing = get_page("/start/year-12", status=404)
    assert missing.h1 == "Page not found"


def test_the_sitemap_lists_the_stage_pages(client):
    xml = client.get("/sitemap.xml").get_data(as_text=True)
    assert "/start/</loc>" in xml
    for stage in STAGES:
        assert f"/start/{stage}</loc>" in xml


def test_a_profile_with_a_stage_shows_what_each_way_in_needs(get_page):
    page = get_page("/service-areas/audiology?stage=gcse")
    plan = plan_for_stage(get_service_area("audiology"), "gcse")
    steps = page.select("#ways-in ~ .app-route-steps .app-route-steps__item")
    assert len(steps) == len(plan) > 0
    for step, item in zip(steps, plan, strict=True):
        said = step.get_text(" ")
        assert _says(said, item.route.name)
        assert "What you usually need to start:" in said
        for requirement in item.route.field("entry_requirements"):
            assert _says(said, requirement)
        assert _says(said, "When to apply: " + item.route.route["when_to_apply"])


def test_a_profile_without_a_stage_keeps_the_plain_list(get_page):
    page = get_page("/service-areas/audiology")
    assert not page.select(".app-route-steps")
    assert "What you usually need to start:" not in page.text


def test_a_route_that_comes_first_for_a_reason_says_why(get_page):
    reason = _advice(CONTENT.routes["support-role-in-service-training"], "post16")["fit_reason"]
    profile = get_page("/service-areas/clinical-embryology?stage=post16")
    first = profile.select("#ways-in ~ .app-route-steps .app-route-steps__item")[0].get_text(" ")
    assert _says(first, "Start in a support role and train on the job")
    assert _says(first, "Why this is suggested: " + reason)
    stage_page = get_page("/start/post16")
    assert _says(stage_page.text, "Why this is suggested: " + reason)
