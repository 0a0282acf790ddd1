"""Saved searches and alerts through the real pages and the real service: only new listings, each once."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from portal.candidates.alerts_cli import alert_links
from portal.extensions import db
from portal.mail import build_message
from portal.mail.messages import list_unsubscribe_headers
from portal.models import AlertDelivery, AlertSubscription, OutboxMessage
from portal.models.candidates import AGE_13_15, AGE_16_17, DAILY, NO_EMAILS, WEEKLY
from portal.models.opportunities import CLOSED
from portal.services import alerts
from portal.services.opportunity_filters import SearchFilters
from tests.account_helpers import csrf_token, last_mail_to, link_in, location_path, mail_to, well_formed
from tests.factories import (
    make_candidate,
    make_opportunity,
    make_organisation,
    make_user,
    now,
    sign_in_as,
    sign_in_candidate_as,
)

pytestmark = pytest.mark.usefixtures("db_session")

ADDRESS = "river.song@example.net"
LISTING_LINK = re.compile(r"http://localhost/opportunities/(\d+)\b")


def _send(app: Flask, subscription: AlertSubscription, at=None) -> alerts.AlertOutcome:
    """One alert's turn as the job takes it, at ``at`` (default: now)."""
    vocabulary = app.extensions["content_reference"].vocabulary
    return alerts.send_alert(
        subscription.id, at or now(), app.config["SECRET_KEY"], alert_links(), vocabulary
    )


def _alert_for(
    app: Flask, candidate, frequency: str = DAILY, days_ago: int = 3, **search
) -> AlertSubscription:
    """A candidate's saved search made ``days_ago`` days ago."""
    return alerts.save_search_for_candidate(
        candidate,
        SearchFilters(**search),
        frequency,
        app.config["SECRET_KEY"],
        now() - timedelta(days=days_ago),
    )


def _listed(message: OutboxMessage) -> list[int]:
    """The listing ids an alert email links to."""
    return [int(number) for number in LISTING_LINK.findall(message.text_body)]


def _new_alert_form(client: FlaskClient, query: str, data: dict[str, str], ip: str = "192.0.2.10"):
    path = f"/account/alerts/new?{query}"
    return client.post(
        path, data={**data, "csrf_token": csrf_token(client, path)}, environ_base={"REMOTE_ADDR": ip}
    )


# The search page and the form


def test_the_search_page_offers_emails_for_the_same_search(get_page):
    make_opportunity(type="job")
    page = get_page("/opportunities/?type=job&level=practitioner")
    link = page.soup.find("a", string="Get emails about new listings like these")
    assert link is not None
    assert link["href"] == "/account/alerts/new?type=job&level=practitioner"


def test_signed_out_the_form_says_the_search_in_words_and_asks_for_address_age_and_frequency(get_page):
    page = get_page("/account/alerts/new?type=job&type=placement&near=Leeds&q=blood")
    assert page.h1 == "Get emails about new listings"
    assert (
        "Your search: jobs or placements matching “blood” near Leeds (within 25 km), and online." in page.text
    )
    assert page.select("input[name=email][type=email]")
    assert {i["value"] for i in page.select("input[name=age_band]")} == {
        "under-13",
        "13-15",
        "16-17",
        "18-plus",
    }
    assert {i["value"] for i in page.select("input[name=frequency]")} == {"daily", "weekly"}
    assert {"/privacy/young-people", "/privacy/adults"} <= set(page.links())
    action = page.select("form[method=post]")[0]["action"]
    assert action.startswith("/account/alerts/new?") and "q=blood" in action


def test_organisation_staff_signed_in_type_their_own_address_like_anyone_without_an_account(client):
    sign_in_as(client, make_user(make_organisation()))
    page = well_formed(client.get("/account/alerts/new?type=job"))
    assert page.select("input[name=email]") and page.select("input[name=age_band]")


def test_an_unknown_place_is_explained_and_nothing_can_be_saved(get_page):
    page = get_page("/account/alerts/new?near=Qwertyton", status=400)
    assert page.title.split(" – ")[0] == "Error: Get emails about new listings"
    assert not page.select("input[name=email]")


