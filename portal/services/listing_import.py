"""Bulk import of listings from a CSV file: read and check every row, then save only the good ones.

``read_import`` never saves anything: it returns a preview with each row's listing or its problems
(row numbers as a spreadsheet shows them, the header being row 1). The upload itself is kept in the
``listing_import`` table until the uploader confirms, and is read and checked again then, so nothing
the browser sends back is trusted. Every CSV the portal writes has formula-like cells neutralised.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import delete

from portal.extensions import db
from portal.models import ListingImport, Opportunity, Organisation, User
from portal.services.listings import FIELDS, ListingData, ListingProblem, check_listing
from portal.services.opportunities import LifecycleError, create_listing, submit_listing

# The form's fields, in its order; service_areas and stages hold several values separated by ";".
TEMPLATE_COLUMNS = FIELDS
REQUIRED_COLUMNS = (
    "title",
    "type",
    "service_areas",
    "level",
    "description",
    "stages",
    "closes_on",
    "pay_kind",
    "apply_kind",
)
MAX_BYTES = 1024 * 1024
MAX_ROWS = 500
UPLOAD_LIFETIME = timedelta(hours=2)
# A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class ImportRow:
    """One data row: its spreadsheet row number, the listing it makes, or what is wrong with it."""

    number: int
    values: dict[str, str]
    data: ListingData | None
    problems: list[ListingProblem] = field(default_factory=list)

    @property
    def title(self) -> str:
        """The row's title as typed, for finding the row again."""
        return self.values.get("title", "").strip()


@dataclass
class ImportPreview:
    """What a file would import: a file-level ``error`` or the rows, good and bad."""

    text: str = ""
    error: str | None = None
    rows: list[ImportRow] = field(default_factory=list)

    @property
    def valid_rows(self) -> list[ImportRow]:
        """Rows that would become listings."""
        return [row for row in self.rows if row.data is not None]

    @property
    def invalid_rows(self) -> list[ImportRow]:
        """Rows with at least one problem."""
        return [row for row in self.rows if row.data is None]


@dataclass
class SavedImport:
    """What ``save_import`` made."""

    listings: list[Opportunity] = field(default_factory=list)
    submitted: int = 0
    not_sent: list[str] = field(default_factory=list)


def neutralise(cell: str) -> str:
    """``cell`` made safe to open in a spreadsheet: a formula-like start is quoted away."""
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


def _write_csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([[neutralise(cell) for cell in row] for row in rows])
    return out.getvalue()


def _example_row(today: date) -> dict[str, str]:
    return {
        "title": "Healthcare science associate apprenticeship in audiology",
        "type": "apprenticeship",
        "service_areas": "audiology",
        "level": "associate",
        "apprenticeship_level": "4",
        "apprenticeship_standard": "Healthcare science associate",
        "description": "Earn while you learn in our hearing clinics, with a day a week for study.",
        "stages": "post16;career-changer",
        "minimum_age": "16",
        "online": "no",
        "site_name": "Example General Hospital",
        "town": "Leeds",
        "postcode": "",
        "starts_on": (today + timedelta(days=60)).isoformat(),
        "closes_on": (today + timedelta(days=30)).isoformat(),
        "places": "2",
        "pay_kind": "apprentice-wage",
        "hours": "Full time, 37.5 hours a week",
        "apply_kind": "external",
        "apply_url": "https://example.org/apply",
    }


def template_csv(today: date | None = None) -> str:
    """The import template: the header row and one example row that imports as it stands."""
    example = _example_row(today or date.today())
    return _write_csv([list(TEMPLATE_COLUMNS), [example.get(name, "") for name in TEMPLATE_COLUMNS]])


def problems_csv(preview: ImportPreview) -> str:
    """Every problem in the preview, one a line, for fixing the file in a spreadsheet."""
    lines = [["row", "column", "title", "problem"]]
    for row in preview.invalid_rows:
        lines += [[str(row.number), p.field, row.title, p.message] for p in row.problems]
    return _write_csv(lines)


def _decode(data: bytes) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _file_error(data: bytes) -> str | None:
    if len(data) > MAX_BYTES:
        return "The file is larger than 1 MB: split it into smaller files"
    if not data.strip():
        return "The file is empty: fill in the template and upload it"
    if b"\x00" in data:
        return "The file is not a CSV file: save it from your spreadsheet as CSV UTF-8"
    if _decode(data) is None:
        return "The file is not saved as UTF-8: save it from your spreadsheet as CSV UTF-8"
    return None


