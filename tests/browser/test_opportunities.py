"""Opportunities in real Chromium: search by place, a listing, signing up and in, posting, the
dashboard, the import preview and the moderation queue, each with zero axe violations."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.helpers import axe_violations, submit
from tests.browser.people import (
    OWNER_EMAIL,
    PASSWORD,
    REFERRED_TITLE,
    SUBMITTED_TITLE,
)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "instance" / "screenshots"


def _screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _sign_in(page, live_server: str, path: str, email: str, button: str = "Sign in") -> None:
    page.goto(live_server + path)
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    submit(page, f"button:has-text('{button}')")


@pytest.fixture
def owner_page(live_server, browser_page):
    """A tab signed in as the owner of Northdale Teaching Hospitals."""
    _sign_in(browser_page, live_server, "/organisations/sign-in", OWNER_EMAIL)
    return browser_page


@pytest.fixture
def admin_page(admin_tab):
    """The run's administrator tab (a second sign-in within 30 seconds could not reuse the code)."""
    return admin_tab


def test_search_near_a_town_works_without_javascript_shows_distances_and_is_accessible(
    live_server, no_js_page, browser_page
):
    no_js_page.goto(live_server + "/opportunities/")
    no_js_page.fill("input[name=near]", "Leeds")
    no_js_page.select_option("select[name=radius_km]", "25")
    submit(no_js_page, "button:has-text('Search')")
    assert "near=Leeds" in no_js_page.url
    text = no_js_page.locator("main").inner_text()
    distances = [float(d) for d in re.findall(r"([\d.]+) km away", text)]
    assert distances and max(distances) <= 25
    assert "Demonstration listing" in text
    # axe runs as a script, so it checks the same results with JavaScript on.
    browser_page.goto(no_js_page.url)
    assert axe_violations(browser_page) == []
    _screenshot(browser_page, "search-near-leeds")


def test_a_misspelt_place_is_explained_with_suggestions(live_server, browser_page):
    browser_page.goto(live_server + "/opportunities/?near=Leedz")
    assert "Leedz" in browser_page.locator(".nhsuk-error-summary").inner_text()
    assert "Leeds" in browser_page.locator("main").inner_text()
    assert axe_violations(browser_page) == []


def test_a_listing_and_its_report_form_are_accessible(live_server, browser_page):
    browser_page.goto(live_server + "/opportunities/?type=job")
    with browser_page.expect_navigation():
        browser_page.locator("main h2 a, main h3 a").first.click()
    assert re.search(r"/opportunities/\d+$", browser_page.url)
    assert "Demonstration listing" in browser_page.locator("main").inner_text()
    assert axe_violations(browser_page) == []
    with browser_page.expect_navigation():
        browser_page.click("a:has-text('Report this listing')")
    assert axe_violations(browser_page) == []


def test_sign_up_and_sign_in_pages_are_accessible(live_server, browser_page):
    for path in ("/organisations/sign-up", "/organisations/sign-in", "/admin/sign-in"):
        browser_page.goto(live_server + path)
        assert axe_violations(browser_page) == [], path
    browser_page.goto(live_server + "/organisations/sign-up")
    submit(browser_page, "button[type=submit]")
    assert browser_page.locator(".nhsuk-error-summary").is_visible()
    assert axe_violations(browser_page) == []


def test_the_dashboard_and_the_posting_form_are_accessible(live_server, owner_page):
    assert owner_page.locator("h1").inner_text().strip() != ""
    text = owner_page.locator("main").inner_text()
    assert REFERRED_TITLE in text and SUBMITTED_TITLE in text
    assert axe_violations(owner_page) == []
    owner_page.goto(live_server + "/organisations/opportunities/new")
    assert axe_violations(owner_page) == []
    submit(owner_page, "button:has-text('Save')")
    assert owner_page.locator(".nhsuk-error-summary").is_visible()
    assert axe_violations(owner_page) == []


def test_a_referred_back_listing_shows_its_poster_what_to_change(live_server, owner_page):
    with owner_page.expect_navigation():
        owner_page.click(f"a:has-text('{REFERRED_TITLE}')")
    text = owner_page.locator("main").inner_text()
    assert "What to change" in text
    assert "Say what the apprentice wage is in pounds an hour." in text
    assert axe_violations(owner_page) == []
    _screenshot(owner_page, "referred-back-listing")


def test_the_import_preview_reports_each_row(live_server, owner_page, tmp_path):
    template = owner_page.request.get(live_server + "/organisations/import/template.csv").text()
    lines = template.splitlines()
    broken = lines[1].replace("https://", "http://", 1)
    upload = tmp_path / "listings.csv"
    upload.write_text("\n".join([lines[0], lines[1], broken]) + "\n", encoding="utf-8")
    owner_page.goto(live_server + "/organisations/import")
    assert axe_violations(owner_page) == []
    owner_page.set_input_files("input[type=file]", str(upload))
    submit(owner_page, "button:has-text('Check the file')")
    text = owner_page.locator("main").inner_text()
    assert "1 of 2 rows can be imported; 1 has problems" in text
    problem_row = owner_page.locator("#problems ~ table tbody tr").first.inner_text()
    assert problem_row.startswith("3") and "https://" in problem_row
    assert axe_violations(owner_page) == []
    _screenshot(owner_page, "import-preview")


def test_the_moderation_queue_and_a_listing_under_review_are_accessible(live_server, admin_page):
    admin_page.goto(live_server + "/admin/moderation")
    assert SUBMITTED_TITLE in admin_page.locator("main").inner_text()
    assert axe_violations(admin_page) == []
    _screenshot(admin_page, "moderation-queue")
    with admin_page.expect_navigation():
        admin_page.click(f"a:has-text('{SUBMITTED_TITLE}')")
    assert axe_violations(admin_page) == []