def test_under_13_is_refused_in_plain_words_and_nothing_is_stored(client):
    answer = _new_alert_form(
        client, "type=event", {"email": ADDRESS, "age_band": "under-13", "frequency": "weekly"}
    )
    page = well_formed(answer)
    assert page.h1 == "You need to be 13 or over to get emails from us"
    assert "We have not kept anything you typed" in page.text
    assert db.session.scalar(select(func.count()).select_from(AlertSubscription)) == 0
    assert mail_to(ADDRESS) == []


def test_a_mistake_is_a_400_that_keeps_what_was_typed(client):
    answer = _new_alert_form(client, "type=event", {"email": ADDRESS, "age_band": "16-17"})
    assert answer.status_code == 400
    page = well_formed(answer)
    assert "There is a problem" in page.text and "Choose how often you want emails" in page.text
    assert page.select("input[name=email]")[0]["value"] == ADDRESS
    assert page.select("input[name=age_band][value='16-17']")[0].has_attr("checked")


def test_without_an_account_nothing_is_sent_until_the_emailed_link_is_opened_and_its_button_pressed(
    app, client
):
    answer = _new_alert_form(
        client, "type=event", {"email": ADDRESS, "age_band": AGE_13_15, "frequency": "daily"}
    )
    assert well_formed(answer).h1 == "Check your email"
    subscription = db.session.scalars(select(AlertSubscription)).one()
    assert (subscription.email, subscription.confirmed_at, subscription.frequency) == (ADDRESS, None, DAILY)
    make_opportunity(type="event")

    assert alerts.due_alerts(now() + timedelta(days=2)) == []
    assert _send(app, subscription).status == alerts.NOT_DUE
    assert db.session.scalar(select(func.count()).select_from(AlertDelivery)) == 0

    confirmation = last_mail_to(ADDRESS)
    assert confirmation.subject == "Confirm your email alert"
    assert "events, daily" in confirmation.text_body
    path = link_in(confirmation, "/account/alerts/confirm/")
    page = well_formed(client.get(path))
    assert page.h1 == "Start your emails about new listings"
    db.session.refresh(subscription)
    assert subscription.confirmed_at is None, "opening the link (as a link scanner does) confirms nothing"

    started = well_formed(client.post(path, data={"csrf_token": csrf_token(client, path)}))
    assert started.h1 == "Your emails have started"
    db.session.refresh(subscription)
    assert subscription.confirmed_at is not None
    assert alerts.due_alerts(now()) == [subscription.id]
    assert _send(app, subscription).status == alerts.EMAILED


def test_the_same_address_and_search_again_gets_the_same_answer_and_no_second_alert(client):
    for _ in range(2):
        answer = _new_alert_form(
            client, "level=practitioner", {"email": ADDRESS, "age_band": "18-plus", "frequency": "weekly"}
        )
        assert well_formed(answer).h1 == "Check your email"
    assert db.session.scalar(select(func.count()).select_from(AlertSubscription)) == 1
    path = link_in(last_mail_to(ADDRESS), "/account/alerts/confirm/")
    client.post(path, data={"csrf_token": csrf_token(client, path)})
    answer = _new_alert_form(
        client, "level=practitioner", {"email": ADDRESS.upper(), "age_band": "18-plus", "frequency": "weekly"}
    )
    assert well_formed(answer).h1 == "Check your email"
    assert db.session.scalar(select(func.count()).select_from(AlertSubscription)) == 1
    assert len(mail_to(ADDRESS)) == 2, "a confirmed alert asked for again sends nothing more"


def test_a_broken_confirmation_link_is_a_plain_404(get_page):
    page = get_page("/account/alerts/confirm/not-a-real-token", status=404)
    assert page.h1 == "This link does not work"


# Signed in


