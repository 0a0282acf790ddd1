"""Expressions of interest from the organisation's side: only what was sent, only their own, a status."""

from __future__ import annotations

from portal.extensions import db
from portal.models import ExpressionOfInterest
from portal.models.candidates import AGE_13_15
from portal.models.organisations import SUSPENDED
from portal.services import interest as interest_service
from tests.account_helpers import csrf_token, location_path, submit, well_formed
from tests.factories import (
    make_candidate,
    make_opportunity,
    make_organisation,
    make_user,
    sign_in_as,
    sign_in_candidate_as,
)

MESSAGE = "I am in year 10 and love physics.\nCould I visit the hearing clinic?"


def _listing(organisation=None, **fields):
    return make_opportunity(organisation, **{"apply_kind": "portal", "apply_url": None, **fields})


def _interest(
    listing, candidate=None, share_email: bool = False, message: str = MESSAGE
) -> ExpressionOfInterest:
    candidate = candidate or make_candidate()
    interest, _ = interest_service.express_interest(candidate, listing, message, share_email)
    return interest


def test_the_organisation_sees_what_was_sent_and_the_email_only_when_shared(client, get_page):
    organisation = make_organisation()
    listing = _listing(organisation, title="Hearing clinic taster day", type="event", minimum_age=13)
    sharer = make_candidate(email="shares.it@example.net")
    keeper = make_candidate(age_band=AGE_13_15, email="keeps.it.private@example.net")
    shared = _interest(listing, sharer, share_email=True, message="Please email me")
    private = _interest(listing, keeper, share_email=False)
    sign_in_as(client, make_user(organisation))

    response = client.get("/organisations/interest")
    page = well_formed(response)
    html = response.get_data(as_text=True)
    assert page.h1 == "Expressions of interest"
    assert "2 expressions of interest" in page.text
    assert f"EOI-{shared.id:06d}" in page.text and f"EOI-{private.id:06d}" in page.text
    assert "Hearing clinic taster day" in page.text
    assert "shares.it@example.net" in page.text
    assert "Could I visit the hearing clinic?" in page.text
    assert "The candidate chose not to share their email address" in page.text
    assert "keeps.it.private@example.net" not in html
    # Nothing else about the person: not their age band, nor anything else they did.
    assert "13 to 15" not in page.text and "13-15" not in html

    detail = get_page(f"/organisations/interest/{private.id}")
    assert detail.h1 == f"Expression of interest EOI-{private.id:06d}"
    assert "The candidate chose not to share their email address" in detail.text
    assert "keeps.it.private@example.net" not in detail.response.get_data(as_text=True)


def test_another_organisation_sees_none_of_it(client, get_page):
    listing = _listing()
    interest = _interest(listing, share_email=True)
    other = make_organisation()
    sign_in_as(client, make_user(other))
    page = get_page("/organisations/interest")
    assert "Nobody has expressed interest in your listings yet" in page.text
    assert f"EOI-{interest.id:06d}" not in page.text
    assert client.get(f"/organisations/interest/{interest.id}").status_code == 404
    token = csrf_token(client, "/organisations/")
    changed = client.post(
        f"/organisations/interest/{interest.id}", data={"status": "contacted", "csrf_token": token}
    )
    assert changed.status_code == 404
    assert interest.status == "new"
    filtered = get_page(f"/organisations/interest?listing={listing.id}")
    assert f"EOI-{interest.id:06d}" not in filtered.text


def test_a_status_change_shows_on_the_candidates_pages(app, client, get_page):
    organisation = make_organisation()
    listing = _listing(organisation, title="Audiology open evening")
    candidate = make_candidate()
    interest = _interest(listing, candidate)
    sign_in_as(client, make_user(organisation))
    dashboard = get_page("/organisations/")
    assert "Expressions of interest (1 new)" in dashboard.text
    assert "/organisations/interest" in dashboard.links()

    path = f"/organisations/interest/{interest.id}"
    changed = submit(client, path, {"status": "contacted"})
    assert location_path(changed) == path
    page = get_page(path)
    assert "Status changed to contacted. The candidate can see it." in page.text
    assert interest.status == "contacted" and interest.status_changed_at is not None
    assert "(1 new)" not in get_page("/organisations/").text

    person = app.test_client()
    sign_in_candidate_as(person, candidate)
    mine = well_formed(person.get(f"/account/interests/{interest.id}"))
    assert "Status: Contacted" in mine.text
    assert f"{organisation.name} says it has been in touch with you." in mine.text
    [row] = well_formed(person.get("/account/")).select(".app-interest-row")
    assert "Contacted" in row.get_text()


