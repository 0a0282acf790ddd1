"""Events and work experience open to school groups: posting the box, searching by it, showing it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Opportunity
from portal.services.listing_import import TEMPLATE_COLUMNS
from portal.services.listings import check_listing
from portal.services.opportunities import approve, create_listing, pending_listing_data, update_listing
from tests.factories import make_opportunity, make_organisation, make_user, sign_in_as
from tests.organisations.test_listings import NEW, day, listing_values, page, post
from tests.pages import Page

SEARCH = "/opportunities/"


def event_values(**changes: object) -> dict[str, object]:
    """A valid school-group open day as the listing form posts it."""
    return listing_values(
        type="event",
        title="Hospital science open day for schools",
        stages=["gcse", "post16"],
        starts_on=None,
        event_date=day(45),
        event_time="10:00",
        **changes,
    )


@pytest.fixture
def school_group_listings(db_session) -> dict[str, Opportunity]:
    """Listings with and without the box, of the types it is for and of one it is not."""
    return {
        "open event": make_opportunity(
            type="event", open_to_school_groups=True, title="Open day for schools"
        ),
        "open work experience": make_opportunity(
            type="work-experience", open_to_school_groups=True, title="Lab week for a school group"
        ),
        "closed event": make_opportunity(type="event", title="Evening talk for adults"),
        # An older row holding the flag on a type it means nothing for is not a school-group listing.
        "placement": make_opportunity(
            type="placement", open_to_school_groups=True, title="Student placement"
        ),
    }


def test_the_filter_returns_only_listings_open_to_school_groups(client, school_group_listings):
    everything = Page(client.get(SEARCH))
    assert "Evening talk for adults" in everything.text
    response = client.get(SEARCH, query_string={"school_groups": "true"})
    assert response.status_code == 200
    parsed = Page(response)
    parsed.assert_well_formed()
    assert "2 opportunities found" in parsed.text
    assert "Open day for schools" in parsed.text and "Lab week for a school group" in parsed.text
    assert "Evening talk for adults" not in parsed.text and "Student placement" not in parsed.text
    assert parsed.soup.select_one("input#school_groups[name=school_groups][value=true]").has_attr("checked")
    assert "school_groups=true" in parsed.soup.select_one("link[type='application/atom+xml']")["href"]


def test_the_api_filters_the_same_way_and_refuses_a_bad_value(client, school_group_listings):
    body = client.get("/api/v1/opportunities?school_groups=true").get_json()
    expected = {school_group_listings["open event"].id, school_group_listings["open work experience"].id}
    assert {item["id"] for item in body["items"]} == expected and body["count"] == 2
    assert client.get("/api/v1/opportunities").get_json()["count"] == 4
    refused = client.get("/api/v1/opportunities?school_groups=maybe")
    assert refused.status_code == 400
    assert "school_groups must be true or false" in refused.get_json()["error"]["message"]
    spec = client.get("/api/v1/openapi.json").get_json()
    (parameter,) = [
        p for p in spec["paths"]["/opportunities"]["get"]["parameters"] if p["name"] == "school_groups"
    ]
    assert parameter["schema"]["type"] == "boolean" and "school groups" in parameter["description"]


def test_the_feed_takes_the_filter_too(client, school_group_listings):
    feed = client.get("/opportunities/feed.atom?school_groups=true").get_data(as_text=True)
    assert "Open day for schools" in feed and "Evening talk for adults" not in feed


def test_the_listing_page_says_it_is_open_to_school_groups(get_page, school_group_listings):
    shown = get_page(f"/opportunities/{school_group_listings['open event'].id}")
    assert "School groups Open to school groups" in shown.text
    for name in ("closed event", "placement"):
        assert (
            "Open to school groups" not in get_page(f"/opportunities/{school_group_listings[name].id}").text
        )


def test_checking_the_box_on_an_event_keeps_it_through_edits(client, db_session):
    user = make_user(make_organisation())
    sign_in_as(client, user)
    form = page(client.get(NEW))
    box = form.soup.select_one("input#open_to_school_groups[type=checkbox]")
    assert box is not None and not box.has_attr("checked")
    assert "Events and work experience only." in form.text
    response = post(client, NEW, event_values(open_to_school_groups="y"))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    listing = db.session.scalars(select(Opportunity).order_by(Opportunity.id.desc())).first()
    assert listing.open_to_school_groups is True
    edit = page(client.get(f"/organisations/opportunities/{listing.id}/edit"))
    assert edit.soup.select_one("input#open_to_school_groups").has_attr("checked")
    post(client, f"/organisations/opportunities/{listing.id}/edit", event_values())
    assert listing.open_to_school_groups is False


def test_the_box_on_another_type_is_explained_and_kept(client, db_session):
    sign_in_as(client, make_user(make_organisation()))
    shown = page(post(client, NEW, listing_values(open_to_school_groups="y")), 400)
    message = "Only events and work experience can be open to school groups"
    assert message in shown.soup.select_one(".nhsuk-error-summary").get_text()
    assert shown.select(".nhsuk-error-summary a[href='#open_to_school_groups']")
    assert shown.soup.select_one("input#open_to_school_groups").has_attr("checked")
    assert db.session.scalar(select(Opportunity.id)) is None


def test_a_live_change_carries_the_box_through_review(db_session):
    organisation = make_organisation()
    author, moderator = make_user(organisation), make_user(is_admin=True)
    listing = make_opportunity(organisation, type="work-experience", stages=["gcse"])
    values = {**listing_values(type="work-experience", stages=["gcse"]), "open_to_school_groups": "yes"}
    data, problems = check_listing(values, date.today())
    assert problems == [] and data.open_to_school_groups is True
    update_listing(listing, author, data)
    assert listing.open_to_school_groups is False, "the live version stays up until the change is approved"
    assert pending_listing_data(listing).open_to_school_groups is True
    approve(listing, moderator)
    assert listing.open_to_school_groups is True


def test_the_csv_import_has_the_column(db_session):
    assert "open_to_school_groups" in TEMPLATE_COLUMNS
    values = {**listing_values(type="work-experience"), "open_to_school_groups": "no"}
    data, problems = check_listing(values, date.today())
    assert problems == [] and data.open_to_school_groups is False


def test_the_words_a_keyword_search_looks_in_say_so(client, db_session):
    organisation = make_organisation()
    author = make_user(organisation)
    values = {**event_values(), "open_to_school_groups": "y", "postcode": ""}
    data, problems = check_listing(values, date.today())
    assert problems == []
    listing = create_listing(organisation, author, data)
    assert "open to school groups" in listing.search_text
