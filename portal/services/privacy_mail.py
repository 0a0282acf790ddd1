"""The email that warns a person before an unused account is deleted, in plain words.

Queued in the caller's transaction; the link is absolute and made by the caller.
"""

from __future__ import annotations

from datetime import datetime

from portal.mail import queue_message
from portal.models import Candidate

SIGN_OFF = "Healthcare Science Careers"


def _day(moment: datetime) -> str:
    return f"{moment.day} {moment:%B %Y}"


def reminder_subject(grace_days: int) -> str:
    """The reminder's subject line, which says how long the person has."""
    return f"Sign in within {grace_days} days to keep your account"


def send_purge_reminder(
    candidate: Candidate, sign_in_link: str, delete_after: datetime, grace_days: int
) -> None:
    """Tell the person their unused account will be deleted unless they sign in within ``grace_days``."""
    paragraphs = [
        "Hello,",
        "You have a Healthcare Science Careers account, but you have not used it for a long time. "
        "We do not keep accounts that nobody uses.",
        f"If you want to keep your account, sign in before {_day(delete_after)}:",
        sign_in_link,
        "If you do not sign in, we will delete your account and everything in it: your email "
        "address, what you saved, your alerts, and any interest you sent to organisations. "
        "You do not need to do anything if you are happy for us to delete it.",
        "If you did not make this account, you can ignore this email.",
        SIGN_OFF,
    ]
    queue_message(candidate.email, reminder_subject(grace_days), "\n\n".join(paragraphs) + "\n")
