"""The email that tells an organisation's owners about new interest in a listing.

It carries nothing about the candidate, not even what they wrote: the owners sign in to read it,
where the portal shows only what the candidate chose to send.
"""

from __future__ import annotations

from portal.mail import queue_message
from portal.models import Opportunity
from portal.services.organisations import owners

SIGN_OFF = "Healthcare Science Careers"


def send_new_interest(opportunity: Opportunity, sign_in_link: str) -> None:
    """Queue one short note to each owner of the listing's organisation (in the caller's transaction)."""
    for owner in owners(opportunity.organisation):
        if owner.email_verified_at is None:
            continue
        text = "\n\n".join(
            [
                f"Hello {owner.name},",
                f"You have a new expression of interest in {opportunity.title}.",
                f"Sign in to see it:\n{sign_in_link}",
                SIGN_OFF,
            ]
        )
        queue_message(owner.email, "You have a new expression of interest", text + "\n")
