"""Reporting a listing: the form, what is stored, and what a mistake looks like."""

from __future__ import annotations

import pytest

from portal.services.reports import ReportError, open_reports, report_listing
from tests.factories import make_opportunity
from tests.opportunities.conftest import csrf_token


def _post(client, listing, **data):
    path = f"/opportunities/{listing.id}/report"
    return client.post(path, data={"csrf_token": csrf_token(client, path), **data})


def test_the_report_form_is_a_well_formed_page_with_every_reason(get_page, db_session):
    listing = make_opportunity()
    page = get_page(f"/opportunities/{listing.id}/report")
    assert page.h1 == "Report this listing"
    reasons = [radio["value"] for radio in page.select("input[name=reason]")]
    assert reasons == [
        "wrong-or-out-of-date",
        "not-real",
        "discriminatory-or-offensive",
        "asks-for-money",
        "other",
    ]
    assert page.soup.find("form", method="post")["action"] == f"/opportunities/{listing.id}/report"


def test_a_report_is_stored_and_the_person_thanked(client, get_page, db_session):
    listing = make_opportunity()
    response = _post(client, listing, reason="asks-for-money", details="  They want £50 to apply.  ")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/opportunities/{listing.id}/report/sent"
    [report] = open_reports(listing)
    assert (report.reason, report.details) == ("asks-for-money", "They want £50 to apply.")
    thanks = get_page(response.headers["Location"])
    assert thanks.h1 == "Thank you for your report"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose why you are reporting this listing"),
        ({"reason": "because"}, "Not a valid choice"),
        ({"reason": "other"}, "Tell us what is wrong with this listing"),
        ({"reason": "not-real", "details": "x" * 1001}, "Keep the details to 1,000 characters or fewer"),
    ],
)
def test_a_mistake_is_explained_and_nothing_is_stored(client, db_session, data, message):
    listing = make_opportunity()
    response = _post(client, listing, **data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and message in html
    assert open_reports(listing) == []


def test_a_report_without_the_csrf_token_is_refused(client, db_session):
    listing = make_opportunity()
    response = client.post(f"/opportunities/{listing.id}/report", data={"reason": "not-real"})
    assert response.status_code == 400 and open_reports(listing) == []


def test_a_closed_listing_can_still_be_reported(client, db_session):
    listing = make_opportunity(status="closed")
    assert _post(client, listing, reason="wrong-or-out-of-date").status_code == 302
    assert len(open_reports(listing)) == 1


def test_the_service_refuses_what_the_form_would(db_session):
    listing = make_opportunity()
    with pytest.raises(ReportError, match="Choose why"):
        report_listing(listing, "nope")
    with pytest.raises(ReportError) as caught:
        report_listing(listing, "other", "\u202e\x07  ")
    assert caught.value.field == "details"
    report = report_listing(listing, "other", "Wrong\x07 address\u202e")
    assert report.details == "Wrong address" and report.id is not None
