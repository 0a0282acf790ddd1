"""Candidates in real Chromium: signing up (and the under-13 page), the account page, sending an
expression of interest and the organisation reading it, and the privacy notices, each with zero axe
violations."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.helpers import axe_violations, submit
from tests.browser.people import (
    INTEREST_MESSAGE,
    PASSWORD,
    add_candidate_with_saved_things,
    add_listing_taking_interest,
    live_database_uri,
    rows_in_live_database,
)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "instance" / "screenshots"
MESSAGE = "I am in year 12 and want to be an audiologist.\nCould I shadow a clinic in the summer holidays?"


def _screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _sign_in(page, live_server: str, path: str, email: str) -> None:
    page.goto(live_server + path)
    _fill_sign_in(page, email)


def _fill_sign_in(page, email: str) -> None:
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    submit(page, "main button:has-text('Sign in')")


@pytest.fixture
def database_uri(live_server, tmp_path_factory) -> str:
    """The running portal's database, for the rows a test makes for itself."""
    return live_database_uri(tmp_path_factory.getbasetemp())


def test_signing_up_at_16_without_a_password_asks_the_person_to_check_their_email(live_server, browser_page):
    browser_page.goto(live_server + "/account/sign-up")
    assert browser_page.locator("h1").inner_text() == "Make an account"
    assert axe_violations(browser_page) == []
    browser_page.check("input[name=age_band][value='16-17']")
    browser_page.fill("input[name=email]", "new.sixteen@example.net")
    submit(browser_page, "button:has-text('Make my account')")
    assert browser_page.url.endswith("/account/check-your-email")
    assert browser_page.locator("h1").inner_text() == "Check your email"
    text = browser_page.locator("main").inner_text()
    assert "We have sent an email to the address you gave us." in text
    assert "The link works for 3 days and signs you in." in text
    assert axe_violations(browser_page) == []


def test_under_13_is_told_why_there_is_no_account_and_what_they_can_still_do(live_server, browser_page):
    browser_page.goto(live_server + "/account/sign-up")
    browser_page.check("input[name=age_band][value='under-13']")
    browser_page.fill("input[name=email]", "too.young@example.net")
    submit(browser_page, "button:has-text('Make my account')")
    assert browser_page.url.endswith("/account/under-13")
    assert browser_page.locator("h1").inner_text() == "You need to be 13 or over to have an account"
    text = browser_page.locator("main").inner_text()
    assert "We have not kept anything you typed." in text
    assert "too.young@example.net" not in browser_page.content()
    assert browser_page.locator("main a:has-text('find your fit')").count() == 1
    assert axe_violations(browser_page) == []


def test_the_account_page_lists_saved_things_interest_and_searches(live_server, browser_page, database_uri):
    with rows_in_live_database(database_uri):
        person = add_candidate_with_saved_things()
    _sign_in(browser_page, live_server, "/account/sign-in", person["email"])
    assert browser_page.url.rstrip("/").endswith("/account")
    assert browser_page.locator("h1").inner_text() == "Your account"
    main = browser_page.locator("main")
    assert f"You are signed in as {person['email']}." in main.inner_text()
    assert main.locator(".app-saved-area a").inner_text() == "Medical physics"
    assert main.locator(".app-saved-listing a").inner_text() == person["saved_listing"]
    interest_row = main.locator(".app-interest-row").inner_text()
    assert person["interest_listing"] in interest_row and "New" in interest_row
    assert (
        main.locator(".app-dashboard-alerts li")
        .inner_text()
        .startswith("Work experiences in Audiology (emailed weekly)")
    )
    assert axe_violations(browser_page) == []
    _screenshot(browser_page, "candidate-dashboard")
    # The interest's own page shows what was sent, line breaks kept.
    with browser_page.expect_navigation():
        browser_page.click(f".app-interest-row a:has-text('{person['interest_listing']}')")
    assert browser_page.locator(".app-interest-message").inner_text() == INTEREST_MESSAGE
    assert axe_violations(browser_page) == []


def test_an_expression_of_interest_reaches_the_organisation_without_the_email_address(
    live_server, browser, browser_page, database_uri
):
    with rows_in_live_database(database_uri):
        listing = add_listing_taking_interest()
    browser_page.goto(f"{live_server}/opportunities/{listing['listing_id']}")
    # Signing in on the way keeps the person on their way to the form.
    with browser_page.expect_navigation():
        browser_page.click(f"a:has-text('Tell {listing['organisation']} you are interested')")
    assert "/account/sign-in" in browser_page.url
    _fill_sign_in(browser_page, listing["candidate_email"])
    assert browser_page.url.endswith(f"/account/interest/{listing['listing_id']}")
    assert browser_page.locator("h1").inner_text() == f"Tell {listing['organisation']} you are interested"
    assert axe_violations(browser_page) == []
    browser_page.fill("textarea[name=message]", MESSAGE)
    browser_page.check("input[name=share_email][value=no]")
    _screenshot(browser_page, "expression-of-interest")
    submit(browser_page, "button:has-text('Send')")

    assert "/account/interests/" in browser_page.url
    main = browser_page.locator("main")
    assert browser_page.locator("h1").inner_text() == f"Your interest in {listing['title']}"
    assert f"Your interest has been sent to {listing['organisation']}." in browser_page.content()
    assert main.locator("#status").inner_text() == "Status: New"
    assert f"Not shared: {listing['organisation']} cannot see it" in main.inner_text()
    assert main.locator(".app-interest-message").inner_text() == MESSAGE
    assert axe_violations(browser_page) == []
    _screenshot(browser_page, "expression-of-interest-sent")

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        owner_page = context.new_page()
        _sign_in(owner_page, live_server, "/organisations/sign-in", listing["owner_email"])
        owner_page.goto(live_server + "/organisations/interest")
        assert owner_page.locator("h1").inner_text() == "Expressions of interest"
        card = owner_page.locator(".app-interest")
        assert card.count() == 1
        assert card.locator(".app-interest-message").inner_text() == MESSAGE
        card_text = card.inner_text()
        assert listing["title"] in card_text
        assert "The candidate chose not to share their email address" in card_text
        assert listing["candidate_email"] not in owner_page.content()
        assert axe_violations(owner_page) == []
        _screenshot(owner_page, "organisation-interest-list")
    finally:
        context.close()


PRIVACY_PAGES = {
    "/privacy": ("Privacy", "We have written our privacy notice twice."),
    "/privacy/young-people": ("Privacy for young people", "If you are under 13"),
    "/privacy/adults": ("Privacy for adults", "Why, and the lawful basis"),
}


def test_the_privacy_notices_are_accessible(live_server, browser_page):
    for path, (heading, says) in PRIVACY_PAGES.items():
        browser_page.goto(live_server + path)
        assert browser_page.locator("h1").inner_text() == heading, path
        assert says in browser_page.locator("main").inner_text(), path
        assert axe_violations(browser_page) == [], path
