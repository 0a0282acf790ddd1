"""The form for reporting a listing (the search form is a plain GET form read by the search filters)."""

from __future__ import annotations

from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from portal.forms import PortalForm
from portal.services.reports import MAX_DETAILS, REPORT_REASONS


class ReportForm(PortalForm):
    """Why a listing is wrong, from a fixed list, and optional details; nothing about the person."""

    reason = RadioField(
        "Why are you reporting this listing?",
        choices=[SelectChoice(key, label) for key, label in REPORT_REASONS.items()],
        validators=[DataRequired("Choose why you are reporting this listing")],
    )
    details = TextAreaField(
        "Tell us more (optional)",
        validators=[
            Optional(),
            Length(max=MAX_DETAILS, message=f"Keep the details to {MAX_DETAILS:,} characters or fewer"),
        ],
    )
