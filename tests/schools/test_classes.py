"""Class codes for teachers: who may see them, what a summary shows, and the five-student rule."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.caching import clear_page_cache
from portal.extensions import db
from portal.models import ClassCode, ClassResponse
from portal.models.organisations import PENDING
from portal.services import classes
from portal.services.classes import CLASS_THRESHOLD, ClassCodeError, dividing_rows
from tests.account_helpers import csrf_token, location_path, submit
from tests.factories import make_organisation, make_user, sign_in_as
from tests.hostile import PAYLOADS, problems_in
from tests.pages import Page

HOME, NEW = "/schools/", "/schools/classes/new"
SECRET = "a test secret key"
# Three areas, one in each of three divisions (as the content has them).
AUDIOLOGY, GENOMICS, MEDICAL_PHYSICS = "audiology", "genomics", "medical-physics"
GENOMICS_NAME = "Genomics (rare and inherited disease testing)"
AREAS, DIVISIONS, STAGES = (
    "Service areas that came up most",
    "Spread across the divisions of healthcare science",
    "Stages",
)


def page(response, status: int = 200) -> Page:
    """The response parsed, after the checks every page passes."""
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    parsed = Page(response)
    parsed.assert_well_formed()
    return parsed


def school(**fields):
    """An approved school or college."""
    return make_organisation(kind="college-or-school", name=fields.pop("name", "Northdale Academy"), **fields)


@pytest.fixture
def teacher(client):
    """A teacher at an approved school, signed in."""
    user = make_user(school())
    sign_in_as(client, user)
    return user


def new_code(teacher, label: str = "Year 10 science") -> ClassCode:
    """A class code made by ``teacher`` for their school."""
    return classes.make_class_code(teacher.membership.organisation, teacher, label)


def answer(class_code: ClassCode, browser: str, slugs=(AUDIOLOGY,), stage: str | None = "gcse") -> None:
    """One browser's answer under the code, as Find your fit records it."""
    classes.record_response(class_code, browser, SECRET, stage, list(slugs))


def answers(class_code: ClassCode, count: int, first: int = 0, **options) -> None:
    """``count`` different students answering alike."""
    for number in range(first, first + count):
        answer(class_code, f"browser-{number:040d}", **options)


def summary_page(client, class_code: ClassCode) -> Page:
    return page(client.get(f"/schools/classes/{class_code.id}"))


def table_counts(parsed: Page) -> list[int]:
    """Every whole number standing alone in a table cell of the page."""
    cells = [cell.get_text(" ", strip=True) for cell in parsed.select("td, th")]
    return [int(text) for text in cells if re.fullmatch(r"\d+", text)]


def tables(parsed: Page) -> dict[str, list[tuple[str, int]]]:
    """Each summary table by caption: its rows as (name, count)."""
    found = {}
    for table in parsed.select("table.app-class-table"):
        rows = []
        for row in table.select("tbody tr"):
            name, count = (cell.get_text(" ", strip=True) for cell in row.select("td"))
            rows.append((name, int(count)))
        found[table.select_one("caption").contents[0].strip()] = rows
    return found


# Codes: made, typed, found.


def test_a_code_uses_only_letters_and_digits_nobody_misreads(db_session):
    teacher = make_user(school())
    made = {new_code(teacher).code for _ in range(30)}
    assert len(made) == 30
    for code in made:
        assert len(code) == classes.CODE_LENGTH
        assert not set(code) & set("0O1IL"), code
        assert set(code) <= set(classes.CODE_ALPHABET)
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", classes.format_code(next(iter(made))))


def test_a_code_is_found_however_it_is_typed(db_session):
    class_code = new_code(make_user(school()))
    shown = classes.format_code(class_code.code)
    for typed in (
        shown,
        class_code.code,
        f"  {shown.lower()} ",
        shown.replace("-", " "),
        shown.replace("-", "–"),
    ):
        assert classes.find_open_code(typed) == class_code, typed


