"""Forms for teachers: naming a new class code, and closing one."""

from __future__ import annotations

from typing import Any

from wtforms import StringField
from wtforms.validators import DataRequired, Length

from portal.forms import PortalForm
from portal.services.classes import LABEL_LENGTH


def _strip(value: Any) -> Any:
    return " ".join(value.split()) if isinstance(value, str) else value


class NewClassForm(PortalForm):
    """The teacher's own name for a class: never a student's name."""

    label = StringField(
        "Name of the class",
        filters=[_strip],
        validators=[
            DataRequired("Enter a name for the class"),
            Length(max=LABEL_LENGTH, message=f"The class name must be {LABEL_LENGTH} characters or fewer"),
        ],
    )


class CloseClassForm(PortalForm):
    """Stop taking answers with a class code (the CSRF token is all it carries)."""
