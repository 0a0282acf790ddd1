"""Saved areas and listings, and registered interest in an area, through the real pages."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from portal.caching import clear_page_cache
from portal.extensions import db
from portal.models import AreaInterest, SavedArea, SavedListing
from portal.models.candidates import AGE_13_15
from portal.models.opportunities import CLOSED, DRAFT
from portal.services.tallies import AREA_INTEREST, tally_total
from tests.account_helpers import csrf_token, location_path, submit, well_formed
from tests.factories import make_candidate, make_opportunity, sign_in_candidate_as

AREA = "audiology"


def _rows(model, candidate) -> list:
    return list(db.session.scalars(select(model).where(model.candidate_id == candidate.id)))


def _dashboard(client) -> str:
    return well_formed(client.get("/account/")).text


def test_public_pages_link_to_the_account_pages_without_any_form_or_token(client, get_page):
    clear_page_cache()
    profile = get_page(f"/service-areas/{AREA}")
    assert f"/account/saved-areas/{AREA}" in profile.links()
    assert f"/account/interest-in/{AREA}" in profile.links()
    assert "Save this area" in profile.text and "Register your interest in this area" in profile.text
    listing = make_opportunity()
    detail = get_page(f"/opportunities/{listing.id}")
    assert f"/account/saved-listings/{listing.id}" in detail.links()
    assert "Save this listing" in detail.text
    for page in (profile, detail):
        assert not page.soup.find("input", attrs={"name": "csrf_token"})


def test_anonymous_visitors_are_sent_to_sign_in_and_come_back(client):
    listing = make_opportunity()
    for path in (
        f"/account/saved-areas/{AREA}",
        f"/account/saved-listings/{listing.id}",
        f"/account/interest-in/{AREA}",
    ):
        response = client.get(path)
        assert response.status_code == 302, path
        where = urlsplit(response.headers["Location"])
        assert where.path == "/account/sign-in"
        assert parse_qs(where.query)["next"] == [path]


def test_saving_an_area_asks_first_keeps_one_row_and_can_be_undone(client, get_page):
    candidate = make_candidate()
    sign_in_candidate_as(client, candidate)
    path = f"/account/saved-areas/{AREA}"
    page = get_page(path)
    assert page.h1 == "Save Audiology"
    assert "Nobody else sees what you save" in page.text
    assert _rows(SavedArea, candidate) == []

    saved = submit(client, path, {})
    assert saved.headers["Location"].endswith("/account/#saved-areas")
    text = _dashboard(client)
    assert "Audiology is saved in your account." in text
    assert "Remove Audiology" in text
    submit(client, path, {}, "/account/")
    assert len(_rows(SavedArea, candidate)) == 1, "saving twice keeps one row"
    assert "Audiology was already saved." in _dashboard(client)
    assert get_page(path).h1 == "You have saved Audiology"

    submit(client, f"{path}/remove", {}, "/account/")
    assert _rows(SavedArea, candidate) == []
    text = _dashboard(client)
    assert "Audiology is no longer saved in your account." in text
    assert "You have not saved any service areas yet" in text


def test_an_unknown_area_is_not_found(client):
    sign_in_candidate_as(client, make_candidate())
    assert client.get("/account/saved-areas/no-such-area").status_code == 404
    assert client.get("/account/interest-in/no-such-area").status_code == 404
    token = csrf_token(client, "/account/")
    removed = client.post("/account/saved-areas/no-such-area/remove", data={"csrf_token": token})
    assert removed.status_code == 404


def test_saving_a_listing_and_removing_it_after_it_is_taken_down(client, get_page):
    listing = make_opportunity(title="Audiology summer placement")
    candidate = make_candidate()
    sign_in_candidate_as(client, candidate)
    path = f"/account/saved-listings/{listing.id}"
    assert get_page(path).h1 == "Save this listing"
    submit(client, path, {})
    submit(client, path, {}, "/account/")
    assert len(_rows(SavedListing, candidate)) == 1
    text = _dashboard(client)
    assert "Audiology summer placement was already saved." in text
    assert f"/opportunities/{listing.id}" in well_formed(client.get("/account/")).links()

    listing.status = DRAFT
    db.session.flush()
    assert "this listing is no longer shown on the portal" in _dashboard(client)
    submit(client, f"{path}/remove", {}, "/account/")
    assert _rows(SavedListing, candidate) == []
    assert "Audiology summer placement is no longer saved" in _dashboard(client)
    assert "You have not saved any listings yet" in _dashboard(client)


def test_a_closed_listing_cannot_be_saved(client, get_page):
    listing = make_opportunity(status=CLOSED)
    candidate = make_candidate()
    sign_in_candidate_as(client, candidate)
    page = get_page(f"/account/saved-listings/{listing.id}")
    assert page.h1 == "This opportunity has closed"
    refused = submit(client, f"/account/saved-listings/{listing.id}", {}, "/account/")
    assert (refused.status_code, location_path(refused)) == (303, f"/account/saved-listings/{listing.id}")
    assert _rows(SavedListing, candidate) == []
    draft = make_opportunity(status=DRAFT, live_since=None)
    assert client.get(f"/account/saved-listings/{draft.id}").status_code == 404


def test_interest_in_an_area_is_counted_once_for_someone_who_chose_to_be_counted(client, get_page):
    candidate = make_candidate(count_interest_in_figures=True)
    sign_in_candidate_as(client, candidate)
    path = f"/account/interest-in/{AREA}"
    page = get_page(path)
    assert page.h1 == "Register your interest in Audiology"
    assert "It does not send anything to any organisation" in page.text
    assert "Yes, because you chose to be counted" in page.text
    before = tally_total(AREA_INTEREST, AREA)

    registered = submit(client, path, {})
    assert registered.headers["Location"].endswith("/account/#area-interests")
    submit(client, path, {}, "/account/")
    assert len(_rows(AreaInterest, candidate)) == 1
    assert tally_total(AREA_INTEREST, AREA) == before + 1
    assert get_page(path).h1 == "You have registered your interest in Audiology"
    assert "Remove your interest in Audiology" in _dashboard(client)

    submit(client, f"{path}/remove", {}, "/account/")
    assert _rows(AreaInterest, candidate) == []
    assert tally_total(AREA_INTEREST, AREA) == before + 1, "the anonymous count stays"
    assert "Your interest in Audiology is no longer registered." in _dashboard(client)


def test_interest_is_not_counted_without_consent(client, get_page):
    candidate = make_candidate(count_interest_in_figures=False)
    sign_in_candidate_as(client, candidate)
    path = f"/account/interest-in/{AREA}"
    page = get_page(path)
    assert "your interest is not counted in the workforce figures" in page.text
    assert "/account/settings" in page.links()
    before = tally_total(AREA_INTEREST, AREA)
    submit(client, path, {})
    assert len(_rows(AreaInterest, candidate)) == 1
    assert tally_total(AREA_INTEREST, AREA) == before


def test_interest_from_13_to_15_year_olds_is_never_counted(client, get_page):
    # Even if the setting were somehow on, the rule for the youngest holds.
    candidate = make_candidate(age_band=AGE_13_15, count_interest_in_figures=True)
    sign_in_candidate_as(client, candidate)
    path = f"/account/interest-in/{AREA}"
    assert "Because you are under 16, your interest is never counted" in get_page(path).text
    before = tally_total(AREA_INTEREST, AREA)
    submit(client, path, {})
    assert len(_rows(AreaInterest, candidate)) == 1
    assert tally_total(AREA_INTEREST, AREA) == before
    assert "your interest is never counted in the workforce figures" in _dashboard(client)