def test_an_unknown_or_closed_code_says_which(db_session):
    class_code = new_code(make_user(school()))
    with pytest.raises(ClassCodeError, match="cannot find that class code"):
        classes.find_open_code("ZZZZ-ZZZZ" if class_code.code != "ZZZZZZZZ" else "YYYY-YYYY")
    with pytest.raises(ClassCodeError, match="cannot find"):
        classes.find_open_code("x" * 500)
    classes.close_class_code(class_code)
    with pytest.raises(ClassCodeError, match="closed"):
        classes.find_open_code(class_code.code)
    with pytest.raises(ClassCodeError, match="closed"):
        answer(class_code, "late-browser" * 4)


def test_the_same_browser_answering_again_replaces_its_answer(db_session):
    class_code = new_code(make_user(school()))
    for stage in ("gcse", "post16", "ks3", "gcse", "post16"):
        answer(class_code, "one-browser" * 4, stage=stage)
    rows = db.session.scalars(select(ClassResponse).where(ClassResponse.class_code_id == class_code.id)).all()
    assert [(row.stage, row.area_slugs) for row in rows] == [("post16", [AUDIOLOGY])]
    assert classes.class_summary(class_code, {}).figures is None
    # The digest differs from class to class, so one browser cannot be followed between classes.
    assert classes.participant_digest("b", SECRET, 1) != classes.participant_digest("b", SECRET, 2)
    assert rows[0].participant == classes.participant_digest("one-browser" * 4, SECRET, class_code.id)


# The five-student rule, in the service and on the page.


def test_four_students_show_nothing_but_how_many_so_far(client, teacher):
    class_code = new_code(teacher)
    answers(class_code, 4, slugs=(AUDIOLOGY, GENOMICS, MEDICAL_PHYSICS))
    assert classes.class_summary(class_code, {}).figures is None
    shown = summary_page(client, class_code)
    assert "4 students so far: the summary appears at 5." in shown.text
    assert not shown.select("table")
    for hidden in ("Audiology", "Genomics", "Medical physics", "Life sciences", "GCSE"):
        assert hidden not in shown.text
    assert table_counts(shown) == []


def test_five_students_show_the_summary(client, teacher):
    class_code = new_code(teacher)
    answers(class_code, 5, slugs=(AUDIOLOGY, GENOMICS), stage="gcse")
    shown = summary_page(client, class_code)
    assert "5 students have taken part." in shown.text
    assert "so far: the summary appears" not in shown.text
    found = tables(shown)
    areas = found[AREAS]
    assert sorted(areas) == [("Audiology", 5), (GENOMICS_NAME, 5)]
    assert found[DIVISIONS] == [("Physiological sciences", 5)]
    assert found[STAGES] == [("GCSE (ages 14 to 16)", 5)]


def test_no_table_cell_on_the_page_ever_counts_one_to_four(client, teacher):
    class_code = new_code(teacher)
    # 10 students, spread so that many would-be cells are 1 to 4.
    answers(class_code, 5, slugs=(AUDIOLOGY, GENOMICS), stage="gcse")
    answers(class_code, 2, first=5, slugs=(GENOMICS, MEDICAL_PHYSICS), stage="post16")
    answers(class_code, 2, first=7, slugs=(MEDICAL_PHYSICS,), stage=None)
    answers(class_code, 1, first=9, slugs=(), stage="ks3")
    shown = summary_page(client, class_code)
    counts = table_counts(shown)
    assert counts, "the summary shows its tables"
    assert all(count >= CLASS_THRESHOLD for count in counts), counts
    found = tables(shown)
    assert found[AREAS] == [(GENOMICS_NAME, 7), ("Audiology", 5)]
    assert "Medical physics" not in shown.text  # only 4 students had it
    assert found[DIVISIONS] == [("Physiological sciences", 5), ("Other divisions together", 5)]
    assert found[STAGES] == [("GCSE (ages 14 to 16)", 5), ("Other stages together", 5)]
    for hidden in ("Life sciences", "A level", "Years 7 to 9", "Not given", "No suggestion"):
        assert hidden not in shown.text


