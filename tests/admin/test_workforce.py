"""The workforce dashboard says what the seeded rows add up to, withholds 1 to 4, and only admins see it.

``seed_known_world`` makes listings and anonymous tallies whose counts are written out here; each
expected figure below is worked out by hand from them, applying "a weekly cell of 1 to 4 people is
withheld" (a cell is one kind, one service area, one week and, for expressions of interest, one
region). tests/public/test_workforce.py uses the same rows.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from portal.models.opportunities import CLOSED
from portal.services.tallies import AREA_INTEREST, EXPRESSION_OF_INTEREST, OPENED, SUGGESTED, add_to_tallies
from tests.factories import make_opportunity, make_organisation, make_user, sign_in_as

NOW = datetime.now(UTC)
LAST_WEEK = NOW - timedelta(weeks=1)
TWENTY_WEEKS_AGO = NOW - timedelta(weeks=20)
PEOPLE_HEADINGS = (
    "Expressions of interest",
    "Registered interest",
    "Suggested by Find your fit",
    "Opened from Find your fit",
    "People who showed interest",
)


def seed_known_world() -> None:
    """Listings in London and Scotland and weekly tallies, some cells of 1 to 4 and some of 5 or more."""
    london = make_organisation(name="Thames Hospitals NHS Trust", town="London", region="London")
    glasgow = make_organisation(name="Clyde Health Board", town="Glasgow", region="Scotland")
    in_london = {"town": "London", "region": "London"}
    placement = make_opportunity(london, ("audiology",), type="placement", places=3, **in_london)
    job = make_opportunity(london, ("audiology",), type="job", pay_kind="salary", places=2, **in_london)
    make_opportunity(london, ("audiology",), type="event", places=2, **in_london)  # an event has no places
    make_opportunity(london, ("audiology",), type="placement", places=4, status=CLOSED, **in_london)
    scottish = make_opportunity(
        glasgow,
        ("clinical-biochemistry",),
        type="apprenticeship",
        places=10,
        town="Glasgow",
        region="Scotland",
    )
    make_opportunity(london, ("medical-physics", "audiology"), type="training-post", places=20, **in_london)

    add_to_tallies(AREA_INTEREST, ["audiology"], NOW, by=7)
    add_to_tallies(AREA_INTEREST, ["audiology"], LAST_WEEK, by=3)  # withheld
    add_to_tallies(AREA_INTEREST, ["audiology"], TWENTY_WEEKS_AGO, by=50)  # only in a 52-week period
    add_to_tallies(AREA_INTEREST, ["clinical-biochemistry"], NOW, by=2)  # withheld
    add_to_tallies(AREA_INTEREST, ["genomic-counselling"], NOW, by=40)
    add_to_tallies(EXPRESSION_OF_INTEREST, [str(placement.id)], NOW, by=5)
    add_to_tallies(EXPRESSION_OF_INTEREST, [str(job.id)], LAST_WEEK, by=1)  # withheld
    add_to_tallies(EXPRESSION_OF_INTEREST, [str(scottish.id)], NOW, by=4)  # withheld
    add_to_tallies(SUGGESTED, ["audiology"], NOW, by=30)
    add_to_tallies(OPENED, ["audiology"], NOW, by=1)  # withheld
    add_to_tallies(OPENED, ["audiology"], LAST_WEEK, by=8)


@pytest.fixture
def world(db_session):
    seed_known_world()


@pytest.fixture
def admin_client(client, db_session):
    """A client signed in as an administrator who has given their second factor."""
    return sign_in_as(client, make_user(is_admin=True, totp_secret=pyotp.random_base32()))


def headline_figures(page) -> dict[str, str]:
    """Each headline's label and its figure (without the note under it)."""
    figures = {}
    for item in page.select(".app-headline"):
        value = item.select_one("dd")
        note = value.select_one(".app-count-note")
        figures[item.select_one("dt").get_text(strip=True)] = (
            value.get_text(" ", strip=True).removesuffix(note.get_text(" ", strip=True)).strip()
            if note
            else value.get_text(" ", strip=True)
        )
    return figures