def test_a_status_must_be_one_of_the_list(client):
    organisation = make_organisation()
    interest = _interest(_listing(organisation))
    sign_in_as(client, make_user(organisation))
    path = f"/organisations/interest/{interest.id}"
    refused = submit(client, path, {"status": "hired-on-the-spot"})
    assert refused.status_code == 400
    page = well_formed(refused)
    assert page.h1.startswith("Error:")
    assert "Not a valid choice" in page.text or "Choose a status" in page.text
    assert interest.status == "new"


def test_the_list_filters_by_listing_and_status(client, get_page):
    organisation = make_organisation()
    first, second = (
        _listing(organisation, title="First listing"),
        _listing(organisation, title="Second listing"),
    )
    in_first, in_second = _interest(first), _interest(second)
    interest_service.set_status(in_second, "in-review")
    sign_in_as(client, make_user(organisation))

    by_listing = get_page(f"/organisations/interest?listing={first.id}")
    assert f"EOI-{in_first.id:06d}" in by_listing.text and f"EOI-{in_second.id:06d}" not in by_listing.text
    by_status = get_page("/organisations/interest?status=in-review")
    assert f"EOI-{in_second.id:06d}" in by_status.text and f"EOI-{in_first.id:06d}" not in by_status.text
    nothing = get_page(f"/organisations/interest?listing={first.id}&status=successful")
    assert "No expressions of interest match what you chose" in nothing.text
    # Values nobody could have chosen show everything rather than an error.
    everything = get_page("/organisations/interest?listing=999999&status=bogus")
    assert "2 expressions of interest" in everything.text


def test_a_withdrawn_interest_leaves_the_organisations_list(app, client, get_page):
    organisation = make_organisation()
    candidate = make_candidate()
    interest = _interest(_listing(organisation), candidate)
    interest_id = interest.id
    sign_in_as(client, make_user(organisation))
    assert f"EOI-{interest_id:06d}" in get_page("/organisations/interest").text

    person = app.test_client()
    sign_in_candidate_as(person, candidate)
    path = f"/account/interests/{interest_id}"
    submit(person, f"{path}/withdraw", {}, path)
    db.session.expire_all()
    assert f"EOI-{interest_id:06d}" not in get_page("/organisations/interest").text
    assert client.get(f"/organisations/interest/{interest_id}").status_code == 404


def test_only_members_reach_the_interest_pages(client):
    interest = _interest(_listing())
    for path in ("/organisations/interest", f"/organisations/interest/{interest.id}"):
        anonymous = client.get(path)
        assert anonymous.status_code == 302 and location_path(anonymous).startswith("/organisations/sign-in")
    sign_in_candidate_as(client, make_candidate())
    as_candidate = client.get("/organisations/interest")
    assert as_candidate.status_code == 302 and location_path(as_candidate).startswith(
        "/organisations/sign-in"
    )
    sign_in_as(client, make_user())
    assert client.get("/organisations/interest").status_code == 403, "signed in, but in no organisation"


def test_a_suspended_organisation_no_longer_reads_what_candidates_sent(client, get_page):
    organisation = make_organisation()
    interest = _interest(_listing(organisation), message="Please keep this private")
    sign_in_as(client, make_user(organisation))
    organisation.status = SUSPENDED
    db.session.flush()
    page = get_page("/organisations/interest")
    assert "you cannot see expressions of interest" in page.text
    assert "Please keep this private" not in page.text
    assert client.get(f"/organisations/interest/{interest.id}").status_code == 404
    assert "new)" not in get_page("/organisations/").text


def test_filter_values_that_are_not_plain_numbers_show_everything(client, get_page):
    organisation = make_organisation()
    interest = _interest(_listing(organisation))
    sign_in_as(client, make_user(organisation))
    for value in ("²", "٣", "9" * 5000, "-1", ""):
        assert f"EOI-{interest.id:06d}" in get_page(f"/organisations/interest?listing={value}").text