def test_a_table_that_would_give_a_small_group_away_is_not_shown(client, teacher):
    class_code = new_code(teacher)
    answers(class_code, 6, slugs=(AUDIOLOGY,), stage="gcse")
    answers(class_code, 4, first=6, slugs=(GENOMICS,), stage="gcse")
    shown = summary_page(client, class_code)
    found = tables(shown)
    assert DIVISIONS not in found and "Physiological sciences" not in shown.text
    assert (
        "Not shown yet: with 10 students, showing the divisions would give away groups of fewer than 5."
        in (shown.text)
    )
    assert found[STAGES] == [("GCSE (ages 14 to 16)", 10)]
    assert found[AREAS] == [("Audiology", 6)]


def test_the_same_student_answering_five_times_counts_once(client, teacher):
    class_code = new_code(teacher)
    for _ in range(5):
        answer(class_code, "the-only-browser" * 3)
    shown = summary_page(client, class_code)
    assert "1 student so far: the summary appears at 5." in shown.text
    assert not shown.select("table")


# Differencing: what two figures together could give away.


def test_a_withheld_division_cannot_be_worked_out_from_the_others_and_the_total(db_session):
    """Within one summary: 7, 5 and 3 students in three divisions. Showing 7 and 5 beside the
    total of 15 would give the 3 away, so the 5 is counted with the 3 as 'other'."""
    names = {"A": "Life sciences", "B": "Physiological sciences", "C": "Physical sciences", "D": "Data"}
    rows = dividing_rows({"A": 7, "B": 5, "C": 3}, names, "Other divisions together")
    assert [(row.name, row.count) for row in rows] == [("Life sciences", 7), ("Other divisions together", 8)]
    # Small rows that already come to 5 or more stay together, with the larger rows shown.
    rows = dividing_rows({"A": 7, "B": 3, "C": 2}, names, "Other divisions together")
    assert [(row.key, row.count) for row in rows] == [("A", 7), ("other", 5)]
    # A single small row beside one named row: both go, the whole table is one row of the total.
    rows = dividing_rows({"A": 6, "B": 4}, names, "Other divisions together")
    assert [(row.key, row.count) for row in rows] == [("other", 10)]


@pytest.mark.parametrize(
    "counts",
    [
        {"A": 7, "B": 5, "C": 3},
        {"A": 9, "B": 1},
        {"A": 5, "B": 5, "C": 5, "D": 4},
        {"A": 12, "B": 8, "C": 2, "D": 2, "E": 1},
        {"A": 2, "B": 3},
        {"A": 5},
        {"A": 4, "B": 4, "C": 4},
    ],
)
def test_what_the_named_rows_leave_over_is_never_one_to_four(db_session, counts):
    names = {key: key for key in "ABCDE"}
    rows = dividing_rows(counts, names, "Others")
    total = sum(counts.values())
    assert sum(row.count for row in rows) == total
    assert all(row.count >= CLASS_THRESHOLD for row in rows)
    left_over = total - sum(row.count for row in rows if row.key != "other")
    assert left_over == 0 or left_over >= CLASS_THRESHOLD
    small = {key for key, count in counts.items() if 0 < count < CLASS_THRESHOLD}
    assert not small & {row.key for row in rows}


def test_a_summary_watched_between_answers_does_not_give_one_answer_away(client, teacher):
    """Across two summaries: the summary before and after one more student answers. The figures
    move only in steps of five, so a sixth student's answer is not the difference between them."""
    class_code = new_code(teacher)
    answers(class_code, 5, slugs=(AUDIOLOGY,), stage="gcse")
    before = tables(summary_page(client, class_code))
    for number in range(5, 9):
        answer(class_code, f"newcomer-{number:040d}", slugs=(GENOMICS,), stage="post16")
        shown = summary_page(client, class_code)
        assert tables(shown) == before, f"the figures changed with student {number + 1}"
        assert f"{number + 1} students have taken part" in shown.text
        assert "These figures come from the first 5 of them" in shown.text
    classes.close_class_code(class_code)
    assert tables(summary_page(client, class_code)) == before, "closing must not reveal the last answers"
    # A tenth answer (already on its way when the code closed) completes the next step of five.
    tenth = ClassResponse(
        class_code_id=class_code.id,
        participant="x" * 64,
        stage="post16",
        area_slugs=[GENOMICS],
        created_at=datetime.now(UTC) + timedelta(seconds=1),
    )
    db.session.add(tenth)
    db.session.flush()
    after = tables(summary_page(client, class_code))
    assert after != before
    assert (GENOMICS_NAME, 5) in after[AREAS]


