"""Find your fit counts which areas it suggested and which were opened: anonymously, by week, nothing else."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from portal.extensions import db
from portal.models import AnonymousTally
from portal.services.tallies import OPENED, SUGGESTED, week_start
from tests.account_helpers import csrf_token
from tests.pages import Page

FORM = "/find-your-fit"


def _tallies(kind: str) -> dict[str, int]:
    rows = db.session.execute(
        select(AnonymousTally.subject, AnonymousTally.count, AnonymousTally.week_start).where(
            AnonymousTally.kind == kind
        )
    )
    this_week = week_start(datetime.now(UTC)).replace(tzinfo=None)
    counts = {}
    for subject, count, week in rows:
        assert week.replace(tzinfo=None) == this_week, "counted in the week it happened"
        counts[subject] = counts.get(subject, 0) + count
    return counts


def _answer(client, about: str) -> Page:
    response = client.post(
        "/find-your-fit",
        data={"csrf_token": csrf_token(client, "/find-your-fit"), "about": about, "stage": "gcse"},
    )
    assert response.status_code == 200
    return Page(response)


def test_each_area_shown_is_counted_once_per_answer(csrf_client):
    page = _answer(csrf_client, "I want to help people who cannot hear well")
    shown = [link["href"].split("/")[-1].split("?")[0] for link in page.select(".app-suggestion h2 a")]
    assert shown and _tallies(SUGGESTED) == dict.fromkeys(shown, 1)
    _answer(csrf_client, "I want to help people who cannot hear well")
    assert _tallies(SUGGESTED) == dict.fromkeys(shown, 2)


def test_a_result_opens_its_profile_through_a_counted_link(csrf_client):
    page = _answer(csrf_client, "I want to help people who cannot hear well")
    link = page.select(".app-suggestion h2 a")[0]["href"]
    slug = link.split("/")[-1].split("?")[0]
    assert link.startswith("/find-your-fit/open/") and "stage=gcse" in link
    response = csrf_client.get(link)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/service-areas/{slug}?stage=gcse"
    assert _tallies(OPENED) == {slug: 1}


def test_an_unknown_area_or_stage_counts_nothing(client):
    assert client.get("/find-your-fit/open/not-an-area").status_code == 404
    response = client.get("/find-your-fit/open/audiology?stage=<script>")
    assert response.headers["Location"] == "/service-areas/audiology"
    assert _tallies(OPENED) == {"audiology": 1}


def test_a_form_with_errors_and_the_shared_page_count_nothing(csrf_client):
    response = csrf_client.post(
        "/find-your-fit", data={"csrf_token": csrf_token(csrf_client, "/find-your-fit"), "about": " "}
    )
    assert response.status_code == 400
    assert csrf_client.get("/find-your-fit/shared?areas=audiology,blood-sciences").status_code == 200
    assert _tallies(SUGGESTED) == {} and _tallies(OPENED) == {}


def test_the_tally_holds_no_words_from_the_person(csrf_client):
    _answer(csrf_client, "my name is Jo Bloggs from Leeds and I like hearing science")
    subjects = set(_tallies(SUGGESTED))
    assert subjects and all(" " not in subject and "bloggs" not in subject.lower() for subject in subjects)
