"""Key pages in real Chromium: zero WCAG 2.2 AA violations from axe, and they work without JavaScript."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.helpers import axe_violations, submit

SCREENSHOTS = Path(__file__).resolve().parents[2] / "instance" / "screenshots"
PAGES = {
    "home": "/",
    "browse": "/service-areas/",
    "browse-filtered": "/service-areas/?q=heart&contact=lots",
    "browse-a-z": "/service-areas/?view=a-z",
    "profile": "/service-areas/audiology",
    "profile-with-stage": "/service-areas/audiology?stage=post16",
    "child-profile": "/service-areas/paediatric-audiology",
    "compare": "/service-areas/compare?slugs=audiology,neurophysiology,medical-physics",
    "entry-routes": "/entry-routes/",
    "entry-route": "/entry-routes/scientist-training-programme",
    "start-stage": "/start/gcse",
    "not-found": "/service-areas/not-a-real-area",
    "find-your-fit": "/find-your-fit",
    "shared-result": "/find-your-fit/shared?areas=audiology,medical-physics&stage=gcse",
    "shared-neighbouring": "/find-your-fit/shared?areas=phlebotomy,critical-care-science&beside=nursing",
    "glossary": "/glossary",
    "accessibility": "/accessibility",
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_has_no_wcagaxe_violations(live_server, browser_page, name):
    browser_page.goto(live_server + PAGES[name])
    assert browser_page.locator("h1").count() == 1
    assert axe_violations(browser_page) == []


def test_profile_page_looks_like_an_nhs_service(live_server, browser_page):
    browser_page.goto(live_server + "/service-areas/audiology")
    header_colour = browser_page.eval_on_selector(".nhsuk-header", "e => getComputedStyle(e).backgroundColor")
    assert header_colour == "rgb(0, 94, 184)"  # NHS blue: the compiled NHS.UK styles are applied
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser_page.screenshot(path=str(SCREENSHOTS / "profile.png"), full_page=False)


def test_printed_profile_hides_navigation_and_forms(live_server, browser_page):
    browser_page.goto(live_server + "/service-areas/audiology")
    browser_page.emulate_media(media="print")
    assert not browser_page.locator(".nhsuk-header").is_visible()
    assert not browser_page.locator("form.app-stage-form").is_visible()
    assert browser_page.locator("h1").is_visible()
    assert axe_violations(browser_page) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser_page.pdf(path=str(SCREENSHOTS / "profile-print.pdf"))


def test_search_and_filters_work_without_javascript(live_server, no_js_page):
    no_js_page.goto(live_server + "/service-areas/")
    no_js_page.fill("#filter-q", "hearing")
    no_js_page.select_option("#filter-division", "physiological-sciences")
    submit(no_js_page, "button:has-text('Apply filters')")
    assert "q=hearing" in no_js_page.url
    names = no_js_page.locator(".app-area-list a").all_inner_texts()
    assert "Audiology" in names


def test_stage_choice_works_without_javascript(live_server, no_js_page):
    no_js_page.goto(live_server + "/service-areas/audiology")
    no_js_page.select_option("#stage", "graduate")
    submit(no_js_page, "button:has-text('Show my ways in')")
    assert no_js_page.locator(".app-route-steps__item").count() > 0


def test_skip_link_moves_focus_to_main_content(live_server, browser_page):
    browser_page.goto(live_server + "/")
    browser_page.keyboard.press("Tab")
    assert browser_page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"


def test_find_your_fit_results_are_accessible_and_work_without_javascript(live_server, browser, no_js_page):
    no_js_page.goto(live_server + "/find-your-fit")
    no_js_page.fill("#about", "I like physics and want to help treat cancer")
    no_js_page.check("input[name=stage][value=post16]")
    submit(no_js_page, "button:has-text('Show my suggestions')")
    assert no_js_page.locator("h1").inner_text() == "Your suggestions"
    assert no_js_page.locator(".app-suggestion").count() > 0
    context = browser.new_context()
    page = context.new_page()
    page.goto(live_server + "/find-your-fit")
    submit(page, "button:has-text('Show my suggestions')")
    assert page.locator(".nhsuk-error-summary").is_visible()
    assert axe_violations(page) == []
    page.fill("#about", "I like physics and want to help treat cancer")
    submit(page, "button:has-text('Show my suggestions')")
    assert axe_violations(page) == []
    context.close()


def test_the_browser_enforces_the_policy_and_runs_only_the_planned_scripts(live_server, browser_page):
    # Injected by the browser itself, before any page script, so the policy does not apply to it.
    browser_page.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.blockedURI));"
    )
    browser_page.goto(
        live_server + "/service-areas/compare?slugs=%3Cscript%3Ealert(1)%3C/script%3E,audiology"
    )
    browser_page.wait_for_load_state("networkidle")
    classes = browser_page.evaluate("document.body.className")
    assert "js-enabled" in classes and "nhsuk-frontend-supported" in classes
    assert browser_page.evaluate("window.__violations") == []
    assert "<script>alert(1)</script>" in browser_page.locator("main").inner_text()
