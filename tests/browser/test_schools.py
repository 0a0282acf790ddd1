"""A teacher's class summary in real Chromium: only the count below five students, the figures above
it with every small group hidden, and zero axe violations either way."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.helpers import axe_violations, submit
from tests.browser.people import PASSWORD, add_class_with_responses, live_database_uri, rows_in_live_database

SCREENSHOTS = Path(__file__).resolve().parents[2] / "instance" / "screenshots"
# One student each: their stage and their top three suggestions, best first. In the first five,
# audiology comes up for everyone and every first suggestion is a physiological science, while
# no stage is shared by five, so the stages stay hidden.
ANSWERS = [
    ("post16", ["audiology", "cardiac-science", "medical-physics"]),
    ("post16", ["audiology", "neurophysiology", "clinical-biochemistry"]),
    ("gcse", ["cardiac-science", "audiology", "genomic-counselling"]),
    ("post16", ["audiology", "medical-physics", "cardiac-science"]),
    ("gcse", ["neurophysiology", "audiology", "clinical-biochemistry"]),
    ("undergraduate", ["medical-physics", "clinical-biochemistry"]),
    (None, ["genomic-counselling", "audiology"]),
]


def _screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def database_uri(live_server, tmp_path_factory) -> str:
    """The running portal's database, for the rows a test makes for itself."""
    return live_database_uri(tmp_path_factory.getbasetemp())


def _class_summary_as_teacher(page, live_server: str, database_uri: str, answers) -> dict:
    with rows_in_live_database(database_uri):
        made = add_class_with_responses(answers)
    page.goto(live_server + "/organisations/sign-in")
    page.fill("input[name=email]", made["teacher_email"])
    page.fill("input[name=password]", PASSWORD)
    submit(page, "main button:has-text('Sign in')")
    page.goto(f"{live_server}/schools/classes/{made['class_id']}")
    assert page.locator("h1").inner_text() == "Year 12 biology"
    assert made["school"] in page.locator(".nhsuk-caption-l").inner_text()
    return made


def _table(page, caption: str) -> list[tuple[str, str]]:
    table = page.locator(f"table.app-class-table:has(caption:has-text('{caption}'))")
    return [tuple(row.locator("td").all_inner_texts()) for row in table.locator("tbody tr").all()]


def test_below_five_students_the_summary_shows_only_how_many_have_taken_part(
    live_server, browser_page, database_uri
):
    _class_summary_as_teacher(browser_page, live_server, database_uri, ANSWERS[:4])
    main = browser_page.locator("main")
    assert main.locator(".app-class-waiting").inner_text() == "4 students so far: the summary appears at 5."
    assert main.locator("table").count() == 0
    assert "Audiology" not in main.inner_text()
    assert axe_violations(browser_page) == []
    _screenshot(browser_page, "class-summary-below-threshold")


def test_above_five_students_the_summary_shows_only_groups_of_five_or_more(
    live_server, browser_page, database_uri
):
    _class_summary_as_teacher(browser_page, live_server, database_uri, ANSWERS)
    main = browser_page.locator("main")
    participants = main.locator(".app-class-participants").inner_text()
    assert participants.startswith("7 students have taken part.")
    assert "These figures come from the first 5 of them." in participants
    assert _table(browser_page, "Service areas that came up most") == [("Audiology", "5")]
    assert _table(browser_page, "Spread across the divisions") == [("Physiological sciences", "5")]
    # Three at post-16 and two at GCSE: either would give a small group away, so neither is shown.
    assert (
        "Not shown yet: with 5 students, showing the stages"
        in main.locator(".app-class-withheld").inner_text()
    )
    counts = [int(n) for n in main.locator(".app-class-count").all_inner_texts()]
    assert counts and min(counts) >= 5
    assert axe_violations(browser_page) == []
    _screenshot(browser_page, "class-summary-above-threshold")
