"""Forms for saved searches: how often to email, and for people without an account, where and their age."""

from __future__ import annotations

from wtforms import EmailField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length

from portal.forms import EMAIL_MAX, PortalForm, strip_text
from portal.models.candidates import AGE_BANDS, ALERT_FREQUENCIES, DAILY, WEEKLY

CHOOSE_FREQUENCY = "Choose how often you want emails"
EMAILED_FREQUENCIES = [SelectChoice(DAILY, "Daily"), SelectChoice(WEEKLY, "Weekly")]


class ButtonForm(PortalForm):
    """A button that changes something: only the CSRF token is posted."""


class FrequencyForm(PortalForm):
    """How often a signed-in candidate's saved search is emailed, if at all."""

    frequency = RadioField(
        "How often do you want emails about new listings?",
        choices=[SelectChoice(key, label) for key, label in ALERT_FREQUENCIES.items()],
        validators=[InputRequired(CHOOSE_FREQUENCY)],
    )


class EmailAlertForm(PortalForm):
    """An alert for someone without an account: their address, their age band and how often."""

    email = EmailField(
        "Email address",
        filters=[strip_text],
        validators=[
            InputRequired("Enter your email address"),
            Length(max=EMAIL_MAX, message=f"Email address must be {EMAIL_MAX} characters or fewer"),
            Email("Enter an email address in the right form, like name@example.com"),
        ],
    )
    age_band = RadioField(
        "How old are you?",
        choices=[SelectChoice(key, label) for key, label in AGE_BANDS.items()],
        validators=[InputRequired("Tell us how old you are")],
    )
    frequency = RadioField(
        "How often do you want emails?",
        choices=EMAILED_FREQUENCIES,
        validators=[InputRequired(CHOOSE_FREQUENCY)],
    )
