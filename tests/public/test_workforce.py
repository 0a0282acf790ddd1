"""The public workforce page: headline figures anyone can read, counts of 1 to 4 never shown, a page
cached like the others that never touches the session, and CSV downloads of the public tables only.

The rows are those of tests/admin/test_workforce.py; each expected figure is worked out by hand there.
"""

from __future__ import annotations

import csv
import io

import pytest

from portal.caching import clear_page_cache
from portal.services.tallies import SUGGESTED, add_to_tallies
from tests.admin.test_workforce import (
    NOW,
    assert_no_small_counts_of_people,
    headline_figures,
    seed_known_world,
    table_rows,
)
from tests.factories import make_opportunity


@pytest.fixture
def world(db_session):
    seed_known_world()


def _csv_rows(client, path: str) -> list[dict[str, str]]:
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "text/csv", path
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).removeprefix("\ufeff"))))


def test_the_page_gives_the_headline_figures_in_plain_words(world, get_page):
    page = get_page("/workforce")
    assert page.h1 == "Where healthcare science needs people"
    assert headline_figures(page) == {
        "Live listings": "5",
        "Places offered": "35",
        "Expressions of interest": "5",
        "Registered interest": "47",
    }
    assert "plus withheld: 7 to 13 in all" in page.text
    assert "we never show a count of 1 to 4 people" in page.text
    assert_no_small_counts_of_people(page)


def test_the_page_names_where_help_is_needed_with_the_numbers_behind_each(world, get_page):
    page = get_page("/workforce")
    places = page.soup.find(id="places-outrun-interest").find_next("ol")
    assert [a.get_text(strip=True) for a in places.select("h3 a")] == ["Medical physics"]
    assert places.select_one("h3 a")["href"] == "/service-areas/medical-physics"
    assert "20 places offered and nobody has shown interest in the last 13 weeks" in places.get_text()
    interest = page.soup.find(id="interest-outruns-places").find_next("ol")
    assert [a.get_text(strip=True) for a in interest.select("h3 a")] == [
        "Genomic (genetic) counselling",
        "Audiology",
    ]
    assert "Between 14 and 20 people showed interest" in interest.get_text()
    assert "Small numbers: treat with care" in interest.get_text()
    cautions = page.soup.find(id="cannot-tell").find_next("ul").get_text()
    assert "Interest is a sign of demand, not a count of applications." in cautions


def test_listings_and_places_by_division_and_region_with_their_tables(world, get_page):
    page = get_page("/workforce")
    regions = table_rows(page, "regions-table")
    assert (regions["London"]["Live listings"], regions["London"]["Places offered"]) == ("4", "25")
    assert regions["Scotland"]["Expressions of interest"] == "Withheld"
    assert set(regions["London"]) == {
        "Region or nation",
        "Live listings",
        "Places offered",
        "Expressions of interest",
    } | {
        f"{heading} note"
        for heading in ("Region or nation", "Live listings", "Places offered", "Expressions of interest")
    }
    divisions = table_rows(page, "divisions-table")
    assert divisions["Physiological sciences"]["Places offered"] == "5"
    for chart in ("divisions", "regions"):
        svg = page.soup.find("svg", attrs={"aria-labelledby": f"{chart}-caption"})
        assert svg["role"] == "img" and svg.find("title") and svg.find("desc")
    assert "Physiological sciences: Live listings 3, Places offered 5." in page.text


def test_the_page_links_to_the_public_downloads_and_the_open_api(world, get_page):
    links = get_page("/workforce").links()
    for name in ("areas", "divisions", "regions", "shortage"):
        assert f"/workforce/{name}.csv" in links
    assert "/api/v1/stats/" in links and "/api/v1/openapi.json" in links
    assert not any(link.startswith("/admin/") for link in links)


def test_filters_work_on_the_page_and_carry_into_its_downloads(world, get_page):
    page = get_page("/workforce?region=scotland&weeks=52")
    assert headline_figures(page)["Live listings"] == "1"
    assert headline_figures(page)["Registered interest"] == "Not recorded by region"
    assert "/workforce/areas.csv?region=scotland&weeks=52" in page.links()
    assert page.soup.find("option", value="52", selected=True)
    assert "Clear the filters" in page.text
    life = get_page("/workforce?division=life-sciences")
    assert headline_figures(life)["Places offered"] == "10"


@pytest.mark.parametrize("query", ["region=narnia", "weeks=0", "division=%22%3E%3Cimg%20src=x%3E"])
def test_a_bad_filter_gets_a_message_and_a_400(world, get_page, query):
    page = get_page(f"/workforce?{query}", status=400)
    assert page.soup.select_one(".nhsuk-error-summary").get_text(strip=True).startswith("There is a problem")
    assert '"><img' not in page.response.get_data(as_text=True)
    assert not page.select(".app-headline")


def test_the_public_csvs_hold_the_page_figures_and_withhold_small_counts(world, client):
    rows = {row["Service area"]: row for row in _csv_rows(client, "/workforce/areas.csv")}
    assert (rows["Audiology"]["Live listings"], rows["Audiology"]["Places offered"]) == ("3", "5")
    biochemistry = rows["Clinical biochemistry"]
    assert (
        biochemistry["Registered interest"] == "" and biochemistry["Registered interest: note"] == "withheld"
    )
    assert (
        biochemistry["Expressions of interest"] == ""
        and biochemistry["Expressions of interest: note"] == "withheld"
    )
    people = [
        key for key in biochemistry if key.startswith(("Registered", "Expressions", "Suggested", "Opened"))
    ]
    assert not any(
        row[key] in {"1", "2", "3", "4"} for row in rows.values() for key in people if ": note" not in key
    )
    regions = {row["Region or nation"]: row for row in _csv_rows(client, "/workforce/regions.csv?weeks=4")}
    assert regions["London"]["Places offered"] == "25" and regions["London"]["Weeks"] == "4"
    assert [row["Service area"] for row in _csv_rows(client, "/workforce/shortage.csv")] == [
        "Medical physics",
        "Genomic (genetic) counselling",
        "Audiology",
    ]


def test_only_the_public_tables_download_and_a_bad_filter_is_refused(world, client):
    for name in ("weeks", "types", "levels", "secrets"):
        assert client.get(f"/workforce/{name}.csv").status_code == 404, name
    refused = client.get("/workforce/regions.csv?region=atlantis")
    assert refused.status_code == 400 and "Choose a region from" in refused.get_data(as_text=True)


def test_the_page_is_cached_like_the_other_public_pages_and_never_touches_the_session(world, app, client):
    app.config["PUBLIC_CACHE_SECONDS"] = 60
    clear_page_cache()
    try:
        first = client.get("/workforce")
        assert "Set-Cookie" not in first.headers
        make_opportunity(areas=("audiology",), places=9)
        again = client.get("/workforce")
        assert again.get_data() == first.get_data()  # served from the cache: the new listing waits
    finally:
        app.config["PUBLIC_CACHE_SECONDS"] = 0
        clear_page_cache()
    fresh = client.get("/workforce")
    assert fresh.get_data() != first.get_data()


def test_a_demonstration_banner_shows_only_when_demonstration_data_is_held(world, get_page):
    assert not get_page("/workforce").select(".nhsuk-card--warning")
    add_to_tallies(SUGGESTED, ["audiology"], NOW, by=6, is_demo=True)
    banner = get_page("/workforce").soup.select_one(".nhsuk-card--warning").get_text(" ", strip=True)
    assert "made up to show how the page works" in banner
