"""The base of every HTML form in the portal: CSRF from Flask-WTF, and only the inputs a form expects."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from flask_wtf.form import _Auto, _is_submitted
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import EmailField, Field
from wtforms.validators import DataRequired, Email, Length, ValidationError

EMAIL_MAX = 320
# Control, format (bidi overrides, zero-width), private-use, unassigned and surrogate code points.
UNPRINTABLE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cn", "Cs"})


def strip_text(value: Any) -> Any:
    """A field filter: text without the spaces around it (anything else as it came)."""
    return value.strip() if isinstance(value, str) else value


def paragraph_text(value: Any) -> Any:
    """A field filter for text of several lines: one kind of line break (browsers send CRLF), trimmed.

    One kind keeps a length limit honest and the text simple to show.
    """
    if not isinstance(value, str):
        return value
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def no_invisible_characters(message: str, allowed: str = "\n") -> Callable[[Any, Field], None]:
    """A validator refusing control and invisible characters other than ``allowed`` (line breaks).

    A bidi override or zero-width character would mislead whoever reads the text later.
    """

    def check(form: Any, field: Field) -> None:
        if field.data and any(
            unicodedata.category(ch) in UNPRINTABLE_CATEGORIES and ch not in allowed for ch in field.data
        ):
            raise ValidationError(message)

    return check


def email_field(label: str = "Email address", example: str = "name@example.org") -> EmailField:
    """An email address, required, trimmed and checked for its form (not whether it exists)."""
    return EmailField(
        label,
        filters=[strip_text],
        validators=[
            DataRequired("Enter your email address"),
            Length(max=EMAIL_MAX, message=f"Your email address must be {EMAIL_MAX} characters or fewer"),
            Email(f"Enter an email address in the correct format, like {example}"),
        ],
    )


class PortalForm(FlaskForm):
    """A Flask-WTF form that reads posted fields only, and uploaded files only if it has a file field.

    Flask-WTF's default mixes uploaded files into every form and reads JSON bodies too, so a file
    sent where text is expected reached text validators (a 500), and a deeply nested JSON body was
    parsed before any check. A form without a FileField never sees files or JSON.
    """

    class Meta(FlaskForm.Meta):
        """Form-data handling for every PortalForm."""

        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            """The request's form fields, plus its files when the form declares a file field."""
            if formdata is not _Auto:
                return formdata
            if not _is_submitted():
                return None
            if any(isinstance(field, FileField) for field in form):
                return CombinedMultiDict((request.files, request.form))
            return request.form if request.form else MultiDict()
