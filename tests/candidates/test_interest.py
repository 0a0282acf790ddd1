"""Expressions of interest from the candidate's side: minimum ages, one record per listing, withdrawing."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.extensions import db
from portal.models import ExpressionOfInterest, Opportunity
from portal.models.candidates import AGE_13_15, AGE_16_17, AGE_18_PLUS
from portal.models.opportunities import CLOSED, DRAFT
from portal.services import interest as interest_service
from portal.services.saved_items import insert_once
from portal.services.tallies import EXPRESSION_OF_INTEREST, tally_total
from tests.account_helpers import csrf_token, location_path, mail_to, submit, well_formed
from tests.factories import (
    make_candidate,
    make_opportunity,
    make_organisation,
    make_user,
    now,
    sign_in_candidate_as,
)

MESSAGE = "I would love to see how hearing tests are done.\nCould I come after school?"


def _portal_listing(**fields) -> Opportunity:
    """A listing that takes expressions of interest through the portal."""
    return make_opportunity(**{"apply_kind": "portal", "apply_url": None, **fields})


def _path(listing: Opportunity) -> str:
    return f"/account/interest/{listing.id}"


def _express(client: FlaskClient, listing: Opportunity, form_page: str | None = None, **fields):
    data = {"message": MESSAGE, "share_email": "no", **fields}
    return submit(client, _path(listing), data, form_page)


def _interests(candidate) -> list[ExpressionOfInterest]:
    return list(
        db.session.scalars(
            select(ExpressionOfInterest).where(ExpressionOfInterest.candidate_id == candidate.id)
        )
    )


def _listing(type_: str, minimum_age: int | None = None) -> Opportunity:
    return Opportunity(type=type_, minimum_age=minimum_age)


# The age rule on its own: the band's ages against the larger of the listing's and the type's minimum.


def test_a_13_to_15_year_old_is_refused_a_job_and_pointed_to_events_and_work_experience():
    problem = interest_service.age_problem(AGE_13_15, _listing("job"))
    assert problem.startswith("This job is for people aged 16 or over")
    assert "your account says you are 13 to 15" in problem
    assert "Events and work experience" in problem
    assert interest_service.age_problem(AGE_16_17, _listing("job")) is None


def test_events_and_work_experience_follow_the_listings_own_minimum_age():
    assert interest_service.age_problem(AGE_13_15, _listing("event", 13)) is None
    assert interest_service.age_to_confirm(AGE_13_15, _listing("event", 13)) is None
    assert interest_service.age_problem(AGE_13_15, _listing("work-experience")) is None
    # 14 falls inside 13 to 15: allowed, once the person confirms their age.
    assert interest_service.age_problem(AGE_13_15, _listing("event", 14)) is None
    assert interest_service.age_to_confirm(AGE_13_15, _listing("event", 14)) == 14
    assert "aged 16 or over" in interest_service.age_problem(AGE_13_15, _listing("event", 16))


def test_training_posts_are_for_18_and_over_and_a_listing_can_only_raise_its_types_minimum():
    problem = interest_service.age_problem(AGE_16_17, _listing("training-post"))
    assert problem.startswith("This training post is for people aged 18 or over")
    assert interest_service.age_problem(AGE_18_PLUS, _listing("training-post")) is None
    assert interest_service.minimum_age(_listing("placement", 14)) == 16
    assert interest_service.minimum_age(_listing("placement", 18)) == 18
    assert interest_service.age_problem(AGE_16_17, _listing("placement", 18)) is not None
    assert interest_service.age_to_confirm(AGE_18_PLUS, _listing("job", 21)) == 21


# Through the pages.


def test_a_14_year_old_cannot_express_interest_in_a_job(client, get_page):
    listing = _portal_listing(type="job", pay_kind="salary", salary_min=20_000, salary_max=22_000)
    candidate = make_candidate(age_band=AGE_13_15)
    sign_in_candidate_as(client, candidate)
    page = get_page(_path(listing))
    assert page.h1 == "You cannot express interest in this opportunity"
    assert "This job is for people aged 16 or over" in page.text
    assert any("type=event" in link and "type=work-experience" in link for link in page.links())
    assert not page.select("textarea")

    token = csrf_token(client, "/account/")
    refused = client.post(_path(listing), data={"message": MESSAGE, "share_email": "no", "csrf_token": token})
    assert (refused.status_code, location_path(refused)) == (303, _path(listing))
    assert "This job is for people aged 16 or over" in well_formed(client.get(_path(listing))).text
    assert _interests(candidate) == []


def test_a_14_year_old_can_express_interest_in_an_event_for_13_and_over(client, get_page):
    listing = _portal_listing(type="event", minimum_age=13, title="Hearing science open day")
    candidate = make_candidate(age_band=AGE_13_15)
    sign_in_candidate_as(client, candidate)
    page = get_page(_path(listing))
    assert page.h1 == f"Tell {listing.organisation.name} you are interested"
    assert "or older" not in page.text, "no age to confirm"
    assert page.soup.find("input", attrs={"name": "share_email", "value": "no"}).has_attr("checked")
    assert "/privacy/young-people" in page.links()
    assert "choose No, or ask a parent, carer or teacher" in page.text

    sent = _express(client, listing)
    [interest] = _interests(candidate)
    assert location_path(sent) == f"/account/interests/{interest.id}"
    assert interest.message == MESSAGE and interest.share_email is False and interest.status == "new"
    shown = well_formed(client.get(location_path(sent)))
    assert shown.h1 == "Your interest in Hearing science open day"
    assert f"Your interest has been sent to {listing.organisation.name}" in shown.text
    assert "Could I come after school?" in shown.text
    assert "Status: New" in shown.text
    assert f"Not shared: {listing.organisation.name} cannot see it" in shown.text


def test_a_14_year_old_confirms_their_age_for_an_event_for_14_and_over(client, get_page):
    listing = _portal_listing(type="event", minimum_age=14)
    candidate = make_candidate(age_band=AGE_13_15)
    sign_in_candidate_as(client, candidate)
    page = get_page(_path(listing))
    assert "I am 14 or older" in page.text

    unconfirmed = _express(client, listing, message="Typed with care")
    assert unconfirmed.status_code == 400
    form = well_formed(unconfirmed)
    assert form.h1.startswith("Error:")
    assert "Confirm that you are 14 or older" in form.text
    assert form.soup.find("textarea").get_text() == "Typed with care", "what was typed is kept"
    assert _interests(candidate) == []

    _express(client, listing, confirm_age="y")
    assert len(_interests(candidate)) == 1


def test_a_16_year_old_cannot_express_interest_in_a_training_post(client, get_page):
    listing = _portal_listing(type="training-post", pay_kind="salary", salary_min=30_000, salary_max=32_000)
    candidate = make_candidate(age_band=AGE_16_17)
    sign_in_candidate_as(client, candidate)
    assert "This training post is for people aged 18 or over" in get_page(_path(listing)).text
    assert _express(client, listing, "/account/").status_code == 303
    assert _interests(candidate) == []


def test_an_adult_chooses_whether_to_share_with_no_answer_chosen_for_them(client, get_page):
    listing = _portal_listing()
    candidate = make_candidate()
    sign_in_candidate_as(client, candidate)
    page = get_page(_path(listing))
    radios = page.soup.find_all("input", attrs={"name": "share_email"})
    assert len(radios) == 2 and not any(radio.has_attr("checked") for radio in radios)
    assert f"Share my email address with {listing.organisation.name}" in page.text
    assert "/privacy/adults" in page.links()

    unanswered = submit(client, _path(listing), {"message": MESSAGE})
    assert unanswered.status_code == 400
    assert (
        f"Choose whether to share your email address with {listing.organisation.name}"
        in well_formed(unanswered).text
    )
    _express(client, listing, share_email="yes")
    [interest] = _interests(candidate)
    assert interest.share_email is True


@pytest.mark.parametrize(
    ("message", "problem"),
    [
        ("   ", "Enter a message to the organisation"),
        ("x" * 1001, "Your message must be 1,000 characters or fewer"),
        ("Hello \u202egnp.exe", "must not contain invisible or control characters"),
        ("Hello\x07there", "must not contain invisible or control characters"),
    ],
)
def test_a_message_must_be_plain_text_of_1_to_1000_characters(client, message, problem):
    listing = _portal_listing()
    candidate = make_candidate()
    sign_in_candidate_as(client, candidate)
    refused = _express(client, listing, message=message)
    assert refused.status_code == 400
    assert problem in well_formed(refused).text
    assert _interests(candidate) == []


def test_a_message_of_exactly_1000_characters_with_line_breaks_is_kept_as_one_kind_of_line_break(client):
    listing = _portal_listing()
    candidate = make_candidate()
    sign_in_candidate_as(client, candidate)
    message = "a\r\n" + "b" * 997
    _express(client, listing, message=message)
    [interest] = _interests(candidate)
    assert interest.message == "a\n" + "b" * 997


def test_a_second_submission_finds_the_first_and_counts_once(client):
    listing = _portal_listing()
    owner = make_user(listing.organisation)
    candidate = make_candidate()
    sign_in_candidate_as(client, candidate)
    token = csrf_token(client, _path(listing))
    data = {"message": MESSAGE, "share_email": "no", "csrf_token": token}
    first = client.post(_path(listing), data=data)
    second = client.post(_path(listing), data={**data, "message": "A different message"})
    [interest] = _interests(candidate)
    assert location_path(first) == location_path(second) == f"/account/interests/{interest.id}"
    assert interest.message == MESSAGE
    assert tally_total(EXPRESSION_OF_INTEREST, str(listing.id)) == 1
    assert len(mail_to(owner.email)) == 1
    page = well_formed(client.get(location_path(second)))
    assert "You have already told" in page.text and "This is what you sent" in page.text
    assert well_formed(client.get(_path(listing), follow_redirects=True)).h1.startswith("Your interest in")


def test_losing_the_race_to_the_unique_key_returns_the_first_row_and_keeps_the_transaction(db_session):
    listing = _portal_listing()
    candidate = make_candidate()
    first = ExpressionOfInterest(
        candidate_id=candidate.id, opportunity_id=listing.id, message="First", created_at=now()
    )
    db.session.add(first)
    db.session.flush()
    twin = ExpressionOfInterest(
        candidate_id=candidate.id, opportunity_id=listing.id, message="Second", created_at=now()
    )
    kept, created = insert_once(twin, lambda: interest_service.interest_in(candidate, listing.id))
    assert (kept.id, created) == (first.id, False)
    assert [row.message for row in _interests(candidate)] == ["First"]
    assert candidate.email.endswith("@example.net"), "the session is still usable"


def test_only_the_organisations_owners_are_emailed_and_nothing_about_the_candidate(client):
    listing = _portal_listing(title="Hearing clinic taster day")
    owner = make_user(listing.organisation)
    editor = make_user(listing.organisation, role="editor")
    candidate = make_candidate()
    sign_in_candidate_as(client, candidate)
    _express(client, listing, share_email="yes")
    [message] = mail_to(owner.email)
    assert "You have a new expression of interest in Hearing clinic taster day" in message.text_body
    assert "http://localhost/organisations/interest" in message.text_body
    assert candidate.email not in message.text_body and "hearing tests" not in message.text_body
    assert candidate.email not in message.subject
    assert mail_to(editor.email) == []


def test_closed_and_unpublished_listings_take_no_interest(client, get_page):
    candidate = make_candidate()
    sign_in_candidate_as(client, candidate)
    closed = _portal_listing(status=CLOSED)
    page = get_page(_path(closed))
    assert "This opportunity has closed" in page.text and not page.select("textarea")
    assert location_path(_express(client, closed, "/account/")) == _path(closed)
    past = _portal_listing(closes_on=date.today() - timedelta(days=1))
    assert "has closed" in get_page(_path(past)).text
    draft = _portal_listing(status=DRAFT, live_since=None)
    assert client.get(_path(draft)).status_code == 404
    assert _interests(candidate) == []


def test_listings_that_take_applications_elsewhere_say_so(client, get_page):
    listing = make_opportunity(apply_url="https://example.org/apply")
    sign_in_candidate_as(client, make_candidate())
    page = get_page(_path(listing))
    assert "takes applications for this on its own website" in page.text


def test_the_listing_links_to_expressing_interest_while_it_is_open(client, get_page):
    listing = _portal_listing()
    page = get_page(f"/opportunities/{listing.id}")
    link = page.soup.find("a", class_="app-apply-link")
    assert link["href"] == _path(listing)
    assert f"Tell {listing.organisation.name} you are interested" in link.get_text()
    closed = _portal_listing(status=CLOSED)
    assert get_page(f"/opportunities/{closed.id}").soup.find("a", class_="app-apply-link") is None


def test_anonymous_visitors_are_sent_to_sign_in_and_back(client):
    listing = _portal_listing()
    for path in (_path(listing), "/account/interests/1"):
        response = client.get(path)
        assert response.status_code == 302
        where = urlsplit(response.headers["Location"])
        assert where.path == "/account/sign-in"
        assert parse_qs(where.query)["next"] == [path]


def _sent_by(candidate, listing: Opportunity) -> ExpressionOfInterest:
    interest, _ = interest_service.express_interest(candidate, listing, MESSAGE, share_email=True)
    return interest


def test_a_candidate_cannot_see_or_withdraw_anothers_interest(client):
    listing = _portal_listing()
    theirs = _sent_by(make_candidate(), listing)
    sign_in_candidate_as(client, make_candidate())
    assert client.get(f"/account/interests/{theirs.id}").status_code == 404
    token = csrf_token(client, "/account/")
    withdrawn = client.post(f"/account/interests/{theirs.id}/withdraw", data={"csrf_token": token})
    assert withdrawn.status_code == 404
    assert db.session.get(ExpressionOfInterest, theirs.id) is not None


def test_withdrawing_deletes_the_interest_and_the_anonymous_count_stays(client):
    listing = _portal_listing(title="Audiology taster week")
    candidate = make_candidate()
    interest = _sent_by(candidate, listing)
    interest_id = interest.id
    sign_in_candidate_as(client, candidate)
    path = f"/account/interests/{interest_id}"
    withdrawn = submit(client, f"{path}/withdraw", {}, path)
    assert withdrawn.headers["Location"].endswith("/account/#interests")
    db.session.expire_all()
    assert db.session.get(ExpressionOfInterest, interest_id) is None
    assert tally_total(EXPRESSION_OF_INTEREST, str(listing.id)) == 1
    dashboard = well_formed(client.get("/account/"))
    assert "You have withdrawn your interest in Audiology taster week" in dashboard.text
    assert "can no longer see it" in dashboard.text
    assert "You have not expressed interest in any listings yet" in dashboard.text
    assert client.get(path).status_code == 404


def test_the_account_page_lists_each_interest_with_its_status(client):
    listing = _portal_listing(title="Cardiac physiology open evening")
    candidate = make_candidate()
    interest = _sent_by(candidate, listing)
    interest_service.set_status(interest, "in-review")
    sign_in_candidate_as(client, candidate)
    dashboard = well_formed(client.get("/account/"))
    [row] = dashboard.select(".app-interest-row")
    assert "Cardiac physiology open evening" in row.get_text() and "In review" in row.get_text()
    assert f"/account/interests/{interest.id}" in dashboard.links()


def test_expressing_interest_is_rate_limited(limited):
    organisation = make_organisation()
    listings = [_portal_listing(organisation=organisation) for _ in range(11)]
    sign_in_candidate_as(limited, make_candidate())
    token = csrf_token(limited, _path(listings[0]))
    answers = [
        limited.post(_path(listing), data={"message": MESSAGE, "share_email": "no", "csrf_token": token})
        for listing in listings
    ]
    assert [a.status_code for a in answers[:10]] == [302] * 10
    assert answers[10].status_code == 429
    assert "Wait a few minutes, then try again" in well_formed(answers[10]).text
