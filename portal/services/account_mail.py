"""The emails about accounts and organisations, in plain words and plain text.

Each function queues one message in the caller's transaction (it goes once the request commits).
Links are absolute and made by the caller, from PUBLIC_URL: services never build URLs themselves.
"""

from __future__ import annotations

from portal.mail import queue_message
from portal.models import Invitation, Organisation, User
from portal.services.organisations import INVITATION_DAYS, owners

SIGN_OFF = "Healthcare Science Careers"


def _send(to: str, subject: str, *paragraphs: str) -> None:
    queue_message(to, subject, "\n\n".join([*paragraphs, SIGN_OFF]) + "\n")


def _subject_name(name: str) -> str:
    # A header must be one printable line; names are checked at sign-up, this covers older rows.
    return name if name.isprintable() and len(name) <= 100 else "an organisation"


def send_confirm_email(user: User, link: str) -> None:
    """Ask a new owner to confirm their email address."""
    _send(
        user.email,
        "Confirm your email address",
        f"Hello {user.name},",
        "Thank you for signing up your organisation to Healthcare Science Careers. "
        "To confirm your email address, open this link within 3 days:",
        link,
        "If you did not sign up, you can ignore this email and nothing will happen.",
    )


def send_already_registered(user: User, sign_in_link: str, reset_link: str) -> None:
    """Tell the owner of an address that someone tried to sign up with it again."""
    _send(
        user.email,
        "You already have an account",
        f"Hello {user.name},",
        "Someone, probably you, tried to sign up to Healthcare Science Careers with this email "
        "address. You already have an account, so we did not make a new one.",
        f"To sign in, go to:\n{sign_in_link}",
        f"If you have forgotten your password, you can choose a new one here:\n{reset_link}",
        "If this was not you, you do not need to do anything.",
    )


def send_reset_password(user: User, link: str) -> None:
    """Send the link that lets a person choose a new password."""
    _send(
        user.email,
        "Choose a new password",
        f"Hello {user.name},",
        "We received a request to reset the password for your Healthcare Science Careers account. "
        "To choose a new password, open this link within 1 hour. It works once:",
        link,
        "If you did not ask for this, you can ignore this email. Your password has not changed.",
    )


def send_password_changed(user: User, reset_link: str) -> None:
    """Tell a person their password changed, in case it was not them."""
    _send(
        user.email,
        "Your password has been changed",
        f"Hello {user.name},",
        "The password for your Healthcare Science Careers account has just been changed, "
        "and anyone else signed in to your account has been signed out.",
        f"If this was not you, reset your password straight away:\n{reset_link}",
    )


def send_organisation_approved(organisation: Organisation, dashboard_link: str) -> None:
    """Tell the owners their organisation can now publish opportunities."""
    for owner in owners(organisation):
        _send(
            owner.email,
            "Your organisation has been approved",
            f"Hello {owner.name},",
            f"Good news: we have approved {organisation.name} on Healthcare Science Careers. "
            "The opportunities you post can now be published for people to find.",
            f"Sign in to your organisation's page:\n{dashboard_link}",
        )


def send_organisation_declined(organisation: Organisation, reason: str) -> None:
    """Tell the owners their organisation was not approved, and why."""
    for owner in owners(organisation):
        _send(
            owner.email,
            "Your organisation has not been approved",
            f"Hello {owner.name},",
            f"We are sorry, but we have not approved {organisation.name} on Healthcare Science Careers.",
            f"The reason we gave is:\n{reason}",
            "If you think we have made a mistake, contact the national healthcare science team.",
        )


def send_invitation(invitation: Invitation, inviter: User, link: str) -> None:
    """Invite a person to join an organisation."""
    role = "an owner" if invitation.role == "owner" else "an editor"
    _send(
        invitation.email,
        f"Join {_subject_name(invitation.organisation.name)} on Healthcare Science Careers",
        "Hello,",
        f"{inviter.name} has invited you to join {invitation.organisation.name} on Healthcare "
        f"Science Careers as {role}, to post opportunities in healthcare science.",
        f"To accept, open this link within {INVITATION_DAYS} days:",
        link,
        "If you were not expecting this, you can ignore this email.",
    )