def _header_error(header: list[str]) -> str | None:
    repeated = sorted({name for name in header if header.count(name) > 1 and name})
    unknown = [name for name in header if name not in TEMPLATE_COLUMNS]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if repeated:
        return f"The column {', '.join(repeated)} appears more than once"
    if unknown:
        shown = ", ".join(f"“{name[:40]}”" if name else "(a blank heading)" for name in unknown[:5])
        return f"The file has columns the template does not: {shown}. Use the template's headings"
    if missing:
        return f"The file is missing these columns: {', '.join(missing)}. Use the template's headings"
    return None


def _read_rows(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in next(reader, [])]
    # Numbered as a spreadsheet shows them (header = row 1, blank rows counted), not by text line:
    # a quoted cell with line breaks spans several lines but is one row.
    rows = [(index + 2, row) for index, row in enumerate(reader) if any(cell.strip() for cell in row)]
    return header, rows


def _check_row(number: int, header: list[str], cells: list[str], today: date) -> ImportRow:
    values = dict(zip(header, cells, strict=False))
    if len(cells) > len(header):
        problem = ListingProblem("row", "This row has more cells than the header has columns")
        return ImportRow(number, values, None, [problem])
    data, problems = check_listing(values, today)
    named = [ListingProblem(p.field, f"{p.field}: {p.message}") for p in problems]
    return ImportRow(number, values, data, named)


def read_import(data: bytes, today: date) -> ImportPreview:
    """Check an uploaded CSV file row by row; nothing is saved."""
    error = _file_error(data)
    if error:
        return ImportPreview(error=error)
    text = _decode(data) or ""
    try:
        header, rows = _read_rows(text)
    except csv.Error:
        return ImportPreview(
            error="The file cannot be read as CSV: save it from your spreadsheet as CSV UTF-8"
        )
    error = _header_error(header)
    if error is None and not rows:
        error = "The file has a header row but no listings: add one listing a row"
    if error is None and len(rows) > MAX_ROWS:
        error = f"The file has {len(rows):,} listings: import at most {MAX_ROWS} at a time"
    if error:
        return ImportPreview(error=error)
    checked = [_check_row(number, header, cells, today) for number, cells in rows]
    return ImportPreview(text=text, rows=checked)


def save_import(
    preview: ImportPreview, organisation: Organisation, author: User, submit: bool
) -> SavedImport:
    """Draft listings from the valid rows only, each sent for review when ``submit`` is set."""
    saved = SavedImport()
    for row in preview.valid_rows:
        opportunity = create_listing(organisation, author, row.data)  # type: ignore[arg-type]
        saved.listings.append(opportunity)
        if not submit:
            continue
        try:
            submit_listing(opportunity, author)
        except LifecycleError as error:
            saved.not_sent.append(f"Row {row.number}: {error}")
        else:
            saved.submitted += 1
    return saved


def store_upload(organisation: Organisation, author: User, preview: ImportPreview) -> ListingImport:
    """Keep the upload's text until it is confirmed, dropping uploads that have expired."""
    now = datetime.now(UTC)
    db.session.execute(delete(ListingImport).where(ListingImport.expires_at < now))
    upload = ListingImport(
        organisation_id=organisation.id,
        user_id=author.id,
        created_at=now,
        expires_at=now + UPLOAD_LIFETIME,
        csv_text=preview.text,
    )
    db.session.add(upload)
    db.session.flush()
    return upload


def upload_for(import_id: int, organisation_id: int, user_id: int) -> ListingImport | None:
    """The person's own unexpired upload, or None (anyone else's upload is not theirs to see)."""
    upload = db.session.get(ListingImport, import_id)
    if upload is None or (upload.organisation_id, upload.user_id) != (organisation_id, user_id):
        return None
    expires_at = upload.expires_at
    if expires_at.tzinfo is None:  # SQLite hands back naive datetimes
        expires_at = expires_at.replace(tzinfo=UTC)
    return upload if expires_at >= datetime.now(UTC) else None


def reread(upload: ListingImport, today: date) -> ImportPreview:
    """The stored upload, checked again against today's rules and data."""
    return read_import(upload.csv_text.encode("utf-8"), today)


def forget_upload(upload: ListingImport) -> None:
    """Drop an upload once it has been imported, so it cannot be imported twice."""
    db.session.delete(upload)
    db.session.flush()
