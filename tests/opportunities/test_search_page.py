"""/opportunities/: the search form, its results, pages, and what it says about a bad place."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

from tests.factories import make_opportunity, make_organisation


def test_the_empty_search_lists_every_live_listing_with_its_facts(get_page, around_leeds):
    trust = make_organisation(name="Harrogate Demo Trust", is_demo=True)
    make_opportunity(
        organisation=trust, title="Demo listing", is_demo=True, areas=("audiology", "hearing-therapy")
    )
    page = get_page("/opportunities/")
    assert page.h1 == "Find opportunities"
    assert "5 opportunities found" in page.text
    demo = next(item for item in page.select(".app-opportunity") if "Demo listing" in item.get_text())
    text = " ".join(demo.get_text(" ").split())
    assert "Demonstration listing" in text and "Harrogate Demo Trust" in text
    assert "Placement: Audiology, Hearing therapy" in text and "Leeds" in text
    closes = date.today() + timedelta(days=30)
    assert f"Closes on {closes.day} {closes:%B %Y}" in text
    assert sum("Demonstration listing" in item.get_text() for item in page.select(".app-opportunity")) == 1


def test_the_form_works_without_javascript_and_keeps_what_was_chosen(get_page, around_leeds):
    page = get_page(
        "/opportunities/?q=hearing&type=placement&type=event&near=Leeds&radius_km=50&sort=closing"
    )
    form = page.soup.find("form", class_="app-search-filters")
    assert form["method"] == "get" and form["action"] == "/opportunities/"
    assert page.soup.find("input", id="q")["value"] == "hearing"
    assert page.soup.find("input", id="near")["value"] == "Leeds"
    checked = {box["value"] for box in page.select("input[name=type][checked]")}
    assert checked == {"placement", "event"}
    assert page.soup.find("select", id="radius_km").find("option", selected=True)["value"] == "50"
    assert page.soup.find("select", id="sort").find("option", selected=True)["value"] == "closing"
    assert not [s for s in page.select("script") if not s.get("src")][1:], "no script beyond NHS.UK's flag"


def test_near_leeds_shows_distances_and_online_listings(get_page, around_leeds):
    page = get_page("/opportunities/?near=Leeds&radius_km=25")
    assert "3 opportunities found" in page.text and "within 25 km of Leeds, and online" in page.text
    places = [" ".join(item.get_text(" ").split()) for item in page.select(".app-opportunity")]
    assert "Leeds, less than 1 km away" in places[0]
    assert "Bradford, 13 km away" in places[1]
    assert "Online" in places[2]
    assert not any("York" in text for text in places)


def test_a_misspelt_place_is_explained_with_the_nearest_spellings(get_page, around_leeds):
    page = get_page("/opportunities/?near=Leedz&q=hearing", status=400)
    assert page.title.startswith("Error: ")
    summary = page.soup.find(class_="nhsuk-error-summary")
    assert "“Leedz” was found" in summary.get_text() and summary.find("a")["href"] == "#near"
    assert page.soup.find(class_="nhsuk-error-message")
    choices = {a.get_text(strip=True): a["href"] for a in page.select(".app-place-choices a")}
    assert "Leeds, England" in choices
    query = parse_qs(urlsplit(choices["Leeds, England"]).query)
    assert query == {"near": ["Leeds, England"], "q": ["hearing"]}
    assert "opportunities found" not in page.text


def test_an_ambiguous_place_asks_which_one(get_page):
    page = get_page("/opportunities/?near=Newport", status=400)
    assert "Choose the one you mean" in page.text
    assert "Newport, Wales" in [a.get_text(strip=True) for a in page.select(".app-place-choices a")]


def test_too_long_a_search_is_explained_and_nothing_else_is_lost(get_page, around_leeds):
    page = get_page("/opportunities/?q=" + "a" * 201 + "&near=Leeds", status=400)
    assert (
        "Keep your search to 200 characters or fewer"
        in page.soup.find(class_="nhsuk-error-summary").get_text()
    )
    assert "3 opportunities found" in page.text


def test_results_come_in_pages_of_twenty_with_nhs_pagination(get_page, db_session):
    for _ in range(45):
        make_opportunity()
    first = get_page("/opportunities/?type=placement")
    assert len(first.select(".app-opportunity")) == 20 and "Page 1 of 3" in first.text
    nav = first.soup.find("nav", class_="nhsuk-pagination")
    assert nav.find("a", rel="next")["href"] == "/opportunities/?type=placement&page=2"
    assert [a.get_text(strip=True) for a in nav.select(".nhsuk-pagination__item a")] == ["1", "2", "3"]
    last = get_page("/opportunities/?type=placement&page=3")
    assert len(last.select(".app-opportunity")) == 5
    assert last.soup.find("nav", class_="nhsuk-pagination").find("a", rel="prev")
    beyond = get_page("/opportunities/?page=4")
    assert "There are no results on page 4" in beyond.text


def test_nothing_found_says_so(get_page, db_session):
    page = get_page("/opportunities/?q=xyzzy")
    assert "No opportunities match your search" in page.text


def test_the_page_offers_its_results_as_a_feed(get_page, db_session):
    page = get_page("/opportunities/?q=audiology&type=job")
    link = page.soup.find("link", rel="alternate", type="application/atom+xml")
    assert link["href"] == "/opportunities/feed.atom?q=audiology&type=job"
