"""The emails of saved searches, in plain words and plain text, and a search written out as a sentence.

Each sending function queues one message in the caller's transaction. Links are absolute and made
by the caller (``AlertLinks``), from PUBLIC_URL: services never build URLs themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from portal.extensions import db
from portal.mail import list_unsubscribe_headers, queue_message
from portal.models import AlertSubscription, Opportunity, ServiceArea
from portal.models.candidates import ALERT_FREQUENCIES
from portal.models.opportunities import OPPORTUNITY_TYPES
from portal.services.opportunity_filters import CLOSING_SOON_DAYS, SearchFilters

SIGN_OFF = "Healthcare Science Careers"
EVERYTHING = "every new listing"


@dataclass(frozen=True)
class AlertLinks:
    """How the caller makes the absolute links an alert email carries."""

    listing: Callable[[int], str]
    search: Callable[[Mapping[str, Any]], str]
    unsubscribe: Callable[[str], str]
    # The candidate's own alerts page; alerts without an account have none.
    manage: str


def _joined(words: Sequence[str], last: str = "or") -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {last} {words[-1]}"


def _area_name(slug: str) -> str:
    return db.session.scalar(select(ServiceArea.name).where(ServiceArea.slug == slug)) or slug


def describe_search(filters: SearchFilters | None, vocabulary: Mapping[str, Mapping[str, str]]) -> str:
    """The search as people say it: "placements or jobs in Audiology near Leeds (within 25 km)"."""
    if filters is None:
        return "a search that can no longer be run"
    kinds = [OPPORTUNITY_TYPES[kind].lower() + "s" for kind in filters.type]
    parts = [_joined(kinds) if kinds else "listings"]
    if filters.q:
        parts.append(f"matching “{filters.q}”")
    if filters.level:
        level = vocabulary.get("career_levels", {}).get(filters.level, filters.level)
        parts.append(f"at {level.lower()} level")
    if filters.service_area:
        parts.append(f"in {_area_name(filters.service_area)}")
    if filters.stage:
        stage = vocabulary.get("stages", {}).get(filters.stage, filters.stage)
        parts.append(f"for the stage “{stage}”")
    if filters.near:
        parts.append(f"near {filters.near} (within {filters.radius} km), and online")
    if filters.closing_soon:
        parts.append(f"closing within {CLOSING_SOON_DAYS} days")
    if len(parts) == 1 and not kinds:
        return EVERYTHING
    return " ".join(parts)


def _send(to: str, subject: str, *paragraphs: str, headers: dict[str, str] | None = None) -> None:
    queue_message(to, subject, "\n\n".join([*paragraphs, SIGN_OFF]) + "\n", headers=headers)


def send_alert_confirmation(address: str, search_words: str, frequency: str, link: str) -> None:
    """Ask the owner of an address to confirm the alert they asked for (nothing is sent until they do)."""
    _send(
        address,
        "Confirm your email alert",
        "Hello,",
        "Someone, probably you, asked Healthcare Science Careers to email this address about new "
        f"listings: {search_words}, {ALERT_FREQUENCIES[frequency].lower()}.",
        f"To start the emails, open this link within 7 days and press the button on the page:\n{link}",
        "If this was not you, ignore this email. We will not email you about listings, and we will "
        "delete the request.",
    )


def _listing_lines(opportunity: Opportunity, link: str) -> str:
    where = "Online" if opportunity.online else opportunity.town or "Place not given"
    closes = f"{opportunity.closes_on.day} {opportunity.closes_on:%B %Y}"
    title = f"{opportunity.title} (demonstration listing)" if opportunity.is_demo else opportunity.title
    facts = f"{opportunity.type_label}, {where}, closes on {closes}"
    return "\n".join([title, opportunity.organisation.name, facts, link])


def send_new_listings(
    subscription: AlertSubscription,
    listings: Sequence[Opportunity],
    search_words: str,
    links: AlertLinks,
    unsubscribe_token: str,
    more_waiting: int = 0,
) -> None:
    """Email the listings new since the last email, with a link that stops the emails without signing in."""
    count = "1 new listing" if len(listings) == 1 else f"{len(listings)} new listings"
    paragraphs = [
        "Hello,",
        f"Here {'is' if len(listings) == 1 else 'are'} {count} on Healthcare Science Careers "
        f"for your saved search: {search_words}.",
        *(_listing_lines(listing, links.listing(listing.id)) for listing in listings),
    ]
    if more_waiting:
        paragraphs.append(f"There are {more_waiting} more. They will be in your next email.")
    paragraphs.append(f"See everything that matches your search now:\n{links.search(subscription.search)}")
    often = ALERT_FREQUENCIES.get(subscription.frequency, subscription.frequency).lower()
    if subscription.candidate_id is not None:
        paragraphs.append(f"You get these emails {often}. To change that, sign in and go to:\n{links.manage}")
    else:
        paragraphs.append(f"You get these emails {often} because you asked for them.")
    paragraphs.append(
        "To stop these emails, open this link. You do not need to sign in:\n"
        f"{links.unsubscribe(unsubscribe_token)}"
    )
    unsubscribe = links.unsubscribe(unsubscribe_token)
    _send(
        subscription.address or "",
        f"{count} for your saved search",
        *paragraphs,
        headers=list_unsubscribe_headers(unsubscribe),
    )
