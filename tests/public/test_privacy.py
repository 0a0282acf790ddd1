"""The privacy notices: plain words, the retention periods the purge uses, links to every right."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from bs4 import BeautifulSoup
from flask import render_template

from portal.models.schools import CLASS_THRESHOLD
from portal.services.personal_data import (
    INACTIVE_MONTHS,
    PRIVACY_FACTS,
    REMINDER_GRACE_DAYS,
    SENT_MAIL_DAYS,
    UNCONFIRMED_ALERT_DAYS,
    UNVERIFIED_ACCOUNT_DAYS,
)

NOTICES = {
    "/privacy/young-people": "Privacy for young people",
    "/privacy/adults": "Privacy for adults",
}
RIGHTS_LINKS = {"/account/your-data", "/account/your-data.json", "/account/delete", "https://ico.org.uk"}


def _main_text(html: str) -> str:
    main = BeautifulSoup(html, "html.parser").find("main")
    return " ".join(main.get_text(" ").split())


def test_the_privacy_page_leads_to_both_notices(get_page):
    page = get_page("/privacy")
    assert page.h1 == "Privacy"
    assert {"/privacy/young-people", "/privacy/adults"} <= set(page.links())
    assert f"If you do not use your account for {INACTIVE_MONTHS} months" in page.text
    assert RIGHTS_LINKS - {"https://ico.org.uk"} <= set(page.links())


@pytest.mark.parametrize("path", NOTICES)
def test_each_notice_states_the_periods_the_purge_uses(get_page, path):
    page = get_page(path)
    assert page.h1 == NOTICES[path]
    text = page.text
    for period in (
        f"{INACTIVE_MONTHS} months",
        f"within {REMINDER_GRACE_DAYS} days",
        f"after {UNVERIFIED_ACCOUNT_DAYS} days",
        f"after {UNCONFIRMED_ALERT_DAYS} days",
        f"{SENT_MAIL_DAYS} days",
        f"{CLASS_THRESHOLD} students",
    ):
        assert period in text, f"{path} does not say {period!r}"
    assert set(page.links()) >= RIGHTS_LINKS
    headings = [h2.get_text(strip=True) for h2 in page.select("h2")]
    assert "Who we are" in headings
    for subject in ("email address", "age band", "date of birth", "Find your fit", "class code", "13"):
        assert subject.lower() in text.lower(), f"{path} does not cover {subject!r}"
    assert "Information Commissioner" in text


@pytest.mark.parametrize("path", NOTICES)
def test_the_numbers_come_from_the_purge_settings_not_the_template(app, db_session, path):
    other = replace(
        PRIVACY_FACTS,
        inactive_months=36,
        reminder_grace_days=45,
        unverified_account_days=3,
        unconfirmed_alert_days=4,
        sent_mail_days=60,
        class_threshold=9,
    )
    template = "public/" + path.strip("/").replace("privacy/", "privacy_").replace("-", "_") + ".html"
    with app.test_request_context(path):
        text = _main_text(render_template(template, privacy_facts=other))
    for said in ("36 months", "within 45 days", "after 3 days", "after 4 days", "60 days", "9 students"):
        assert said in text, f"{template} does not follow the settings: no {said!r}"
    assert f"{INACTIVE_MONTHS} months" not in text


def test_the_young_peoples_notice_is_in_short_plain_sentences(client):
    html = client.get("/privacy/young-people").get_data(as_text=True)
    text = _main_text(html)
    blocks = BeautifulSoup(html, "html.parser").find("main").find_all(["p", "li"])
    sentences = [
        sentence
        for block in blocks
        for sentence in re.split(r"(?<=[.!?])\s+", " ".join(block.get_text(" ").split()))
        if sentence
    ]
    words = sorted(len(sentence.split()) for sentence in sentences)
    assert sum(words) / len(words) <= 12, f"average sentence {sum(words) / len(words):.1f} words"
    assert words[-1] <= 25, max(sentences, key=lambda sentence: len(sentence.split()))
    for jargon in ("data subject", "processing", "controller", "lawful basis", "legitimate interest"):
        assert jargon not in text.lower()
    assert text.count(" we ") > 10 and text.count(" you ") > 10


def test_the_notices_hold_nothing_about_the_visitor(client, db_session):
    for path in ("/privacy", *NOTICES):
        response = client.get(path)
        assert "Set-Cookie" not in response.headers, path
        assert 'name="csrf_token"' not in response.get_data(as_text=True)


def test_every_page_links_to_privacy_in_the_footer(get_page):
    for path in ("/", "/service-areas/", "/privacy/adults"):
        footer = get_page(path).soup.select_one("footer")
        assert footer.find("a", href="/privacy", string=re.compile("Privacy")), path