def table_rows(page, table_id: str) -> dict[str, dict[str, str]]:
    """A table's rows by their row heading: each column's figure, and its note as "<heading> note"."""
    table = page.soup.find(id=table_id)
    assert table is not None, f"no table #{table_id}"
    headings = [th.get_text(" ", strip=True) for th in table.select("thead th")]
    rows = {}
    for tr in table.select("tbody tr"):
        cells = tr.find_all(["th", "td"])
        row = {}
        for heading, cell in zip(headings, cells, strict=True):
            note = cell.select_one(".app-count-note")
            row[f"{heading} note"] = note.get_text(" ", strip=True) if note else ""
            if note:
                note.extract()
            row[heading] = cell.get_text(" ", strip=True)
        rows[tr.find("th").get_text(" ", strip=True)] = row
    return rows


def assert_no_small_counts_of_people(page) -> None:
    """Every count of people on the page is withheld, not recorded, 0 or at least 5; ranges start above 5."""
    for table in page.select("table"):
        headings = [th.get_text(" ", strip=True) for th in table.select("thead th")]
        for tr in table.select("tbody tr"):
            for heading, cell in zip(headings, tr.find_all(["th", "td"]), strict=True):
                if heading not in PEOPLE_HEADINGS:
                    continue
                note = cell.select_one(".app-count-note")
                shown = cell.get_text(" ", strip=True).removesuffix(
                    note.get_text(" ", strip=True) if note else ""
                )
                shown = shown.strip().replace(",", "")
                assert shown in {"Withheld", "Not recorded by region", "0"} or int(shown) >= 5, (
                    heading,
                    shown,
                )
                if note:
                    low = int(re.search(r"([\d,]+) to", note.get_text()).group(1).replace(",", ""))
                    assert low > 5, note.get_text()


def test_the_dashboard_adds_up_the_seeded_rows(world, admin_client, get_page):
    page = get_page("/admin/workforce")
    assert page.h1 == "Workforce intelligence"
    # Live now: the two audiology listings, the event, the Scottish apprenticeship and the training
    # post (the closed placement is not live); places 3 + 2 + 10 + 20 (events have none).
    headlines = headline_figures(page)
    assert headlines["Live listings"] == "5"
    assert headlines["Places offered"] == "35"
    # Expressions of interest: 5 published; 1 and 4 withheld, so 7 to 13 in all.
    assert headlines["Expressions of interest"] == "5"
    assert "plus withheld: 7 to 13 in all" in page.text
    # Registered interest in 13 weeks: 7 + 40 published, 3 and 2 withheld: 49 to 55.
    assert headlines["Registered interest"] == "47"
    assert "plus withheld: 49 to 55 in all" in page.text
    assert headlines["Suggested by Find your fit"] == "30"
    assert headlines["Opened from Find your fit"] == "8"
    assert_no_small_counts_of_people(page)


def test_each_area_row_is_its_own_listings_and_tallies(world, admin_client, get_page):
    rows = table_rows(get_page("/admin/workforce"), "areas-table")
    audiology = rows["Audiology"]
    assert (audiology["Live listings"], audiology["Places offered"]) == ("3", "5")
    assert audiology["Expressions of interest"] == "5"
    assert audiology["Expressions of interest note"] == "plus withheld: 6 to 9 in all"
    assert audiology["Registered interest"] == "7"
    assert audiology["Registered interest note"] == "plus withheld: 8 to 11 in all"
    assert audiology["Suggested by Find your fit"] == "30"
    assert audiology["Opened from Find your fit"] == "8"
    biochemistry = rows["Clinical biochemistry"]
    assert (biochemistry["Live listings"], biochemistry["Places offered"]) == ("1", "10")
    assert biochemistry["Registered interest"] == "Withheld"
    assert biochemistry["Registered interest note"] == ""
    assert biochemistry["Expressions of interest"] == "Withheld"
    assert rows["Medical physics"]["Places offered"] == "20"
    assert rows["Genomic (genetic) counselling"]["Registered interest"] == "40"


