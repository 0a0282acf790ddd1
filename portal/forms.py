"""The base of every HTML form in the portal: CSRF from Flask-WTF, only the inputs a form expects, and
a one-time submission key so that a form posted twice creates one record."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from typing import Any

from flask import flash, make_response, redirect, request
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from flask_wtf.form import _Auto, _is_submitted
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from werkzeug.wrappers import Response
from wtforms import EmailField, Field, HiddenField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from portal.extensions import db
from portal.services import submissions

EMAIL_MAX = 320
SUBMISSION_FIELD = "submission_key"
ALREADY_RECEIVED = "We already have this: it had been sent before, so nothing new was made."
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

    # A fresh key each time the form is rendered; posted back unchanged, it makes a repeat harmless.
    submission_key = HiddenField(default=submissions.new_submission_key)


def posted_submission_key() -> str | None:
    """The one-time key the posted form carries, if it carries a well-formed one."""
    key = request.form.get(SUBMISSION_FIELD) if request.method == "POST" else None
    return key if submissions.is_submission_key(key) else None


def first_time_posted() -> bool:
    """For a form answered with a page, not a redirect: False if this post's key was acted on before.

    Otherwise the key is stored with the request's commit, so a repeat shows the same answer without
    counting it again.
    """
    key = posted_submission_key()
    if key is None:
        return True
    if submissions.earlier_submission(key) is not None:
        return False
    endpoint = request.endpoint or request.path
    submissions.record_with_next_commit(key, endpoint, datetime.now(UTC), even_without_new_rows=True)
    return True


def _answer_again(earlier: Any) -> Response:
    flash(ALREADY_RECEIVED)
    return redirect(earlier.result_url or request.path, 303)


def _first_answer_location(result: Any) -> str | None:
    response = make_response(result)
    return response.location if 300 <= response.status_code < 400 else None


def submitted_once(view: Callable[..., Any]) -> Callable[..., Any]:
    """Act on each posted form once: a repeat of its key creates nothing and goes where the first went.

    The key is stored in the commit that creates the record (see ``portal.services.submissions``); a
    post that creates nothing (a form with errors) stores nothing, so it can be corrected and sent.
    """

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        key = posted_submission_key()
        if key is None:
            return view(*args, **kwargs)
        earlier = submissions.earlier_submission(key)
        if earlier is not None:
            return _answer_again(earlier)
        submissions.record_with_next_commit(key, request.endpoint or request.path, datetime.now(UTC))
        try:
            result = view(*args, **kwargs)
        except IntegrityError:
            # The same form, posted at the same moment, committed first.
            db.session.rollback()
            earlier = submissions.earlier_submission(key)
            if earlier is None:
                raise
            return _answer_again(earlier)
        finally:
            submissions.forget_pending()
        location = _first_answer_location(result)
        if location and submissions.note_result(key, location):
            db.session.commit()
        return result

    return wrapper
