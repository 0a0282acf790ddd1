"""Reading a listings CSV: file checks, row-numbered problems, saving only good rows, safe CSV out."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from portal.models.opportunities import DRAFT, SUBMITTED
from portal.services.listing_import import (
    FORMULA_STARTS,
    MAX_BYTES,
    MAX_ROWS,
    TEMPLATE_COLUMNS,
    neutralise,
    problems_csv,
    read_import,
    save_import,
    template_csv,
)
from tests.factories import make_organisation, make_user

TODAY = date.today()
HOSTILE_TITLE = '=HYPERLINK("http://evil","x")'


def example_row() -> dict[str, str]:
    """The template's example row, as a dict."""
    rows = list(csv.DictReader(io.StringIO(template_csv(TODAY))))
    return rows[0]


def as_csv(rows: list[dict[str, str]], columns=TEMPLATE_COLUMNS) -> bytes:
    """Rows written as a UTF-8 CSV file."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def test_the_template_imports_as_it_stands(db_session):
    preview = read_import(template_csv(TODAY).encode("utf-8"), TODAY)
    assert preview.error is None
    assert [row.number for row in preview.valid_rows] == [2]
    assert preview.invalid_rows == []


def test_a_byte_order_mark_is_accepted(db_session):
    preview = read_import(b"\xef\xbb\xbf" + template_csv(TODAY).encode("utf-8"), TODAY)
    assert len(preview.valid_rows) == 1


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"  \r\n ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "not a CSV"),
        ("title,type\nCafé,job\n".encode("latin-1"), "UTF-8"),
        (",".join(TEMPLATE_COLUMNS).encode(), "no listings"),
        (b"title,colour\nx,red\n", "“colour”"),
        (b"title,type\nx,job\n", "missing these columns: service_areas"),
        (b"title,title,type\n", "appears more than once"),
        (b"x" * (MAX_BYTES + 1), "larger than 1 MB"),
    ],
)
def test_malformed_files_get_one_clear_message(db_session, data, words):
    preview = read_import(data, TODAY)
    assert preview.error and words in preview.error
    assert preview.rows == []


def test_more_than_500_rows_is_refused_and_500_is_not(db_session):
    assert "501 listings" in read_import(as_csv([example_row()] * (MAX_ROWS + 1)), TODAY).error
    assert len(read_import(as_csv([example_row()] * MAX_ROWS), TODAY).valid_rows) == MAX_ROWS


def test_problems_name_the_row_and_the_column(db_session):
    bad = {**example_row(), "closes_on": "", "pay_kind": "gold"}
    multiline = {**example_row(), "description": "Line one\nline two\nline three"}
    data = as_csv([example_row(), bad, multiline]).replace(b"\r\n", b"\n")
    data = data.replace(b"\n", b"\n\n", 1)  # a blank row after the header is row 2, as a spreadsheet shows
    preview = read_import(data, TODAY)
    assert [row.number for row in preview.valid_rows] == [3, 5]
    [row] = preview.invalid_rows
    assert row.number == 4
    messages = [problem.message for problem in row.problems]
    assert "closes_on: Enter the closing date" in messages
    assert any(message.startswith("pay_kind: ") for message in messages)


def test_a_row_with_too_many_cells_is_a_problem(db_session):
    data = as_csv([example_row()]) + b"a,b," + b"x," * len(TEMPLATE_COLUMNS) + b"\r\n"
    preview = read_import(data, TODAY)
    assert preview.invalid_rows[0].problems[0].field == "row"


def test_save_import_makes_drafts_from_valid_rows_only(db_session):
    organisation = make_organisation()
    author = make_user(organisation)
    preview = read_import(as_csv([example_row(), {**example_row(), "type": "nonsense"}]), TODAY)
    saved = save_import(preview, organisation, author, submit=False)
    assert [o.status for o in saved.listings] == [DRAFT]
    assert all(o.organisation_id == organisation.id and not o.is_demo for o in saved.listings)


def test_save_import_can_send_for_review(db_session):
    organisation = make_organisation()
    preview = read_import(as_csv([example_row(), example_row()]), TODAY)
    saved = save_import(preview, organisation, make_user(organisation), submit=True)
    assert [o.status for o in saved.listings] == [SUBMITTED, SUBMITTED]
    assert saved.submitted == 2


def test_a_formula_is_stored_as_text_and_neutralised_in_the_problems_file(db_session):
    organisation = make_organisation()
    good = {**example_row(), "title": HOSTILE_TITLE}
    bad = {**example_row(), "title": HOSTILE_TITLE, "closes_on": "never"}
    preview = read_import(as_csv([good, bad]), TODAY)
    saved = save_import(preview, organisation, make_user(organisation), submit=False)
    assert saved.listings[0].title == HOSTILE_TITLE
    report = list(csv.reader(io.StringIO(problems_csv(preview))))
    assert report[0] == ["row", "column", "title", "problem"]
    assert report[1][:3] == ["3", "closes_on", "'" + HOSTILE_TITLE]
    assert not any(cell.startswith(("=", "+", "-", "@")) for line in report for cell in line)


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_every_formula_start_is_neutralised(start):
    assert neutralise(f"{start}1+1") == f"'{start}1+1"
    assert neutralise("plain") == "plain"


def test_markup_in_every_cell_is_only_ever_text(db_session):
    markup = "<script>alert(1)</script>"
    preview = read_import(as_csv([dict.fromkeys(TEMPLATE_COLUMNS, markup)]), TODAY)
    [row] = preview.invalid_rows
    assert {problem.field for problem in row.problems} >= {"type", "service_areas", "closes_on"}
    title_with_markup = {**example_row(), "title": markup, "description": f"Hello {markup} there"}
    [good] = read_import(as_csv([title_with_markup]), TODAY).valid_rows
    assert good.data.title == markup  # stored as text; every template escapes it
    assert "<script>" not in good.data.description