def test_divisions_and_regions_are_charted_and_tabled_with_the_same_figures(world, admin_client, get_page):
    page = get_page("/admin/workforce")
    regions = table_rows(page, "regions-table")
    assert (regions["London"]["Live listings"], regions["London"]["Places offered"]) == ("4", "25")
    assert regions["London"]["Expressions of interest"] == "5"
    assert (regions["Scotland"]["Places offered"], regions["Scotland"]["Expressions of interest"]) == (
        "10",
        "Withheld",
    )
    assert regions["Wales"]["Live listings"] == "0"
    assert "Registered interest" not in regions["London"]  # not recorded by region
    assert (
        "Not recorded by region" in page.soup.find(id="regions-table").find_parent("div").find_next("ul").text
    )
    divisions = table_rows(page, "divisions-table")
    assert (
        divisions["Life sciences"]["Registered interest"] == "40"
    )  # 40 published, biochemistry's 2 withheld
    assert divisions["Physical sciences and biomedical engineering"]["Places offered"] == "20"
    chart = page.soup.find("svg", attrs={"aria-labelledby": "regions-caption"})
    assert chart["role"] == "img" and page.soup.find(id="regions-caption").name == "figcaption"
    description = chart.find("desc").get_text()
    assert "London: Live listings 4, Places offered 25." in description
    assert "Scotland: Live listings 1, Places offered 10." in description
    assert not page.select("svg script")
    csv_links = [a["href"] for a in page.select("a[download]")]
    assert "/admin/workforce/regions.csv" in csv_links and "/admin/workforce/areas.csv" in csv_links


def test_the_shortage_rankings_say_what_the_numbers_behind_them_are(world, admin_client, get_page):
    page = get_page("/admin/workforce")
    places = table_rows(page, "ranking-places-table")
    assert list(places) == ["Medical physics"]
    assert places["Medical physics"]["Places offered"] == "20"
    assert places["Medical physics"]["What it means"].startswith(
        "20 places offered and nobody has shown interest in the last 13 weeks"
    )
    interest = table_rows(page, "ranking-interest-table")
    # Genomic counselling: 40 people, no places. Audiology: 7 + 5 published, three withheld cells.
    assert list(interest) == ["Genomic (genetic) counselling", "Audiology"]
    assert interest["Audiology"]["What it means"].startswith(
        "Between 14 and 20 people showed interest in the last 13 weeks and 5 places offered"
    )
    assert "Clinical biochemistry" not in places and "Clinical biochemistry" not in interest
    assert "Weekly counts of 1 to 4 people are withheld" in page.text


def test_filters_narrow_every_figure(world, admin_client, get_page):
    london = get_page("/admin/workforce?region=london")
    assert headline_figures(london)["Live listings"] == "4"
    assert headline_figures(london)["Registered interest"] == "Not recorded by region"
    assert "Registered interest" not in table_rows(london, "areas-table")["Audiology"]
    assert london.soup.find("option", value="london", selected=True)

    physiological = table_rows(get_page("/admin/workforce?division=physiological-sciences"), "areas-table")
    assert "Audiology" in physiological and "Medical physics" not in physiological

    one_area = get_page("/admin/workforce?area=audiology")
    assert list(table_rows(one_area, "areas-table")) == ["Audiology"]
    assert headline_figures(one_area)["Places offered"] == "5"

    # The tally from twenty weeks ago counts only in the longest period.
    assert headline_figures(get_page("/admin/workforce?weeks=52"))["Registered interest"] == "97"
    assert headline_figures(get_page("/admin/workforce?weeks=4"))["Registered interest"] == "47"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("region=atlantis", "Choose a region from"),
        ("division=astrology", "Choose a division from"),
        ("weeks=7", "Choose a period of 4, 13, 52 weeks."),
        (
            "area=%3Cscript%3Ealert(1)%3C/script%3E",
            "There is no service area called '<script>alert(1)</script>'.",
        ),
    ],
)
def test_a_bad_filter_gets_a_clear_message_and_a_400(world, admin_client, get_page, query, message):
    page = get_page(f"/admin/workforce?{query}", status=400)
    summary = page.soup.select_one(".nhsuk-error-summary")
    assert message in summary.get_text(" ", strip=True)
    assert "<script>alert" not in page.response.get_data(as_text=True)
    assert page.select("form#workforce-filters")
    assert not page.select(".app-headline")


