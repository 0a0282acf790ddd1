"""The workforce dashboard and the public workforce page in real Chromium, on demonstration data:
zero axe violations, charts drawn without JavaScript, filters that work without it, and screenshots."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.helpers import axe_violations, submit

SCREENSHOTS = Path(__file__).resolve().parents[2] / "instance" / "screenshots"


def _screenshot(page, name: str) -> None:
    """The whole page, and its first screens alone (the whole dashboard is mostly its long area table)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    height = min(3000, page.evaluate("document.documentElement.scrollHeight"))
    clip = {"x": 0, "y": 0, "width": 1280, "height": height}
    page.screenshot(path=str(SCREENSHOTS / f"{name}-top.png"), full_page=True, clip=clip)


@pytest.fixture
def admin_page(admin_tab):
    """The run's administrator tab."""
    return admin_tab


def _charts_are_drawn(page) -> int:
    """How many charts have a visible, named SVG with bars, columns or lines in it."""
    charts = page.locator("figure.app-chart svg[role=img]")
    for index in range(charts.count()):
        chart = charts.nth(index)
        box = chart.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 80
        assert chart.locator("rect, polyline").count() > 0
        caption_id = chart.get_attribute("aria-labelledby")
        assert page.locator(f"#{caption_id}").inner_text().strip()
    return charts.count()


def test_the_dashboard_on_demonstration_data_is_accessible(live_server, admin_page):
    admin_page.goto(live_server + "/admin/workforce")
    assert admin_page.locator("h1").inner_text() == "Workforce intelligence"
    main = admin_page.locator("main")
    assert "This site holds demonstration data." in main.locator(".nhsuk-card--warning").inner_text()
    # Division, region, listing type and level, and five weekly trends.
    assert _charts_are_drawn(admin_page) == 9
    assert main.locator("#areas-table tbody tr").count() > 100
    assert main.locator("#ranking-interest-table tbody tr").count() > 0
    assert "Withheld" in main.inner_text() and "plus withheld" in main.inner_text()
    assert axe_violations(admin_page) == []
    _screenshot(admin_page, "workforce-dashboard")


def test_a_bad_dashboard_filter_is_explained_accessibly(live_server, admin_page):
    admin_page.goto(live_server + "/admin/workforce?weeks=7")
    assert "Choose a period of 4, 13, 52 weeks." in admin_page.locator(".nhsuk-error-summary").inner_text()
    assert axe_violations(admin_page) == []


def test_the_public_page_on_demonstration_data_is_accessible(live_server, browser_page):
    browser_page.goto(live_server + "/workforce")
    assert browser_page.locator("h1").inner_text() == "Where healthcare science needs people"
    main = browser_page.locator("main")
    assert "Demonstration data" in main.locator(".nhsuk-card--warning").inner_text()
    assert _charts_are_drawn(browser_page) == 2
    assert main.locator("#places-outrun-interest + p + ol li").count() > 0
    assert "What these figures cannot tell you" in main.inner_text()
    assert axe_violations(browser_page) == []
    _screenshot(browser_page, "workforce-public")


def test_the_public_page_and_its_filters_work_without_javascript(live_server, no_js_page):
    no_js_page.goto(live_server + "/workforce")
    assert _charts_are_drawn(no_js_page) == 2
    no_js_page.select_option("#filter-region", "scotland")
    no_js_page.select_option("#filter-weeks", "52")
    submit(no_js_page, "button:has-text('Show figures')")
    assert "region=scotland" in no_js_page.url and "weeks=52" in no_js_page.url
    regions = no_js_page.locator("#regions-table tbody tr th").all_inner_texts()
    assert regions == ["Scotland"]
    assert "the 52 weeks from Monday" in no_js_page.locator("main").inner_text()