@pytest.mark.parametrize(("band", "default"), [(AGE_13_15, NO_EMAILS), (AGE_16_17, WEEKLY)])
def test_a_signed_in_candidate_chooses_how_often_and_13_to_15s_start_with_no_emails(client, band, default):
    candidate = make_candidate(age_band=band)
    sign_in_candidate_as(client, candidate)
    page = well_formed(client.get("/account/alerts/new?type=apprenticeship"))
    assert "Your search: apprenticeships." in page.text
    assert not page.select("input[name=email]"), "a candidate's alerts go to their verified address"
    checked = [i["value"] for i in page.select("input[name=frequency]") if i.has_attr("checked")]
    assert checked == [default]
    path = "/account/alerts/new?type=apprenticeship"
    saved = client.post(path, data={"frequency": default, "csrf_token": csrf_token(client, path)})
    assert location_path(saved) == "/account/alerts"
    subscription = db.session.scalars(select(AlertSubscription)).one()
    assert (subscription.candidate_id, subscription.frequency) == (candidate.id, default)
    assert subscription.search == {"type": ["apprenticeship"]} and subscription.confirmed_at is not None
    listed = well_formed(client.get("/account/alerts"))
    assert "Apprenticeships" in listed.text
    assert "/opportunities/?type=apprenticeship" in listed.links()


def test_a_13_to_15s_saved_search_sends_nothing_until_they_switch_emails_on(app, client):
    candidate = make_candidate(age_band=AGE_13_15)
    subscription = _alert_for(app, candidate, alerts.default_frequency(candidate))
    make_opportunity()
    assert alerts.due_alerts(now() + timedelta(days=30)) == []
    sign_in_candidate_as(client, candidate)
    form = f"alert-{subscription.id}-frequency"
    answer = client.post(
        f"/account/alerts/{subscription.id}/frequency",
        data={form: WEEKLY, "csrf_token": csrf_token(client, "/account/alerts")},
    )
    assert location_path(answer) == "/account/alerts"
    assert alerts.due_alerts(now()) == [subscription.id]


def test_someone_elses_alert_is_a_404_and_stays_as_it_was(app, client):
    owner = make_candidate()
    theirs = _alert_for(app, owner, DAILY)
    sign_in_candidate_as(client, make_candidate())
    token = csrf_token(client, "/account/alerts/new")
    changed = client.post(
        f"/account/alerts/{theirs.id}/frequency",
        data={f"alert-{theirs.id}-frequency": NO_EMAILS, "csrf_token": token},
    )
    deleted = client.post(f"/account/alerts/{theirs.id}/delete", data={"csrf_token": token})
    assert (changed.status_code, deleted.status_code) == (404, 404)
    db.session.refresh(theirs)
    assert theirs.frequency == DAILY
    assert "no saved searches" in well_formed(client.get("/account/alerts")).text


def test_a_candidate_deletes_a_saved_search(app, client):
    candidate = make_candidate()
    subscription = _alert_for(app, candidate, near="Leeds")
    sign_in_candidate_as(client, candidate)
    answer = client.post(
        f"/account/alerts/{subscription.id}/delete",
        data={"csrf_token": csrf_token(client, "/account/alerts")},
    )
    assert location_path(answer) == "/account/alerts"
    assert db.session.get(AlertSubscription, subscription.id) is None


def test_the_dashboard_section_lists_the_saved_searches(app, client):
    candidate = make_candidate()
    sign_in_candidate_as(client, candidate)
    assert "You have no saved searches" in well_formed(client.get("/account/")).text
    _alert_for(app, candidate, WEEKLY, type=["job"], near="Leeds")
    page = well_formed(client.get("/account/"))
    assert "Jobs near Leeds (within 25 km), and online (emailed weekly)" in page.text
    assert "/account/alerts" in page.links()
    assert "/opportunities/?near=Leeds&type=job" in page.links()


# Unsubscribing


def test_unsubscribe_works_without_signing_in_get_asks_and_a_post_without_csrf_deletes(app, client):
    candidate = make_candidate()
    subscription = _alert_for(app, candidate, type=["event"])
    make_opportunity(type="event")
    _send(app, subscription)
    path = link_in(last_mail_to(candidate.email), "/account/alerts/unsubscribe/")

    page = well_formed(client.get(path))
    assert page.h1 == "Stop these emails"
    assert "new listings for this search: events" in page.text
    assert db.session.get(AlertSubscription, subscription.id) is not None, "a GET changes nothing"

    # What a mail program's one-click unsubscribe sends (RFC 8058): no session, no CSRF token.
    answer = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert well_formed(answer).h1 == "You will get no more of these emails"
    assert db.session.get(AlertSubscription, subscription.id) is None
    assert db.session.scalar(select(func.count()).select_from(AlertDelivery)) == 0

    again = client.post(path)
    assert again.status_code == 404
    assert well_formed(again).h1 == "This alert has already been cancelled or the link is wrong"
    assert client.get("/account/alerts/unsubscribe/made-up").status_code == 404


