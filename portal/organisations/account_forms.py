"""Forms for organisation accounts: signing up, signing in, passwords and members."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from wtforms import (
    Field,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)
from wtforms.widgets import HiddenInput

from portal.forms import UNPRINTABLE_CATEGORIES, PortalForm, email_field, strip_text
from portal.models.organisations import EDITOR, ORGANISATION_KINDS, OWNER
from portal.services.passwords import MAX_LENGTH as PASSWORD_MAX_LENGTH
from portal.services.passwords import password_problem

MAX_ROW_ID = 2**31 - 1


def row_id(form: PortalForm, field: Field) -> None:
    """An id that a row could have: ids are 32-bit, and a bigger number overflows the database driver."""
    # Not WTForms' NumberRange: it converts to float, which overflows for "9" * 400.
    if not isinstance(field.data, int) or not 1 <= field.data <= MAX_ROW_ID:
        raise ValidationError("That record does not exist")


def plain_text(form: PortalForm, field: Field) -> None:
    """Refuse invisible characters: names go into emails, where a bidi override would mislead."""
    if field.data and any(unicodedata.category(ch) in UNPRINTABLE_CATEGORIES for ch in field.data):
        raise ValidationError(f"{field.label.text} must not contain invisible or control characters")


def https_address(form: PortalForm, field: Field) -> None:
    """An optional website, which must be an https:// address (``https://`` is added when left off)."""
    if not field.data:
        field.data = None
        return
    address = field.data if "://" in field.data else f"https://{field.data}"
    try:
        parts = urlsplit(address)
        host = parts.hostname or ""
        parts.port  # noqa: B018  (reading it is the check: a bad port raises)
    except ValueError:  # "[[[" reads as a broken IPv6 address
        host = ""
    if not host or parts.scheme != "https" or "." not in host or " " in address or "@" in parts.netloc:
        raise ValidationError("Enter a website address that starts https://, like https://www.example.org")
    field.data = address


def name_field(label: str, missing: str, longest: int = 120) -> StringField:
    """A person's or organisation's name."""
    return StringField(
        label,
        filters=[strip_text],
        validators=[
            DataRequired(missing),
            Length(max=longest, message=f"{label} must be {longest} characters or fewer"),
            plain_text,
        ],
    )


def new_password_field(label: str = "Create a password") -> PasswordField:
    """A new password, judged by ``password_problem`` once the form's email is known."""
    return PasswordField(
        label,
        validators=[
            InputRequired("Enter a password"),
            Length(
                max=PASSWORD_MAX_LENGTH,
                message=f"Your password must be {PASSWORD_MAX_LENGTH} characters or fewer",
            ),
        ],
    )


class SignUpForm(PortalForm):
    """An organisation and the first person who will own its account."""

    organisation_name = name_field("Organisation name", "Enter the name of your organisation", 160)
    kind = RadioField(
        "What kind of organisation is it?",
        choices=[SelectChoice(key, label) for key, label in ORGANISATION_KINDS.items()],
        validators=[InputRequired("Choose what kind of organisation it is")],
    )
    town = StringField(
        "Town or city",
        filters=[strip_text],
        validators=[DataRequired("Enter the town or city where your organisation is based")],
    )
    website = StringField(
        "Website (optional)",
        filters=[strip_text],
        validators=[
            Optional(),
            Length(max=300, message="Website addresses are 300 characters or fewer"),
            https_address,
        ],
    )
    name = name_field("Your full name", "Enter your full name")
    email = email_field("Your work email address")
    password = new_password_field()

    def validate_password(self, field: Field) -> None:
        """Long enough, not the email address, not trivially guessable."""
        problem = password_problem(field.data or "", self.email.data or "")
        if problem:
            raise ValidationError(problem)


class SignInForm(PortalForm):
    """Email and password, plus the local page to return to."""

    email = email_field()
    password = PasswordField("Password", validators=[InputRequired("Enter your password")])
    next = HiddenField()


class EmailForm(PortalForm):
    """Just an email address: for a new password or a new confirmation link."""

    email = email_field()


class NewPasswordForm(PortalForm):
    """A new password for the account a reset link is for."""

    password = new_password_field("New password")


class InviteForm(PortalForm):
    """Whom to invite, and as what."""

    email = email_field("Their email address")
    role = RadioField(
        "What can they do?",
        choices=[
            SelectChoice(EDITOR, "Editor: post and edit opportunities"),
            SelectChoice(OWNER, "Owner: also invite and remove people"),
        ],
        validators=[InputRequired("Choose what they can do")],
    )


class RemoveMemberForm(PortalForm):
    """The membership to end."""

    membership_id = IntegerField(widget=HiddenInput(), validators=[InputRequired(), row_id])


class RevokeInvitationForm(PortalForm):
    """The invitation to withdraw."""

    invitation_id = IntegerField(widget=HiddenInput(), validators=[InputRequired(), row_id])


class AcceptInvitationForm(PortalForm):
    """The invited person's name and a password for their new account."""

    name = name_field("Your full name", "Enter your full name")
    password = new_password_field()


class ButtonForm(PortalForm):
    """Nothing but the CSRF token, for one-button actions such as signing out or joining."""
