"""A candidate's own data: a readable summary, the same as a JSON download, and deleting the account."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from flask import Response, redirect, render_template, request, url_for
from wtforms import BooleanField
from wtforms.validators import DataRequired

from portal.auth import candidate_required, current_candidate, sign_out
from portal.candidates.blueprint import bp
from portal.extensions import db
from portal.forms import PortalForm
from portal.services.personal_data import PRIVACY_FACTS, delete_candidate, export_candidate

# The privacy notices (public pages) quote the same retention periods as the purge uses.
bp.add_app_template_global(PRIVACY_FACTS, "privacy_facts")  # type: ignore[arg-type]

SEARCH_LABELS = {
    "q": "Words",
    "type": "Type",
    "level": "Level",
    "service_area": "Service area",
    "near": "Near",
    "radius_km": "Within (km)",
}


class DeleteAccountForm(PortalForm):
    """One box to tick, so an account is never deleted by a stray click."""

    confirm = BooleanField(
        "I understand that this deletes my account and everything in it, and that it cannot be undone",
        validators=[DataRequired(message="Tick the box to confirm that you want to delete your account")],
    )


def readable_date(value: str | None) -> str:
    """An ISO 8601 time from the export as a date people read ("3 May 2025")."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value).astimezone(UTC)
    return f"{moment.day} {moment:%B %Y}"


def describe_search(search: dict[str, Any] | None) -> str:
    """A saved search in words: "Words: audiology; Near: Leeds"."""
    parts = []
    for key, value in (search or {}).items():
        if value in (None, "", []):
            continue
        shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        parts.append(f"{SEARCH_LABELS.get(key, key.replace('_', ' ').capitalize())}: {shown}")
    return "; ".join(parts) or "All opportunities"


@bp.get("/your-data")
@candidate_required
def your_data() -> str:
    """Everything held about the signed-in person, in sections, with how long it is kept."""
    return render_template(
        "candidates/your_data.html",
        data=export_candidate(current_candidate()),
        when=readable_date,
        describe_search=describe_search,
    )


@bp.get("/your-data.json")
@candidate_required
def your_data_download() -> Response:
    """The same, as a JSON file to keep."""
    data = export_candidate(current_candidate())
    body = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    response = Response(body, mimetype="application/json")
    day = datetime.now(UTC).date().isoformat()
    response.headers["Content-Disposition"] = (
        f'attachment; filename="healthcare-science-careers-your-data-{day}.json"'
    )
    # Personal data: no browser or proxy may keep a copy.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/delete", methods=["GET", "POST"])
@candidate_required
def delete_account() -> str | Response | tuple[str, int]:
    """What deleting the account removes and what stays; deletes at once once the box is ticked."""
    form = DeleteAccountForm()
    if request.method == "POST":
        if not form.validate():
            return render_template("candidates/delete_account.html", form=form), 400
        delete_candidate(current_candidate())
        db.session.commit()
        sign_out()
        return redirect(url_for("candidates.account_deleted"))
    return render_template("candidates/delete_account.html", form=form)


@bp.get("/deleted")
def account_deleted() -> str:
    """Confirmation that the account has gone (public: the person is signed out by then)."""
    return render_template("candidates/account_deleted.html")
