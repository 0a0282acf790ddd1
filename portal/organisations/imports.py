"""Importing many listings at once from a CSV file: upload, preview every row, then confirm."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_wtf.file import FileField
from wtforms import HiddenField

from portal.auth import current_membership, member_required, signed_in_user
from portal.extensions import db
from portal.forms import PortalForm, submitted_once
from portal.organisations.blueprint import bp
from portal.services.listing_import import (
    MAX_BYTES,
    MAX_ROWS,
    ImportPreview,
    forget_upload,
    problems_csv,
    read_import,
    reread,
    save_import,
    store_upload,
    template_csv,
    upload_for,
)


class UploadForm(PortalForm):
    """The CSV file to import."""

    csv_file = FileField("Upload your CSV file")


class ConfirmForm(PortalForm):
    """Confirm an upload (the upload itself stays on the server); ``action`` says whether to submit."""

    action = HiddenField()


def _csv_response(text: str, filename: str) -> Response:
    # A byte-order mark makes spreadsheet programs read the file as UTF-8.
    response = Response("\ufeff" + text, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _own_upload(import_id: int) -> Any:
    membership = current_membership()
    upload = upload_for(import_id, membership.organisation_id, membership.user_id)
    if upload is None:
        abort(404)
    return upload


def _upload_page(form: UploadForm, status: int = 200) -> tuple[str, int]:
    page = render_template(
        "organisations/import.html",
        form=form,
        organisation=current_membership().organisation,
        max_rows=MAX_ROWS,
    )
    return page, status


def _uploaded_bytes(form: UploadForm) -> bytes | None:
    upload = form.csv_file.data
    if upload is None or not getattr(upload, "filename", ""):
        return None
    # One byte over the limit is enough to say the file is too large.
    return upload.stream.read(MAX_BYTES + 1)


@bp.route("/import", methods=["GET", "POST"])
@member_required
@submitted_once
def listing_import() -> Any:
    """The upload form; posting a CSV file shows what it would import, saving nothing yet."""
    form = UploadForm()
    if request.method == "GET":
        return _upload_page(form)
    if not form.validate():
        return _upload_page(form, 400)
    data = _uploaded_bytes(form)
    if data is None:
        form.csv_file.errors = ["Choose a CSV file to upload"]
        return _upload_page(form, 400)
    preview = read_import(data, date.today())
    if preview.error:
        form.csv_file.errors = [preview.error]
        return _upload_page(form, 400)
    upload = store_upload(current_membership().organisation, signed_in_user(), preview)
    db.session.commit()
    return _preview_page(upload.id, preview)


def _preview_page(import_id: int, preview: ImportPreview) -> str:
    return render_template(
        "organisations/import_preview.html",
        preview=preview,
        import_id=import_id,
        form=ConfirmForm(formdata=None),
        organisation=current_membership().organisation,
    )


@bp.post("/import/<int:import_id>/confirm")
@member_required
@submitted_once
def listing_import_confirm(import_id: int) -> Any:
    """Save the upload's valid rows as drafts (and send them for review if asked), checked afresh."""
    form = ConfirmForm()
    if not form.validate():
        abort(400)
    upload = _own_upload(import_id)
    preview = reread(upload, date.today())
    if preview.error or not preview.valid_rows:
        flash("Nothing was imported: the file no longer has any listings that can be saved.")
        return redirect(url_for("organisations.listing_import"))
    saved = save_import(
        preview, current_membership().organisation, signed_in_user(), submit=form.action.data == "submit"
    )
    forget_upload(upload)
    db.session.commit()
    flash(_saved_message(len(saved.listings), saved.submitted))
    for line in saved.not_sent[:10]:
        flash(line)
    return redirect(url_for("organisations.dashboard"))


def _saved_message(created: int, submitted: int) -> str:
    noun = "listing" if created == 1 else "listings"
    if submitted:
        return f"{created} {noun} imported; {submitted} sent for review (or live, if you are trusted)."
    return f"{created} {noun} imported as drafts."


@bp.get("/import/template.csv")
@member_required
def listing_import_template() -> Response:
    """The CSV template: every column with one example row."""
    return _csv_response(template_csv(date.today()), "listings-template.csv")


@bp.get("/import/<int:import_id>/problems.csv")
@member_required
def listing_import_problems(import_id: int) -> Response:
    """The upload's problems, one a line, to fix the file in a spreadsheet."""
    preview = reread(_own_upload(import_id), date.today())
    return _csv_response(problems_csv(preview), f"listing-problems-{import_id}.csv")
