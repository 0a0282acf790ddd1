"""Forms for saved items and expressions of interest."""

from __future__ import annotations

from wtforms import BooleanField, Field, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from portal.forms import PortalForm, no_invisible_characters, paragraph_text
from portal.models.candidates import MESSAGE_MAX

YES, NO = "yes", "no"
# A message may run over several lines and paragraphs.
plain_message = no_invisible_characters(
    "Your message must not contain invisible or control characters", allowed="\n\t"
)


class ButtonForm(PortalForm):
    """Nothing but the CSRF token, for one-button actions such as saving or withdrawing."""


class ExpressInterestForm(PortalForm):
    """A short message to the organisation, whether to share the email address, and an age check if needed."""

    message = TextAreaField(
        "Your message",
        filters=[paragraph_text],
        validators=[
            DataRequired("Enter a message to the organisation"),
            Length(max=MESSAGE_MAX, message=f"Your message must be {MESSAGE_MAX:,} characters or fewer"),
            plain_message,
        ],
    )
    share_email = RadioField(
        "Share my email address",
        choices=[
            SelectChoice(YES, "Yes, share my email address"),
            SelectChoice(NO, "No, do not share my email address"),
        ],
        validators=[InputRequired("Choose whether to share your email address")],
    )
    confirm_age = BooleanField("I am old enough")
    # Set by ``for_listing``: the age to confirm, when the listing's minimum falls inside the band.
    age_to_confirm: int | None = None

    def for_listing(self, organisation_name: str, age_to_confirm: int | None) -> ExpressInterestForm:
        """Name the organisation in the questions, and ask for the age only when the band straddles it."""
        self.age_to_confirm = age_to_confirm
        self.message.label.text = f"Your message to {organisation_name}"
        self.share_email.label.text = f"Share my email address with {organisation_name}"
        # A fresh list: the class's validators are shared by every form made from it.
        self.share_email.validators = [
            InputRequired(f"Choose whether to share your email address with {organisation_name}")
        ]
        if age_to_confirm is not None:
            self.confirm_age.label.text = f"I am {age_to_confirm} or older"
        return self

    def validate_confirm_age(self, field: Field) -> None:
        """Required when the listing's minimum age falls inside the candidate's age band."""
        if self.age_to_confirm is not None and not field.data:
            raise ValidationError(f"Confirm that you are {self.age_to_confirm} or older")

    @property
    def shares_email(self) -> bool:
        """Whether the candidate chose to share their email address."""
        return self.share_email.data == YES
