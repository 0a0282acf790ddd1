"""The accessibility statement says what standard we aim for, how we test, what falls short and what to do."""

from __future__ import annotations


def _read(page) -> str:
    """The words of <main> as a reader sees them, with short forms spelled out where the page does."""
    return " ".join(page.soup.find("main").get_text(" ").split())


def test_statement_names_the_standard(get_page):
    page = get_page("/accessibility")
    assert page.h1 == "Accessibility statement"
    assert "Web Content Accessibility Guidelines (WCAG) 2.2 at level AA" in _read(page)


def test_statement_says_how_the_site_is_tested(get_page):
    text = _read(get_page("/accessibility"))
    for method in ("axe-core", "Chromium", "only a keyboard", "200% and 400% zoom", "JavaScript turned off"):
        assert method in text


def test_statement_lists_known_issues_honestly(get_page):
    page = get_page("/accessibility")
    issues = page.soup.find("h2", id="known-issues").find_next_sibling("ul").get_text(" ", strip=True)
    assert "tables" in issues and "charts" in issues
    assert "/workforce" in [a["href"] for a in page.select("#known-issues ~ ul a")]


def test_statement_says_how_to_report_a_problem_without_inventing_a_contact(get_page):
    page = get_page("/accessibility")
    report = page.soup.find("h2", id="report").find_next_sibling("p").get_text(" ", strip=True)
    assert "do not yet have a way" in report
    assert not page.select("main a[href^='mailto:']")
    assert "@" not in page.soup.find("main").get_text()


def test_statement_gives_the_date_it_was_prepared(get_page):
    assert "This statement was prepared on 1 December 2026." in _read(get_page("/accessibility"))
