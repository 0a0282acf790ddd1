"""A class code in Find your fit: the student's top areas and stage go to the class, nothing else."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.explore.routes import CLASS_PARTICIPANT_KEY
from portal.extensions import db
from portal.models import ClassCode, ClassResponse
from portal.services import classes
from tests.factories import make_organisation, make_user
from tests.pages import Page

FORM = "/find-your-fit"
SECRET_WORDS = "My name is Jo Bloggs from Leeds and I love helping people who cannot hear well"


@pytest.fixture
def csrf_client(app, db_session):
    """A client with CSRF checks switched on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app.test_client()


@pytest.fixture
def class_code(db_session) -> ClassCode:
    """An open class code at an approved school."""
    teacher = make_user(make_organisation(kind="college-or-school", name="Northdale Academy"))
    return classes.make_class_code(teacher.membership.organisation, teacher, "Year 10 science")


def _csrf(client) -> str:
    html = client.get(FORM).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def send(client, code: str, **fields) -> Page:
    """Submit Find your fit as a student would, with the class code typed as given."""
    data = {"csrf_token": _csrf(client), "about": SECRET_WORDS, "stage": "gcse", "class_code": code, **fields}
    response = client.post(FORM, data=data)
    parsed = Page(response)
    parsed.assert_well_formed()
    parsed.status = response.status_code
    return parsed


def responses(class_code: ClassCode) -> list[ClassResponse]:
    return list(db.session.scalars(select(ClassResponse).where(ClassResponse.class_code_id == class_code.id)))


def test_the_form_offers_a_class_code_box_and_says_what_the_teacher_sees(get_page):
    shown = get_page(FORM)
    box = shown.soup.select_one("input#class_code")
    assert box is not None and box["name"] == "class_code"
    label = shown.soup.select_one("label[for=class_code]").get_text(strip=True)
    assert label == "Class code (if your teacher gave you one)"
    assert "your teacher sees only totals for the whole class" in shown.text
    assert "never your name or what you type" in shown.text


def test_a_valid_code_records_only_the_top_three_areas_and_the_stage(csrf_client, class_code):
    shown = send(csrf_client, f"  {classes.format_code(class_code.code).lower()} ")
    assert shown.status == 200
    assert "Your suggestions were added to your class's totals" in shown.text
    suggested = [a["href"].split("/")[-1].split("?")[0] for a in shown.select(".app-suggestion h2 a")]
    (row,) = responses(class_code)
    assert row.area_slugs == suggested[:3] and len(row.area_slugs) == 3
    assert row.stage == "gcse"
    # Only these columns exist, and none of them holds anything the student typed.
    assert {c.name for c in ClassResponse.__table__.columns} == {
        "id",
        "class_code_id",
        "participant",
        "stage",
        "area_slugs",
        "created_at",
    }
    assert re.fullmatch(r"[0-9a-f]{64}", row.participant)
    stored = " ".join([row.participant, row.stage, *row.area_slugs]).lower()
    for word in ("jo", "bloggs", "leeds", "hear well", "name"):
        assert word not in stored


def test_answering_again_from_the_same_browser_replaces_the_answer(csrf_client, app, class_code):
    send(csrf_client, class_code.code)
    send(csrf_client, class_code.code, stage="post16")
    assert [row.stage for row in responses(class_code)] == ["post16"]
    send(app.test_client(), class_code.code)
    assert len(responses(class_code)) == 2


def test_the_browser_value_is_made_only_when_a_code_is_used(csrf_client, class_code):
    send(csrf_client, "")
    with csrf_client.session_transaction() as session:
        assert CLASS_PARTICIPANT_KEY not in session
    assert responses(class_code) == []
    send(csrf_client, class_code.code)
    with csrf_client.session_transaction() as session:
        value = session[CLASS_PARTICIPANT_KEY]
    assert len(value) >= 32
    assert responses(class_code)[0].participant != value


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("ABCD-EFGH", "We cannot find that class code"),
        ("not a code at all", "We cannot find that class code"),
        ("x" * 31, "A class code has 8 letters and numbers"),
    ],
)
def test_an_unknown_code_is_explained_and_nothing_typed_is_lost(csrf_client, class_code, typed, message):
    if classes.normalise_code(typed) == class_code.code:
        pytest.skip("the random code happened to match")
    shown = send(csrf_client, typed, subjects=["physics"], matters=["patients"])
    assert shown.status == 400
    assert shown.title.startswith("Error: ")
    summary = shown.soup.select_one(".nhsuk-error-summary")
    assert message in summary.get_text() and summary.select("a[href='#class_code']")
    assert message in shown.soup.select_one("#class_code-error").get_text()
    assert shown.soup.select_one("input#class_code")["value"] == typed
    assert shown.soup.select_one("textarea#about").get_text() == SECRET_WORDS
    assert shown.select("input[name=stage][value=gcse][checked]")
    assert shown.select("input[name=subjects][value=physics][checked]")
    assert shown.select("input[name=matters][value=patients][checked]")
    assert not shown.select(".app-suggestion")
    assert db.session.scalar(select(ClassResponse.id)) is None


def test_a_closed_code_is_explained_and_records_nothing(csrf_client, class_code):
    classes.close_class_code(class_code)
    shown = send(csrf_client, class_code.code)
    assert shown.status == 400
    assert "That class code is closed" in shown.soup.select_one(".nhsuk-error-summary").get_text()
    assert shown.soup.select_one("input#class_code")["value"] == class_code.code
    assert responses(class_code) == []


def test_both_problems_are_shown_at_once(csrf_client, class_code):
    shown = send(csrf_client, "ABCD-EFGH" if class_code.code != "ABCDEFGH" else "HGFE-DCBA", about=" ")
    links = {a["href"] for a in shown.select(".nhsuk-error-summary a")}
    assert links == {"#about", "#class_code"}


def test_only_the_post_that_works_out_the_answer_records(csrf_client, class_code):
    send(csrf_client, class_code.code)
    (first,) = responses(class_code)
    recorded_at = first.created_at
    shared = Page(csrf_client.get("/find-your-fit/shared?areas=audiology&stage=gcse"))
    assert "Audiology" in shared.text and "class's totals" not in shared.text
    csrf_client.get(f"{FORM}?class_code={class_code.code}")
    assert [(row.id, row.created_at) for row in responses(class_code)] == [(first.id, recorded_at)]


def test_a_teachers_link_fills_in_the_code_and_nothing_else(get_page, class_code):
    code = classes.format_code(class_code.code)
    box = get_page(f"{FORM}?class_code={code.lower()}").soup.select_one("input#class_code")
    assert box["value"] == code
    for hostile in ('"><script>alert(1)</script>', "ABCD-EFG0", "x" * 5000):
        box = get_page(f"{FORM}?class_code={hostile}").soup.select_one("input#class_code")
        assert box.get("value", "") == ""
