"""'Find your fit': free text in, explained suggestions out, nothing personal kept."""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.content.files import CONTENT_DIR, read_content
from portal.content.neighbouring import read_professions
from portal.models import MatchFeedback
from tests.pages import Page

HEARING_FAMILY = {"audiology", *read_content(CONTENT_DIR).profiles["audiology"]["children"]}


def _csrf(client, path: str = "/find-your-fit") -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_the_form_asks_in_plain_words(get_page):
    html = get_page("/find-your-fit")
    assert html.h1 == "Find your fit"
    assert "We do not store what you type" in html.text
    assert html.select("textarea#about")
    assert html.select("input[name=stage][value=gcse]")


def test_results_explain_themselves_and_give_routes_for_the_stage(csrf_client):
    response = csrf_client.post(
        "/find-your-fit",
        data={
            "csrf_token": _csrf(csrf_client),
            "about": "I want to help people who cannot hear well",
            "stage": "post16",
        },
    )
    assert response.status_code == 200
    page = Page(response)
    page.assert_well_formed()
    first = page.select(".app-suggestion")[0]
    slug = first.select_one("h2 a")["href"].split("/")[-1].split("?")[0]
    assert slug in HEARING_FAMILY
    assert "hear" in first.select_one("ul").get_text().lower()
    assert "Your ways in" in first.get_text()


def test_share_link_carries_no_words_from_the_person(csrf_client):
    secret = "my name is Jo Bloggs from Leeds and I like hearing science"
    response = csrf_client.post("/find-your-fit", data={"csrf_token": _csrf(csrf_client), "about": secret})
    share = Page(response).select(".app-share-link")[0]["href"]
    assert "Bloggs" not in share and "Leeds" not in share and "name" not in share
    assert "areas=" in share


def test_empty_text_shows_an_error_and_keeps_the_choices(csrf_client):
    response = csrf_client.post(
        "/find-your-fit",
        data={
            "csrf_token": _csrf(csrf_client),
            "about": "   ",
            "subjects": ["physics"],
            "stage": "gcse",
        },
    )
    assert response.status_code == 400
    page = Page(response)
    page.assert_well_formed()
    assert page.title.startswith("Error: ")
    assert page.select(".nhsuk-error-summary a[href='#about']")
    assert page.select("input[name=subjects][value=physics][checked]")
    assert page.select("input[name=stage][value=gcse][checked]")


def test_over_long_text_is_refused_with_a_message(csrf_client):
    response = csrf_client.post(
        "/find-your-fit", data={"csrf_token": _csrf(csrf_client), "about": "a" * 1001}
    )
    assert response.status_code == 400
    assert "1000 characters or fewer" in response.get_data(as_text=True)


def test_posting_without_a_csrf_token_is_refused(csrf_client):
    response = csrf_client.post("/find-your-fit", data={"about": "physics"})
    assert response.status_code == 400
    assert "The CSRF token is missing" in response.get_data(as_text=True)


def test_nonsense_gets_an_honest_not_sure(csrf_client):
    response = csrf_client.post(
        "/find-your-fit", data={"csrf_token": _csrf(csrf_client), "about": "qwzx plmk vbnrt"}
    )
    assert "We're not sure" in Page(response).text


def test_feedback_is_stored_without_the_text(csrf_client, db_session):
    token = _csrf(csrf_client)
    response = csrf_client.post(
        "/find-your-fit/feedback",
        data={
            "csrf_token": token,
            "useful": "yes",
            "stage": "gcse",
            "top_slug": "audiology",
            "confident": "yes",
        },
    )
    assert response.status_code == 302
    answer = db_session.scalars(select(MatchFeedback).order_by(MatchFeedback.id.desc())).first()
    assert (answer.useful, answer.stage, answer.top_slug, answer.confident) == (
        True,
        "gcse",
        "audiology",
        True,
    )
    assert {c.name for c in MatchFeedback.__table__.columns} == {
        "id",
        "useful",
        "stage",
        "top_slug",
        "confident",
        "created_at",
    }


