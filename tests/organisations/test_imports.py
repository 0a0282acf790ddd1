"""Importing listings through the pages: template, upload, preview, confirm, problems file, permissions."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import ListingImport, Opportunity
from portal.models.opportunities import DRAFT, SUBMITTED
from portal.services.listing_import import MAX_BYTES, TEMPLATE_COLUMNS
from tests.account_helpers import csrf_token
from tests.factories import make_organisation, make_user, sign_in_as
from tests.hostile import MARKUP
from tests.pages import Page

UPLOAD = "/organisations/import"
TEMPLATE = "/organisations/import/template.csv"


def page(response, status: int = 200) -> Page:
    """The response parsed, after the checks every page passes."""
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    parsed = Page(response)
    parsed.assert_well_formed()
    return parsed


@pytest.fixture
def member(client):
    """An editor of an approved organisation, signed in."""
    user = make_user(make_organisation(), role="editor")
    sign_in_as(client, user)
    return user


def template_rows(client) -> list[dict[str, str]]:
    """The downloaded template's rows."""
    response = client.get(TEMPLATE)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def as_csv(rows: list[dict[str, str]]) -> bytes:
    """Rows as a CSV file with the template's columns."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(TEMPLATE_COLUMNS))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def upload(client, data: bytes, name: str = "listings.csv"):
    """Post ``data`` as the CSV file."""
    token = csrf_token(client, UPLOAD)
    return client.post(
        UPLOAD,
        data={"csrf_token": token, "csv_file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def import_id(preview: Page) -> int:
    """The upload's id, from the confirm form."""
    [form] = preview.select("form[action*='/confirm']")
    return int(re.search(r"/import/(\d+)/confirm", form["action"]).group(1))


def confirm(client, number: int, action: str = "draft"):
    """Confirm upload ``number``."""
    token = csrf_token(client, UPLOAD)
    return client.post(
        f"/organisations/import/{number}/confirm", data={"csrf_token": token, "action": action}
    )


def listings_of(user) -> list[Opportunity]:
    """The listings of ``user``'s organisation."""
    organisation_id = user.membership.organisation_id
    return list(db.session.scalars(select(Opportunity).where(Opportunity.organisation_id == organisation_id)))


def test_the_upload_page_links_to_the_template(client, member):
    parsed = page(client.get(UPLOAD))
    assert parsed.h1 == "Import listings from a CSV file"
    assert TEMPLATE in parsed.links()
    assert parsed.select("form[enctype='multipart/form-data'] input[type=file]")


def test_the_template_round_trips_and_nothing_is_saved_before_confirming(client, member):
    rows = template_rows(client)
    assert len(rows) == 1
    preview = page(upload(client, as_csv(rows)))
    assert preview.h1 == "Check your import"
    assert len(preview.select(".app-import-ready")) == 1
    assert listings_of(member) == []
    number = import_id(preview)
    response = confirm(client, number)
    assert response.status_code == 302
    assert [o.status for o in listings_of(member)] == [DRAFT]
    assert db.session.get(ListingImport, number) is None
    assert confirm(client, number).status_code == 404  # an upload imports once


def test_confirm_saves_only_valid_rows_and_can_send_for_review(client, member):
    good = template_rows(client)[0]
    bad = {**good, "closes_on": "", "title": "Broken row"}
    preview = page(upload(client, as_csv([good, bad, good])))
    problems = preview.select(".app-import-problem")
    assert len(problems) == 1 and "3" in problems[0].get_text() and "closes_on" in problems[0].get_text()
    confirm(client, import_id(preview), action="submit")
    assert sorted(o.status for o in listings_of(member)) == [SUBMITTED, SUBMITTED]


def test_the_problems_file_is_neutralised(client, member):
    good = template_rows(client)[0]
    bad = {**good, "title": '=HYPERLINK("http://evil","x")', "type": "job"}
    preview = page(upload(client, as_csv([bad])))
    assert not preview.select("form[action*='/confirm']")
    link = next(href for href in preview.links() if href.endswith("/problems.csv"))
    response = client.get(link)
    assert response.mimetype == "text/csv"
    report = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert report[1][2] == "'" + bad["title"]
    assert not any(cell.startswith("=") for line in report for cell in line)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "The file is empty"),
        (b"\x00\x01\x02binary", "not a CSV"),
        ("title\nCafé\n".encode("latin-1"), "UTF-8"),
        (",".join(TEMPLATE_COLUMNS).encode(), "no listings"),
        (b"title,favourite_colour\nx,red\n", "favourite_colour"),
        (b"x" * (MAX_BYTES + 10), "larger than 1 MB"),
    ],
)
def test_malformed_uploads_are_explained_on_the_form(client, member, data, words):
    parsed = page(upload(client, data), status=400)
    assert parsed.title.startswith("Error: ")
    assert words in parsed.select(".nhsuk-error-summary")[0].get_text()
    assert db.session.scalar(select(db.func.count()).select_from(ListingImport)) == 0


def test_posting_no_file_asks_for_one(client, member):
    token = csrf_token(client, UPLOAD)
    response = client.post(UPLOAD, data={"csrf_token": token}, content_type="multipart/form-data")
    assert "Choose a CSV file" in page(response, status=400).text


def test_too_many_rows_is_refused(client, member):
    rows = template_rows(client) * 501
    parsed = page(upload(client, as_csv(rows)), status=400)
    assert "501 listings" in parsed.text


def test_a_body_over_the_allowance_gets_a_clear_page(client, member):
    response = upload(client, b"x" * (2 * MAX_BYTES))
    parsed = page(response, status=413)
    assert "at most 1 MB" in parsed.text


def test_other_routes_keep_the_small_limit(client, member):
    response = client.post("/organisations/opportunities/new", data={"title": "x" * (100 * 1024)})
    assert response.status_code == 413


def test_markup_in_every_cell_is_shown_as_text(client, member):
    for payload in MARKUP:
        parsed = page(upload(client, as_csv([dict.fromkeys(TEMPLATE_COLUMNS, payload)])))
        body = parsed.response.get_data(as_text=True)
        assert payload not in body
        assert not parsed.select("script:not([src])") or all(
            "alert" not in script.get_text() for script in parsed.select("script")
        )


def test_another_organisation_cannot_see_or_confirm_the_upload(client, member):
    preview = page(upload(client, as_csv(template_rows(client))))
    number = import_id(preview)
    sign_in_as(client, make_user(make_organisation()))
    assert confirm(client, number).status_code == 404
    assert client.get(f"/organisations/import/{number}/problems.csv").status_code == 404
    assert listings_of(member) == []


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", UPLOAD),
        ("get", TEMPLATE),
        ("get", "/organisations/import/1/problems.csv"),
        ("post", "/organisations/import/1/confirm"),
    ],
)
def test_anonymous_people_are_sent_to_sign_in(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert "/sign-in" in response.headers["Location"] or "sign" in response.headers["Location"]


def test_people_outside_any_organisation_are_refused(client, db_session):
    sign_in_as(client, make_user())
    assert client.get(UPLOAD).status_code == 403
