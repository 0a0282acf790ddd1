"""Pay in pounds, with its year, on profiles, the compare page, entry routes and the API."""

from __future__ import annotations

import re

import pytest

from portal.content.files import CONTENT_DIR, read_content, read_reference

CONTENT = read_content(CONTENT_DIR)
SCALES = read_reference(CONTENT_DIR).pay_scales
WITH_YEAR = "a year (England, 2025/26)"
POUNDS = re.compile(r"£\d{1,3}(,\d{3})+")
NOTE_SAYS = (
    "Scotland, Wales and Northern Ireland set their own pay rates.",
    "Jobs in and around London pay extra, called a high cost area supplement.",
    "your employer will tell you",
)
ROUTES_NAMING_BANDS = sorted(
    slug for slug, route in CONTENT.routes.items() if SCALES.ranges_in(route.get("pay_while_training", ""))
)


def _note_is_there_once(page) -> None:
    notes = page.select(".app-pay-note")
    assert len(notes) == 1
    note = " ".join(notes[0].get_text(" ").split())
    for words in NOTE_SAYS:
        assert words in note
    assert "England in 2025/26, from 1 April 2025" in note
    assert "£" not in note


@pytest.mark.parametrize("slug", sorted(CONTENT.profiles))
def test_every_profile_shows_each_band_in_pounds_with_the_year(get_page, slug):
    page = get_page(f"/service-areas/{slug}")
    heading = page.soup.find("h2", id="pay")
    cells = [row.select_one("td .app-pay") for row in heading.find_next("table").select("tbody tr")]
    shown = [" ".join(cell.get_text(" ").split()) for cell in cells]
    expected = [SCALES.range_for(row["bands"]).text for row in CONTENT.profiles[slug]["pay_bands"]]
    assert shown == expected
    for text in shown:
        assert POUNDS.search(text) and text.endswith(WITH_YEAR), text
    _note_is_there_once(page)


def test_audiology_states_band_5_in_the_agreed_words(get_page):
    bands = [row["bands"] for row in CONTENT.profiles["audiology"]["pay_bands"]]
    assert "5" in bands
    page = get_page("/service-areas/audiology")
    assert "Band 5: £31,049 to £37,796 a year (England, 2025/26)" in page.text


def test_compare_shows_pay_in_pounds_for_each_area_and_the_note_once(get_page):
    slugs = ["audiology", "neurophysiology", "medical-physics"]
    page = get_page(f"/service-areas/compare?slugs={','.join(slugs)}")
    row = next(
        tr for tr in page.select("table.app-compare-table tr") if tr.th.get_text(strip=True) == "Typical pay"
    )
    for cell, slug in zip(row.select("td"), slugs, strict=True):
        items = [" ".join(li.get_text(" ").split()) for li in cell.select("li .app-pay")]
        expected = [
            f"{r['role']}: {SCALES.range_for(r['bands']).text}" for r in CONTENT.profiles[slug]["pay_bands"]
        ]
        assert items == expected
    _note_is_there_once(page)


HEDGED = sorted(
    slug for slug, p in CONTENT.profiles.items() if any(row.get("note") for row in p["pay_bands"])
)


@pytest.mark.parametrize("slug", HEDGED[:3])
def test_a_band_the_sources_do_not_give_keeps_its_caveat_beside_the_pounds(get_page, slug):
    page = get_page(f"/service-areas/{slug}")
    rows = page.soup.find("h2", id="pay").find_next("table").select("tbody tr")
    for row, written in zip(rows, CONTENT.profiles[slug]["pay_bands"], strict=True):
        caveat = row.select_one(".app-pay-caveat")
        if written.get("note"):
            assert caveat.get_text(strip=True) == written["note"]
            assert POUNDS.search(row.select_one(".app-pay").get_text())
        else:
            assert caveat is None


def test_compare_with_nothing_chosen_shows_no_pay_note(get_page):
    page = get_page("/service-areas/compare")
    assert page.select(".app-pay-note") == []


@pytest.mark.parametrize("slug", ROUTES_NAMING_BANDS)
def test_a_route_that_names_bands_shows_them_in_pounds(get_page, slug):
    page = get_page(f"/entry-routes/{slug}")
    items = [
        " ".join(li.get_text(" ").split())
        for li in page.soup.find("h2", id="pay").find_next("ul").select("li")
    ]
    named = SCALES.ranges_in(CONTENT.routes[slug]["pay_while_training"])
    assert items[: len(named)] == [pay.text for pay in named]
    for text in items:
        assert POUNDS.search(text) and text.endswith(WITH_YEAR), text
    _note_is_there_once(page)


def test_the_support_role_route_gives_band_2_or_3_in_pounds(get_page):
    page = get_page("/entry-routes/support-role-in-service-training")
    assert "Band 2 or 3: £24,465 to £26,598 a year (England, 2025/26)" in page.text


def test_a_route_that_names_no_band_shows_no_pounds(get_page):
    route = CONTENT.routes["perfusion-science-training"]
    assert not SCALES.ranges_in([route["pay_while_training"], *route.get("details", [])])
    page = get_page("/entry-routes/perfusion-science-training")
    assert page.soup.find("h2", id="pay") is None
    assert not page.select(".app-pay-note")


@pytest.mark.parametrize("slug", sorted(CONTENT.profiles))
def test_the_api_gives_each_band_its_pounds_and_year(client, slug):
    body = client.get(f"/api/v1/service-areas/{slug}").get_json()
    rows = CONTENT.profiles[slug]["pay_bands"]
    assert [{k: item[k] for k in ("level", "role", "bands")} for item in body["pay_bands"]] == [
        {k: row[k] for k in ("level", "role", "bands")} for row in rows
    ]
    for item, row in zip(body["pay_bands"], rows, strict=True):
        found = SCALES.range_for(row["bands"])
        assert item["pay"] == {
            "from": found.low,
            "to": found.high,
            "currency": "GBP",
            "period": "year",
            "nation": "England",
            "year": "2025/26",
        }


def test_the_api_gives_band_5_the_published_figures(client):
    body = client.get("/api/v1/service-areas/audiology").get_json()
    band_5 = next(item for item in body["pay_bands"] if item["bands"] == "5")
    assert (band_5["pay"]["from"], band_5["pay"]["to"]) == (31049, 37796)


def test_the_api_gives_a_routes_bands_in_pounds(client):
    body = client.get("/api/v1/entry-routes/scientist-training-programme").get_json()
    assert {"bands": "6", "pay": SCALES.range_for("6").as_json()} in body["pay_bands"]
    assert all(item["pay"]["year"] == "2025/26" for item in body["pay_bands"])


def test_the_api_gives_an_empty_list_for_a_route_that_names_no_band(client):
    body = client.get("/api/v1/entry-routes/perfusion-science-training").get_json()
    assert body["pay_bands"] == []