def test_each_table_downloads_as_csv_with_the_same_figures_and_filters(world, admin_client):
    response = admin_client.get("/admin/workforce/areas.csv?region=london")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="workforce-areas.csv"'
    rows = {
        row["Service area"]: row for row in csv.DictReader(io.StringIO(response.get_data(as_text=True)[1:]))
    }
    audiology = rows["Audiology"]
    assert (audiology["Live listings"], audiology["Places offered"]) == ("3", "5")
    assert audiology["Expressions of interest"] == "5"
    assert audiology["Expressions of interest: note"] == "plus withheld small counts"
    assert (
        audiology["Expressions of interest: at least"],
        audiology["Expressions of interest: at most"],
    ) == ("6", "9")
    assert "Registered interest" not in audiology
    assert rows["Clinical biochemistry"]["Live listings"] == "0"  # it is in Scotland
    for name in ("divisions", "regions", "weeks", "types", "levels", "shortage"):
        assert admin_client.get(f"/admin/workforce/{name}.csv").status_code == 200, name
    shortage = list(
        csv.DictReader(
            io.StringIO(admin_client.get("/admin/workforce/shortage.csv").get_data(as_text=True)[1:])
        )
    )
    assert [(row["Ranking"], row["Service area"]) for row in shortage] == [
        ("Places outrun interest", "Medical physics"),
        ("Interest outruns places", "Genomic (genetic) counselling"),
        ("Interest outruns places", "Audiology"),
    ]


def test_a_csv_with_a_bad_filter_or_name_is_refused(world, admin_client):
    bad = admin_client.get("/admin/workforce/areas.csv?weeks=9")
    assert bad.status_code == 400 and "Choose a period" in bad.get_data(as_text=True)
    assert admin_client.get("/admin/workforce/secrets.csv").status_code == 404


@pytest.mark.parametrize("path", ["/admin/workforce", "/admin/workforce/areas.csv"])
def test_only_administrators_with_their_second_factor_reach_the_dashboard(client, db_session, path):
    anonymous = client.get(path)
    assert anonymous.status_code == 302 and "/admin/sign-in" in anonymous.headers["Location"]
    sign_in_as(client, make_user(make_organisation()))
    assert client.get(path).status_code == 403
    sign_in_as(client, make_user(is_admin=True, totp_secret=pyotp.random_base32()), second_factor=False)
    halfway = client.get(path)
    assert halfway.status_code == 302 and "/admin/sign-in/code" in halfway.headers["Location"]


def test_a_demonstration_banner_shows_only_when_demonstration_data_is_held(world, admin_client, get_page):
    assert "Demonstration data" not in get_page("/admin/workforce").text
    add_to_tallies(SUGGESTED, ["audiology"], NOW, by=6, is_demo=True)
    page = get_page("/admin/workforce")
    assert "Demonstration data" in page.soup.select_one(".nhsuk-card--warning").get_text()
    assert (
        "demonstration data" in admin_client.get("/admin/workforce/weeks.csv").get_data(as_text=True).lower()
    )