def test_other_alert_changes_still_need_the_csrf_token(app, client):
    candidate = make_candidate()
    subscription = _alert_for(app, candidate)
    sign_in_candidate_as(client, candidate)
    assert client.post(f"/account/alerts/{subscription.id}/delete").status_code == 400
    assert db.session.get(AlertSubscription, subscription.id) is not None


def test_the_one_click_unsubscribe_headers_are_built_into_a_message():
    headers = list_unsubscribe_headers("https://careers.example.org/account/alerts/unsubscribe/abc")
    message = build_message(
        sender="a@example.org", to="b@example.org", subject="s", text="t", headers=headers
    )
    assert message["List-Unsubscribe"] == "<https://careers.example.org/account/alerts/unsubscribe/abc>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    with pytest.raises(ValueError):
        build_message(sender="a@example.org", to="b@example.org", subject="s", text="t", headers={"Bcc": "x"})


# What is sent, and when


def test_each_email_holds_only_listings_new_since_the_last_one(app):
    candidate = make_candidate()
    older = make_opportunity(type="placement", live_since=now() - timedelta(days=5))
    subscription = _alert_for(app, candidate, DAILY, days_ago=3, type=["placement"])
    first = [make_opportunity(type="placement", live_since=now() - timedelta(days=1)) for _ in range(2)]
    make_opportunity(type="job", live_since=now() - timedelta(days=1))
    make_opportunity(type="placement", status=CLOSED, live_since=now() - timedelta(days=1))
    make_opportunity(type="placement", closes_on=date.today() - timedelta(days=1))

    outcome = _send(app, subscription)
    assert (outcome.status, outcome.emailed) == (alerts.EMAILED, 2)
    email = last_mail_to(candidate.email)
    assert sorted(_listed(email)) == sorted(o.id for o in first)
    assert older.id not in _listed(email), "a listing live before the search was saved is not new"
    assert first[0].title in email.text_body and "http://localhost/account/alerts" in email.text_body
    unsubscribe = re.search(r"http://localhost/account/alerts/unsubscribe/\S+", email.text_body).group()
    assert email.headers == list_unsubscribe_headers(unsubscribe), "one-click unsubscribe, as in the body"

    later = now() + timedelta(days=1)
    newer = make_opportunity(type="placement", live_since=now())
    outcome = _send(app, subscription, later)
    assert (outcome.status, outcome.emailed) == (alerts.EMAILED, 1)
    assert _listed(last_mail_to(candidate.email)) == [newer.id]

    assert _send(app, subscription, later + timedelta(days=1)).status == alerts.NOTHING_NEW
    assert len(mail_to(candidate.email)) == 2, "nothing new: no email at all"
    db.session.refresh(subscription)
    assert subscription.last_checked_at > subscription.last_sent_at


def test_an_email_holds_25_listings_and_the_rest_come_next_time(app):
    candidate = make_candidate()
    subscription = _alert_for(app, candidate, DAILY)
    listings = [make_opportunity(live_since=now() - timedelta(hours=30 - n)) for n in range(30)]
    first = _send(app, subscription)
    assert (first.emailed, first.waiting) == (25, 5)
    assert "5 more. They will be in your next email" in last_mail_to(candidate.email).text_body
    second = _send(app, subscription, now() + timedelta(days=1))
    assert (second.emailed, second.waiting) == (5, 0)
    sent = [listing for message in mail_to(candidate.email) for listing in _listed(message)]
    assert sorted(sent) == sorted(listing.id for listing in listings), "every listing once, none skipped"