def test_an_answer_given_again_goes_to_the_back(db_session):
    class_code = new_code(make_user(school()))
    answers(class_code, 5, slugs=(AUDIOLOGY,))
    answers(class_code, 1, first=5, slugs=(GENOMICS,))
    answer(class_code, f"browser-{0:040d}", slugs=(MEDICAL_PHYSICS,))
    figures = classes.class_summary(class_code, {}).figures
    assert figures.counted == 5
    assert [(row.key, row.count) for row in figures.top_areas] == []  # 4 audiology, 1 genomics
    assert classes.class_summary(class_code, {}).participants == 6


# Who may see what.


def test_a_teacher_from_another_school_gets_a_404(client, teacher, db_session):
    other_school_code = new_code(make_user(school(name="Southdale College")))
    answers(other_school_code, 5)
    assert client.get(f"/schools/classes/{other_school_code.id}").status_code == 404
    token = csrf_token(client, NEW)
    response = client.post(f"/schools/classes/{other_school_code.id}/close", data={"csrf_token": token})
    assert response.status_code == 404
    assert other_school_code.closed_at is None
    assert "Southdale" not in client.get(HOME).get_data(as_text=True)


def test_a_member_of_an_nhs_trust_gets_a_403(client, db_session):
    sign_in_as(client, make_user(make_organisation(kind="nhs-trust")))
    for path in (HOME, NEW):
        assert client.get(path).status_code == 403, path


def test_a_school_waiting_for_approval_gets_a_403(client, db_session):
    sign_in_as(client, make_user(school(status=PENDING)))
    assert client.get(HOME).status_code == 403


