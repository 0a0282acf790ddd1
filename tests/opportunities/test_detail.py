"""/opportunities/<id>: one listing, told honestly and safely, open or closed."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest

from portal.models.opportunities import CLOSED, DRAFT, REFERRED_BACK, REJECTED, SUBMITTED
from tests.factories import make_opportunity, make_organisation

HOSTILE = '<script>alert(1)</script> & "quotes"'


def _posting(page) -> dict | None:
    blocks = page.select('script[type="application/ld+json"]')
    return json.loads(blocks[0].string) if blocks else None


def test_a_listing_shows_what_a_person_needs_to_decide(get_page, db_session):
    listing = make_opportunity(
        type="apprenticeship",
        title="Healthcare science assistant apprenticeship",
        stages=["post16", "career-changer"],
        minimum_age=16,
        pay_kind="apprentice-wage",
        hours="37.5 hours a week",
        places=4,
        site_name="St James's University Hospital",
        postcode="LS9 7TF",
        starts_on=date.today() + timedelta(days=90),
    )
    page = get_page(f"/opportunities/{listing.id}")
    assert page.h1 == "Healthcare science assistant apprenticeship"
    text = page.text
    for expected in (
        "A level, T Level or BTEC (ages 16 to 18), Changing career",
        "16 or over",
        "St James's University Hospital, Leeds, LS9 7TF",
        "The apprentice wage set by the employer",
        "37.5 hours a week",
        "Places 4",
        "Level Practitioner",
    ):
        assert expected in text, expected
    link = page.soup.find("a", class_="app-apply-link")
    assert link["href"] == "https://example.org/apply" and link["rel"] == ["noopener", "noreferrer"]
    assert "This opportunity has closed" not in text
    report = page.soup.find("a", string="Report this listing")
    assert report["href"] == f"/opportunities/{listing.id}/report"


@pytest.mark.parametrize(
    ("fields", "pay"),
    [
        (
            {"pay_kind": "band", "pay_band": "3"},
            "Agenda for Change band 3: £24,937 to £26,598 a year (England, 2025/26)",
        ),
        # Wales sets its own rates: the band alone, no England figures.
        (
            {"pay_kind": "band", "pay_band": "5", "region": "Wales"},
            "Pay Agenda for Change band 5 How to apply",
        ),
        ({"pay_kind": "salary", "salary_min": 24_000, "salary_max": 28_500}, "£24,000 to £28,500 a year"),
        ({"pay_kind": "unpaid"}, "Pay Unpaid"),
    ],
)
def test_pay_is_stated_plainly(get_page, db_session, fields, pay):
    assert pay in get_page(f"/opportunities/{make_opportunity(**fields).id}").text


def test_the_description_keeps_its_paragraphs_and_escapes_everything(get_page, db_session):
    listing = make_opportunity(
        title=HOSTILE, description=f"First line\nsecond line\n\n{HOSTILE}\n\n\n<b>not bold</b>"
    )
    response = get_page(f"/opportunities/{listing.id}")
    html = response.response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "<b>not bold</b>" not in html
    paragraphs = response.select(".app-listing-description p")
    assert [p.get_text() for p in paragraphs] == ["First linesecond line", HOSTILE, "<b>not bold</b>"]
    assert paragraphs[0].find("br") is not None


def test_a_job_carries_schema_org_job_posting(get_page, db_session):
    trust = make_organisation(name="Leeds Teaching Hospitals NHS Trust", website="https://www.leedsth.nhs.uk")
    listing = make_opportunity(
        organisation=trust,
        type="job",
        title="Trainee clinical scientist",
        pay_kind="salary",
        salary_min=35_000,
        salary_max=40_000,
        postcode="LS1 3EX",
        live_since=datetime(2026, 1, 15, 9, 30),
    )
    posting = _posting(get_page(f"/opportunities/{listing.id}"))
    assert posting["@type"] == "JobPosting" and posting["title"] == "Trainee clinical scientist"
    assert posting["datePosted"] == "2026-01-15"
    assert posting["validThrough"] == f"{listing.closes_on.isoformat()}T23:59:59"
    assert posting["hiringOrganization"] == {
        "@type": "Organization",
        "name": "Leeds Teaching Hospitals NHS Trust",
        "sameAs": "https://www.leedsth.nhs.uk",
    }
    assert posting["jobLocation"]["address"]["addressLocality"] == "Leeds"
    assert posting["jobLocation"]["address"]["postalCode"] == "LS1 3EX"
    assert posting["baseSalary"]["value"]["minValue"] == 35_000
    assert posting["url"] == f"http://localhost/opportunities/{listing.id}"


def test_json_ld_holds_hostile_text_as_data_only(get_page, db_session):
    listing = make_opportunity(type="training-post", title="</script><script>alert(1)</script>")
    page = get_page(f"/opportunities/{listing.id}")
    assert "</script><script>" not in page.response.get_data(as_text=True)
    assert _posting(page)["title"] == "</script><script>alert(1)</script>"


def test_placements_events_demos_and_closed_jobs_carry_no_job_posting(get_page, db_session):
    for listing in (
        make_opportunity(type="placement"),
        make_opportunity(type="event"),
        make_opportunity(type="job", is_demo=True),
        make_opportunity(type="job", status=CLOSED),
    ):
        assert _posting(get_page(f"/opportunities/{listing.id}")) is None


@pytest.mark.parametrize(
    "fields", [{"status": CLOSED}, {"closes_on": date.today() - timedelta(days=1)}], ids=["closed", "expired"]
)
def test_a_closed_listing_stays_at_its_address_with_a_notice(get_page, db_session, fields):
    listing = make_opportunity(**fields)
    page = get_page(f"/opportunities/{listing.id}")
    assert "This opportunity has closed" in page.text
    assert page.soup.find("a", class_="app-apply-link") is None
    assert "Applications have closed" in page.text


@pytest.mark.parametrize("status", [DRAFT, SUBMITTED, REFERRED_BACK, REJECTED])
def test_listings_not_yet_or_never_public_are_not_found(client, db_session, status):
    listing = make_opportunity(status=status)
    assert client.get(f"/opportunities/{listing.id}").status_code == 404
    assert client.get(f"/opportunities/{listing.id}/report").status_code == 404


def test_numbers_that_name_no_listing_are_not_found(client, db_session):
    for path in ("/opportunities/0", "/opportunities/999999", "/opportunities/" + "9" * 30):
        assert client.get(path).status_code == 404, path


def test_a_demonstration_listing_says_so(get_page, db_session):
    page = get_page(f"/opportunities/{make_opportunity(is_demo=True).id}")
    assert "Demonstration listing: this is an example" in page.text
    assert page.soup.find("a", class_="app-apply-link") is None


def test_applying_through_the_portal_links_to_expressing_interest(get_page, db_session):
    listing = make_opportunity(apply_kind="portal", apply_url=None)
    page = get_page(f"/opportunities/{listing.id}")
    link = page.soup.find("a", class_="app-apply-link")
    assert link["href"] == f"/account/interest/{listing.id}"
    assert f"Tell {listing.organisation.name} you are interested" in link.get_text()


def test_an_apply_link_that_is_not_https_is_not_linked(get_page, db_session):
    listing = make_opportunity(apply_url="javascript:alert(1)")
    page = get_page(f"/opportunities/{listing.id}")
    assert page.soup.find("a", class_="app-apply-link") is None
    assert "Contact" in page.text


def test_an_online_listing_says_online(get_page, db_session):
    listing = make_opportunity(online=True, town=None, latitude=None, longitude=None, type="event")
    assert "Where Online" in get_page(f"/opportunities/{listing.id}").text