def test_daily_alerts_are_due_after_23_hours_and_weekly_ones_after_6_days_23_hours(app):
    daily = _alert_for(app, make_candidate(), DAILY)
    weekly = _alert_for(app, make_candidate(), WEEKLY)
    start = now()
    assert alerts.due_alerts(start) == [daily.id, weekly.id], "never sent: due at once"
    _send(app, daily, start)
    _send(app, weekly, start)
    assert alerts.due_alerts(start + timedelta(hours=22, minutes=59)) == []
    assert alerts.due_alerts(start + timedelta(hours=23)) == [daily.id]
    assert alerts.due_alerts(start + timedelta(days=6, hours=22)) == [daily.id]
    assert alerts.due_alerts(start + timedelta(days=6, hours=23)) == [daily.id, weekly.id]
    assert _send(app, daily, start + timedelta(hours=1)).status == alerts.NOT_DUE, "the job checks again"


# Rate limits


def test_one_address_gets_at_most_3_confirmation_emails_an_hour_and_a_refusal_does_not_count(limited):
    child = {"email": ADDRESS, "age_band": "under-13", "frequency": "weekly"}
    assert _new_alert_form(limited, "type=job", child, ip="192.0.2.1").status_code == 200
    for number, kind in enumerate(("job", "event", "placement"), start=2):
        adult = {"email": ADDRESS, "age_band": "18-plus", "frequency": "weekly"}
        assert _new_alert_form(limited, f"type={kind}", adult, ip=f"192.0.2.{number}").status_code == 200
    refused = _new_alert_form(limited, "type=apprenticeship", adult, ip="192.0.2.9")
    assert refused.status_code == 429
    assert "sent several emails to that address" in well_formed(refused).text
    assert len(mail_to(ADDRESS)) == 3


# Stored searches and hostile input


@given(
    types=st.lists(st.sampled_from(["job", "event", "placement", "apprenticeship"]), unique=True),
    q=st.one_of(
        st.none(), st.text(min_size=1, max_size=200).filter(lambda text: "\x00" not in text and text.strip())
    ),
    near=st.sampled_from([None, "Leeds", "LS1"]),
    closing_soon=st.booleans(),
    page=st.integers(min_value=1, max_value=500),
)
def test_a_stored_search_reads_back_as_the_same_search(types, q, near, closing_soon, page):
    filters = SearchFilters(
        type=tuple(types), q=q, near=near, closing_soon=closing_soon, page=page, sort="newest"
    )
    stored = alerts.saved_search(filters)
    assert "page" not in stored and "sort" not in stored
    again = SearchFilters.model_validate(stored)
    assert again == filters.model_copy(update={"page": 1, "sort": None, "type": tuple(sorted(types))})
    reordered = filters.model_copy(update={"type": tuple(reversed(types))})
    assert alerts.saved_search(reordered) == stored, "the same search in another order is the same alert"


@pytest.mark.parametrize(
    "query",
    [
        "q=" + "x" * 5000,
        "type=rocket&level=emperor&radius_km=-4",
        "near=" + "L" * 900,
        "q=%E2%80%AEevil&page=99999&type=job&type=job",
    ],
)
def test_hostile_searches_still_give_a_page(client, query):
    answer = client.get(f"/account/alerts/new?{query}")
    assert answer.status_code in (200, 400)
    assert well_formed(answer).h1 == "Get emails about new listings"


def test_hostile_tokens_are_plain_404s(client):
    for token in ("x" * 5000, "%E2%80%AE", "..%2F..%2Fetc", "a.b.c"):
        assert client.get(f"/account/alerts/unsubscribe/{token}").status_code == 404
        assert client.post(f"/account/alerts/unsubscribe/{token}").status_code == 404
        assert client.get(f"/account/alerts/confirm/{token}").status_code == 404


def test_a_frequency_that_is_not_offered_is_a_400_with_the_error_shown(app, client):
    candidate = make_candidate()
    subscription = _alert_for(app, candidate, WEEKLY)
    sign_in_candidate_as(client, candidate)
    answer = client.post(
        f"/account/alerts/{subscription.id}/frequency",
        data={
            f"alert-{subscription.id}-frequency": "hourly",
            "csrf_token": csrf_token(client, "/account/alerts/new"),
        },
    )
    assert answer.status_code == 400
    page = well_formed(answer)
    assert page.title.startswith("Error: Your saved searches") and "There is a problem" in page.text
    db.session.refresh(subscription)
    assert subscription.frequency == WEEKLY