def test_feedback_drops_an_unknown_area(csrf_client, db_session):
    csrf_client.post(
        "/find-your-fit/feedback",
        data={"csrf_token": _csrf(csrf_client), "useful": "no", "top_slug": "<script>", "confident": "no"},
    )
    answer = db_session.scalars(select(MatchFeedback).order_by(MatchFeedback.id.desc())).first()
    assert answer.top_slug is None and answer.useful is False


def test_shared_page_shows_the_areas_with_routes_for_the_stage(get_page):
    html = get_page("/find-your-fit/shared?areas=audiology,medical-physics&stage=graduate")
    names = [h.get_text(strip=True) for h in html.select(".app-suggestion h2")]
    assert names[0] == "Audiology"
    assert "/entry-routes/scientist-training-programme" in html.links()


def test_a_stage_named_in_the_link_is_chosen_already_and_a_made_up_one_is_not(get_page):
    page = get_page("/find-your-fit?stage=gcse")
    assert page.select("input[name=stage][value=gcse]")[0].has_attr("checked")
    page = get_page("/find-your-fit?stage=<script>")
    assert not page.select("input[name=stage][checked]")


def _results_for(csrf_client, about: str) -> Page:
    response = csrf_client.post("/find-your-fit", data={"csrf_token": _csrf(csrf_client), "about": about})
    assert response.status_code == 200
    page = Page(response)
    page.assert_well_formed()
    return page


def test_a_neighbouring_profession_is_explained_kindly_above_the_areas_beside_it(csrf_client):
    nursing = next(p for p in read_professions(CONTENT_DIR) if p.id == "nursing")
    page = _results_for(csrf_client, "staff nurse")
    inset = page.select(".nhsuk-inset-text.app-outside-field")[0]
    assert nursing.why in " ".join(inset.get_text().split())
    link = inset.select_one("a")
    assert link["href"] == nursing.learn_more_url and not link.get("target")
    assert link.get_text() == "Learn about nursing on NHS Health Careers"
    assert "We're not sure" not in page.text and not page.select(".nhsuk-warning-callout")
    heading = page.select("h2.app-outside-field-areas")[0]
    assert heading.get_text() == "Healthcare scientists who work beside them"
    first = page.select(".app-suggestion")[0].select_one("h2 a")["href"].split("/")[-1].split("?")[0]
    assert first == nursing.related[0]
    # The answer is not confident, so no suggestion wears a fit tag.
    assert not page.select(".app-suggestion .nhsuk-tag")


def test_our_own_work_shows_no_neighbouring_profession(csrf_client):
    page = _results_for(csrf_client, "audiologist")
    assert not page.select(".app-outside-field")
    assert "NHS Health Careers" not in page.text


def test_a_shared_answer_keeps_the_profession_but_not_the_words(csrf_client, get_page):
    nursing = next(p for p in read_professions(CONTENT_DIR) if p.id == "nursing")
    share = _results_for(csrf_client, "staff nurse").select(".app-share-link")[0]["href"]
    assert "beside=nursing" in share and "staff" not in share
    page = get_page(share.removeprefix("http://localhost"))
    inset = page.select(".app-outside-field")[0]
    assert nursing.why in " ".join(inset.get_text().split())
    assert inset.select("a")[0]["href"] == nursing.learn_more_url
    assert (
        page.select("h2.app-outside-field-areas")[0].get_text()
        == "Healthcare scientists who work beside them"
    )


def test_a_shared_link_naming_no_known_profession_shows_just_the_areas(get_page):
    page = get_page("/find-your-fit/shared?areas=phlebotomy&beside=%3Cscript%3Ealert(1)%3C/script%3E")
    assert not page.select(".app-outside-field") and "<script>alert" not in page.text
    assert not get_page("/find-your-fit/shared?beside=nursing").select(".app-outside-field")
