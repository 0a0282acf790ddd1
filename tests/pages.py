"""A parsed HTML page and the checks every page of the portal must pass."""

from __future__ import annotations

from collections import Counter

from bs4 import BeautifulSoup
from werkzeug.test import TestResponse

SERVICE_NAME = "Healthcare Science Careers"


class Page:
    """An HTML response, parsed, with helpers for asserting what it says."""

    def __init__(self, response: TestResponse) -> None:
        self.response = response
        self.soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")

    @property
    def h1(self) -> str:
        """The text of the page's only <h1>."""
        return self.soup.find("h1").get_text(" ", strip=True)

    @property
    def title(self) -> str:
        """The text of <title>."""
        return self.soup.title.get_text(strip=True)

    @property
    def text(self) -> str:
        """All visible text, whitespace collapsed, each first-use expansion read as its abbreviation.

        So a page can be compared with what the content files say; tests/public/test_abbreviations.py
        checks the expansions themselves.
        """
        soup = BeautifulSoup(str(self.soup), "html.parser")
        for expansion in soup.select("span.app-expansion[data-short]"):
            expansion.replace_with(expansion["data-short"])
        soup.smooth()
        return " ".join(soup.get_text(" ").split())

    def select(self, css: str) -> list:
        """Elements matching a CSS selector."""
        return self.soup.select(css)

    def links(self) -> list[str]:
        """Every href on the page."""
        return [a["href"] for a in self.soup.select("a[href]")]

    def assert_well_formed(self) -> None:
        """One <h1>, a <title> that starts with it, unique ids, CSRF on POST forms."""
        headings = self.soup.find_all("h1")
        assert len(headings) == 1, f"expected one <h1>, found {len(headings)}"
        assert self.title == f"{self.h1} – {SERVICE_NAME}", (
            f"<title> {self.title!r} does not match <h1> {self.h1!r}"
        )
        ids = Counter(tag["id"] for tag in self.soup.find_all(id=True))
        duplicates = [value for value, count in ids.items() if count > 1]
        assert not duplicates, f"duplicate ids: {duplicates}"
        for form in self.soup.find_all("form"):
            if form.get("method", "get").lower() == "post":
                assert form.find("input", attrs={"name": "csrf_token"}), "POST form without a CSRF token"
        assert self.soup.find("a", class_="nhsuk-skip-link"), "no skip link"
        assert self.soup.find("main", id="maincontent"), "no <main id=maincontent>"
