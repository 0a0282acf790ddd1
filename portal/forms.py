"""The base of every HTML form in the portal: CSRF from Flask-WTF, and only the inputs a form expects."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from flask_wtf.form import _Auto, _is_submitted
from werkzeug.datastructures import CombinedMultiDict, MultiDict


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
