"""Forms for candidates' accounts: signing up, signing in (by password or emailed link), settings."""

from __future__ import annotations

from typing import Any

from wtforms import EmailField, Field, HiddenField, PasswordField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from portal.forms import PortalForm
from portal.forms import email_field as shared_email_field
from portal.models.candidates import AGE_BANDS, UNDER_13
from portal.services.accounts import safe_next
from portal.services.passwords import MAX_LENGTH as PASSWORD_MAX_LENGTH
from portal.services.passwords import password_problem

NEXT_MAX = 2000
PASSWORD_TOO_LONG = f"Your password must be {PASSWORD_MAX_LENGTH} characters or fewer"
# Which of the settings page's two forms was posted.
FIGURES, PASSWORD, AGE_BAND = "figures", "password", "age-band"


def email_field(label: str = "Email address") -> EmailField:
    """The portal's email field, with the example candidates see."""
    return shared_email_field(label, example="name@example.com")


def _local_page(value: Any) -> str:
    # Anything but a short path on this site is dropped rather than refused: the person still signs in.
    if not isinstance(value, str) or len(value) > NEXT_MAX:
        return ""
    return safe_next(value) or ""


def next_field() -> HiddenField:
    """The local page to go back to after signing in; anything else becomes empty."""
    return HiddenField(filters=[_local_page])


class SignUpForm(PortalForm):
    """An age band, an email address and, if the person wants one, a password."""

    age_band = RadioField(
        "How old are you?",
        choices=[SelectChoice(key, label) for key, label in AGE_BANDS.items()],
        validators=[InputRequired("Choose how old you are")],
    )
    email = email_field()
    password = PasswordField(
        "Create a password (optional)",
        validators=[
            Optional(strip_whitespace=False),
            Length(max=PASSWORD_MAX_LENGTH, message=PASSWORD_TOO_LONG),
        ],
    )

    def validate(self, extra_validators: Any = None) -> bool:
        """Under 13: only the age band (and the CSRF token) is read; nothing else typed is looked at."""
        if self.age_band.data != UNDER_13:
            return super().validate(extra_validators)
        self.email.data = self.password.data = None
        checked = [self.age_band] + ([self.csrf_token] if hasattr(self, "csrf_token") else [])
        return all([field.validate(self) for field in checked])

    def validate_password(self, field: Field) -> None:
        """Long enough, not the email address, not trivially guessable (when one is given)."""
        problem = password_problem(field.data or "", self.email.data or "")
        if problem:
            raise ValidationError(problem)


class SignInForm(PortalForm):
    """Email and password, plus the local page to return to."""

    email = email_field()
    password = PasswordField(
        "Password",
        validators=[
            InputRequired("Enter your password"),
            Length(max=PASSWORD_MAX_LENGTH, message=PASSWORD_TOO_LONG),
        ],
    )
    next = next_field()


class SignInLinkForm(PortalForm):
    """Just an email address, for a one-time sign-in link (named apart: it shares a page with sign-in)."""

    link_email = email_field()
    next = next_field()


class ButtonForm(PortalForm):
    """Nothing but the CSRF token, for one-button actions such as using a sign-in link."""

    next = next_field()


class FiguresForm(PortalForm):
    """Whether the person's registered interest is counted, anonymously, in the NHS's figures."""

    change = HiddenField(default=FIGURES)
    count_interest = RadioField(
        "Count my interest, anonymously, in the figures that help the NHS plan",
        choices=[SelectChoice("yes", "Yes, count my interest"), SelectChoice("no", "No, do not count it")],
        validators=[InputRequired("Choose yes or no")],
    )


class AgeBandForm(PortalForm):
    """An older age band, after a birthday (the choices are set from the person's current band)."""

    change = HiddenField(default=AGE_BAND)
    age_band = RadioField("Your new age band", validators=[InputRequired("Choose your new age band")])

    def older_than(self, bands: list[str]) -> AgeBandForm:
        """Offer only ``bands``: the ones older than the person's current band."""
        self.age_band.choices = [SelectChoice(band, AGE_BANDS[band]) for band in bands]
        return self


class PasswordForm(PortalForm):
    """A new password (judged by ``password_problem`` in the service, which knows the address)."""

    change = HiddenField(default=PASSWORD)
    password = PasswordField(
        "New password",
        validators=[
            InputRequired("Enter a password"),
            Length(max=PASSWORD_MAX_LENGTH, message=PASSWORD_TOO_LONG),
        ],
    )
