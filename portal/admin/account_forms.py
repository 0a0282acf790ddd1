"""Forms for administrators: signing in, the second factor, and approving organisations."""

from __future__ import annotations

from wtforms import EmailField, Field, HiddenField, IntegerField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, ValidationError
from wtforms.widgets import HiddenInput

from portal.forms import PortalForm, strip_text

APPROVE, DECLINE = "approve", "decline"
REASON_MAX = 1000

MAX_ROW_ID = 2**31 - 1


def row_id(form: PortalForm, field: Field) -> None:
    """An id that a row could have: ids are 32-bit, and a bigger number overflows the database driver."""
    # Not WTForms' NumberRange: it converts to float, which overflows for "9" * 400.
    if not isinstance(field.data, int) or not 1 <= field.data <= MAX_ROW_ID:
        raise ValidationError("That record does not exist")


class AdminSignInForm(PortalForm):
    """An administrator's email address and password, plus the local page to return to."""

    email = EmailField(
        "Email address",
        filters=[strip_text],
        validators=[
            DataRequired("Enter your email address"),
            Length(max=320, message="Your email address must be 320 characters or fewer"),
            Email("Enter an email address in the correct format, like name@example.org"),
        ],
    )
    password = PasswordField("Password", validators=[InputRequired("Enter your password")])
    next = HiddenField()


class SecondFactorForm(PortalForm):
    """A code from the authenticator app, or a recovery code."""

    code = StringField(
        "Code",
        filters=[strip_text],
        validators=[
            DataRequired("Enter the code from your authenticator app"),
            Length(max=40, message="Enter the 6-digit code from your app, or a recovery code"),
        ],
    )
    next = HiddenField()


class SetUpSecondFactorForm(PortalForm):
    """The first code from a newly set-up authenticator app."""

    code = StringField(
        "Code from your app",
        filters=[strip_text],
        validators=[
            DataRequired("Enter the 6-digit code from your authenticator app"),
            Length(max=40, message="Enter the 6-digit code from your authenticator app"),
        ],
    )
    next = HiddenField()


class DecisionForm(PortalForm):
    """Approve or decline one organisation; declining needs a reason the owners will read."""

    organisation_id = IntegerField(widget=HiddenInput(), validators=[InputRequired(), row_id])
    decision = HiddenField(validators=[InputRequired()])
    reason = TextAreaField(
        "Why are you declining it?",
        filters=[strip_text],
        validators=[Length(max=REASON_MAX, message=f"Keep the reason to {REASON_MAX} characters or fewer")],
    )

    def validate_decision(self, field: Field) -> None:
        """One of the two buttons."""
        if field.data not in (APPROVE, DECLINE):
            raise ValidationError("Choose to approve or decline the organisation")

    def validate_reason(self, field: Field) -> None:
        """The owners are told why, so a refusal without a reason is refused."""
        if self.decision.data == DECLINE and not field.data:
            raise ValidationError("Say why you are declining it: the owners will read this")
