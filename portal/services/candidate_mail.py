"""The emails to candidates about their accounts, in plain words a 13-year-old can follow.

Each function queues one message in the caller's transaction (it goes once the request commits).
Links are absolute and made by the caller, from PUBLIC_URL: services never build URLs themselves.
We hold no names for candidates, so every email starts with a plain "Hello".
"""

from __future__ import annotations

from portal.mail import queue_message
from portal.models import Candidate

SIGN_OFF = "Healthcare Science Careers"


def _send(to: str, subject: str, *paragraphs: str) -> None:
    queue_message(to, subject, "\n\n".join(["Hello,", *paragraphs, SIGN_OFF]) + "\n")


def send_confirm_address(candidate: Candidate, link: str) -> None:
    """Ask a person who has just made an account to confirm that the address is theirs."""
    _send(
        candidate.email,
        "Confirm your email address",
        "Thank you for making an account on Healthcare Science Careers. "
        "To check that this email address is yours, open this link within 3 days. "
        "It signs you in too:",
        link,
        "If you did not make an account, you can ignore this email.",
    )


def send_sign_in_link(candidate: Candidate, link: str) -> None:
    """Send a link that signs the person in once, for the next 15 minutes."""
    _send(
        candidate.email,
        "Your link to sign in",
        "Someone, probably you, asked for a link to sign in to Healthcare Science Careers. "
        "Open this link within 15 minutes to sign in. It works once:",
        link,
        "Do not forward this email: anyone with the link can sign in to your account.",
        "If you did not ask for this, you can ignore this email. Nobody can sign in without the link.",
    )


def send_already_have_account(candidate: Candidate, sign_in_link: str) -> None:
    """Tell the owner of an address that someone tried to make a second account with it."""
    _send(
        candidate.email,
        "You already have an account",
        "Someone, probably you, tried to make an account on Healthcare Science Careers with this "
        "email address. You already have an account, so we did not make a new one.",
        "To sign in, go to this page. If you do not have a password, or have forgotten it, "
        f"you can ask for a link to sign in instead:\n{sign_in_link}",
        "If this was not you, you do not need to do anything.",
    )


def send_password_changed(candidate: Candidate, sign_in_link: str) -> None:
    """Tell the person their password was set or changed, in case it was not them."""
    _send(
        candidate.email,
        "Your password has been changed",
        "The password for your Healthcare Science Careers account has just been set or changed, "
        "and anyone else signed in to your account has been signed out.",
        "If this was not you, ask for a link to sign in, then choose a new password in your "
        f"account's settings:\n{sign_in_link}",
    )