def test_anonymous_people_are_sent_to_sign_in(client, db_session):
    class_code = new_code(make_user(school()))
    for path in (HOME, NEW, f"/schools/classes/{class_code.id}"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert location_path(response).startswith("/organisations/sign-in"), path
    response = client.post(
        f"/schools/classes/{class_code.id}/close",
        data={"csrf_token": csrf_token(client, "/organisations/sign-in")},
    )
    assert location_path(response).startswith("/organisations/sign-in")


# The teacher's pages.


def test_the_home_page_lists_codes_with_their_counts(client, teacher):
    waiting, ready = new_code(teacher, "Year 9 biology"), new_code(teacher, "Year 12 physics")
    answers(waiting, 3)
    answers(ready, 7)
    classes.close_class_code(ready)
    shown = page(client.get(HOME))
    assert shown.h1 == "Class codes"
    rows = [" ".join(row.get_text(" ").split()) for row in shown.select(".app-class-code-row")]
    assert rows[0].startswith("Year 9 biology") and "3 students so far: the summary appears at 5" in rows[0]
    assert classes.format_code(waiting.code) in rows[0] and "Open" in rows[0]
    assert "7 students so far" in rows[1] and "Closed" in rows[1]
    assert f"/schools/classes/{ready.id}" in shown.links()
    assert "/opportunities/?school_groups=true" in shown.links()


def test_making_a_class_code(client, teacher):
    form = page(client.get(NEW))
    assert form.h1 == "Make a class code"
    assert "Do not use students' names" in form.text
    response = submit(client, NEW, {"label": "  Year 10   <b>science</b> "})
    assert response.status_code == 302
    made = db.session.scalars(select(ClassCode).order_by(ClassCode.id.desc())).first()
    assert made.label == "Year 10 <b>science</b>"
    assert made.organisation_id == teacher.membership.organisation_id and made.created_by_id == teacher.id
    shown = page(client.get(location_path(response)))
    code = classes.format_code(made.code)
    assert f"Class code made. Give your students the code {code}." in shown.text
    assert shown.h1 == "Year 10 <b>science</b>" and not shown.select("h1 b")
    assert shown.soup.select_one(".app-class-code").get_text(strip=True) == code
    assert "Go to Find your fit, type this code in the Class code box." in shown.text
    assert "http://localhost/find-your-fit" in shown.text
    assert f"http://localhost/find-your-fit?class_code={code}" in shown.links()


@pytest.mark.parametrize(
    ("label", "message"),
    [("   ", "Enter a name for the class"), ("x" * 61, "60 characters or fewer")],
)
def test_a_bad_class_name_is_explained_and_kept(client, teacher, label, message):
    shown = page(submit(client, NEW, {"label": label}), 400)
    assert shown.title.startswith("Error: ")
    assert message in shown.soup.select_one(".nhsuk-error-summary").get_text()
    assert shown.select(".nhsuk-error-summary a[href='#label']")
    assert shown.soup.select_one("input#label")["value"] == label.strip()
    assert db.session.scalar(select(ClassCode.id)) is None


def test_closing_a_code(client, teacher):
    class_code = new_code(teacher)
    path = f"/schools/classes/{class_code.id}"
    response = submit(client, f"{path}/close", {}, form_page=path)
    assert location_path(response) == path
    assert class_code.closed_at is not None
    shown = page(client.get(path))
    assert "Class code closed." in shown.text and "Students can no longer use this code." in shown.text
    assert not shown.select(f"form[action='{path}/close']")


def test_the_summary_prints_from_the_button_or_the_browser_menu(client, teacher):
    class_code = new_code(teacher)
    answers(class_code, 5)
    response = client.get(f"/schools/classes/{class_code.id}")
    shown = page(response)
    button = shown.soup.select_one("button[data-app-print]")
    assert button is not None and button.has_attr("hidden") and "app-no-print" in button["class"]
    assert "use Print in your browser's menu" in shown.text
    # No inline script of its own: the policy keeps its one hash, and the button is wired from app.js.
    assert not [tag for tag in shown.select("script") if not tag.get("src") and "data-app-print" in tag.text]
    # The print sheet leaves out what is marked app-no-print, and every form.
    assert shown.soup.select_one(f"form[action='/schools/classes/{class_code.id}/close']").find_parent(
        class_="app-no-print"
    )


# The public page for teachers.


def test_the_page_for_teachers_explains_accounts_and_the_rule(get_page):
    shown = get_page("/schools/for-teachers")
    assert shown.h1 == "For teachers"
    assert "College or school" in shown.text
    assert "/organisations/sign-up" in shown.links()
    assert "at least 5 students have taken part" in shown.text
    assert "No number smaller than 5 is ever shown" in shown.text
    assert "/opportunities/?school_groups=true" in shown.links()


def test_the_page_for_teachers_is_the_same_for_everyone_and_cached(app, db_session):
    app.config["PUBLIC_CACHE_SECONDS"] = 60
    clear_page_cache()
    try:
        teacher_client = sign_in_as(app.test_client(), make_user(school()))
        first = app.test_client().get("/schools/for-teachers")
        second = teacher_client.get("/schools/for-teachers")
        assert first.get_data() == second.get_data()
        assert "Set-Cookie" not in first.headers
        assert 'name="csrf_token"' not in first.get_data(as_text=True)
    finally:
        app.config["PUBLIC_CACHE_SECONDS"] = 0
        clear_page_cache()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_class_names_and_codes_are_refused_or_shown_as_text(client, teacher, payload):
    response = submit(client, NEW, {"label": payload})
    assert not problems_in(response, payload), problems_in(response, payload)
    if response.status_code == 302:
        assert not problems_in(client.get(location_path(response)), payload)
        assert not problems_in(client.get(HOME), payload)
    data = {"csrf_token": csrf_token(client, "/find-your-fit"), "about": "hearing", "class_code": payload}
    answered = client.post("/find-your-fit", data=data)
    assert not problems_in(answered, payload), problems_in(answered, payload)
    assert not problems_in(client.get("/find-your-fit", query_string={"class_code": payload}), payload)
