"""Public pages say what they should, for people and for search engines."""

from __future__ import annotations

import json

import pytest

from portal.content.files import CONTENT_DIR, read_content

CONTENT = read_content(CONTENT_DIR)


def test_home_explains_healthcare_science_and_links_to_the_areas(get_page):
    home = get_page("/")
    assert home.h1 == "Find a career in healthcare science"
    assert "What is healthcare science?" in home.text
    assert f"Browse all {len(CONTENT.profiles)} service areas" in home.text
    assert "/service-areas/" in home.links()
    assert home.select("header .nhsuk-header__service-name, header .nhsuk-header__service")
    assert home.select("footer")


def test_home_is_complete_without_javascript(get_page, app):
    home = get_page("/")
    # The only scripts are the NHS.UK js-enabled flag (allowed by its hash) and the module file
    # that enhances components; the page works without either.
    inline = [s for s in home.select("script") if not s.get("src")]
    assert [s.string for s in inline] == [s.string for s in inline if "js-enabled" in s.string]
    module = app.extensions["asset_manifest"]["js/app.js"]  # fingerprinted
    assert [s["src"] for s in home.select("script[src]")] == [f"/static/{module}"]
    assert "Four kinds of healthcare science" in home.text


def test_browse_groups_every_area_by_division_and_theme(get_page):
    browse = get_page("/service-areas/")
    assert f"All {len(CONTENT.profiles)} service areas." in browse.text
    for division in ("Life sciences", "Physiological sciences"):
        assert browse.soup.find("h2", string=division)
    assert len(browse.select("a[href^='/service-areas/']")) >= len(CONTENT.profiles)


def test_browse_search_narrows_the_list(get_page):
    result = get_page("/service-areas/?q=hearing")
    assert result.h1 == "Service areas matching your search"
    names = [a.get_text(strip=True) for a in result.select(".app-area-list a")]
    assert "Audiology" in names
    assert not any("biochemistry" in name.lower() for name in names)


def test_browse_filter_by_division(get_page):
    result = get_page("/service-areas/?division=life-sciences")
    assert "Audiology" not in [a.get_text(strip=True) for a in result.select(".app-area-list a")]


def test_browse_with_nothing_found_says_so(get_page):
    result = get_page("/service-areas/?q=xyzzyplugh")
    assert "No service areas match" in result.text


def test_browse_a_to_z(get_page):
    result = get_page("/service-areas/?view=a-z")
    assert result.select("nav[aria-label='A to Z'] a[href='#letter-A']")


@pytest.mark.parametrize("slug", sorted(CONTENT.profiles))
def test_every_profile_page_shows_its_content(get_page, slug):
    profile = CONTENT.profiles[slug]
    html = get_page(f"/service-areas/{slug}")
    assert html.h1 == profile["name"]
    assert " ".join(profile["summary"].split()) in html.text
    for activity in profile["day_to_day"]:
        assert " ".join(activity.split()) in html.text
    for title in profile["alternative_titles"]:
        assert title in html.text
    assert len(html.select("#you-might-enjoy + ul li")) == len(profile["interests"])
    for interest in profile["interests"]:
        assert interest in html.text
    for entry in profile["entry_routes"]:
        assert f"/entry-routes/{entry['route']}" in html.links()
    data = json.loads(html.select("script[type='application/ld+json']")[0].string)
    assert data["@type"] == "Occupation" and data["name"] == profile["name"]


def test_profile_shows_stage_steps_when_a_stage_is_chosen(get_page):
    html = get_page("/service-areas/audiology?stage=graduate")
    steps = html.select(".app-route-steps__item")
    assert steps
    assert "Next step:" in steps[0].get_text()


def test_profile_links_parent_and_children(get_page):
    html = get_page("/service-areas/audiology")
    assert "/service-areas/paediatric-audiology" in html.links()
    child = get_page("/service-areas/paediatric-audiology")
    assert "/service-areas/audiology" in [a["href"] for a in child.select(".nhsuk-breadcrumb a")]


def test_unknown_profile_is_a_styled_404(get_page):
    missing = get_page("/service-areas/not-a-real-area", status=404)
    assert missing.h1 == "Page not found"


@pytest.mark.parametrize("slug", sorted(CONTENT.routes))
def test_every_entry_route_page_shows_its_facts(get_page, slug):
    route = CONTENT.routes[slug]
    html = get_page(f"/entry-routes/{slug}")
    assert html.h1 == route["name"]
    assert " ".join(route["length"].split()) in html.text
    for entry in route["stages"]:
        assert " ".join(entry["next_step"].split()) in html.text


def test_entry_routes_index_lists_every_route(get_page):
    html = get_page("/entry-routes/")
    for slug in CONTENT.routes:
        assert f"/entry-routes/{slug}" in html.links()


def test_compare_shows_up_to_three_side_by_side(get_page):
    html = get_page("/service-areas/compare?slugs=audiology,neurophysiology,medical-physics,virology")
    headers = [th.get_text(strip=True) for th in html.select("thead th")]
    assert headers == [
        CONTENT.profiles[s]["name"] for s in ("audiology", "neurophysiology", "medical-physics")
    ]
    assert "You can compare up to 3 areas at once." in html.text


def test_compare_reports_unknown_slugs(get_page):
    html = get_page("/service-areas/compare?slugs=audiology,made-up")
    assert "We could not find: made-up." in html.text


def test_sitemap_lists_every_profile(client):
    xml = client.get("/sitemap.xml").get_data(as_text=True)
    for slug in CONTENT.profiles:
        assert f"/service-areas/{slug}</loc>" in xml
