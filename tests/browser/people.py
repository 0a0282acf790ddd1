"""The people and listings the browser tests sign in as and look at, beside the demonstration data."""

from __future__ import annotations

from datetime import date, timedelta

from portal.models.opportunities import REFERRED_BACK, SUBMITTED
from portal.services import opportunities
from tests.factories import PASSWORD, make_opportunity, make_organisation, make_user

OWNER_EMAIL = "owner@northdale.example.org"
ADMIN_EMAIL = "moderator@example.org"
ADMIN_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
REFERRED_TITLE = "Cardiac physiology apprenticeship"
SUBMITTED_TITLE = "Audiology work experience week"
__all__ = ["PASSWORD"]


def add_people_and_listings() -> None:
    """An owner with a submitted and a referred-back listing, and an administrator with a second factor."""
    trust = make_organisation(
        name="Northdale Teaching Hospitals NHS Trust", website="https://northdale.example.org"
    )
    make_user(trust, email=OWNER_EMAIL, name="Ada Owner")
    admin = make_user(email=ADMIN_EMAIL, name="Mo Derator", is_admin=True, totp_secret=ADMIN_TOTP_SECRET)
    closing = date.today() + timedelta(days=40)
    make_opportunity(
        trust,
        areas=("audiology",),
        status=SUBMITTED,
        type="work-experience",
        level="none",
        title=SUBMITTED_TITLE,
        stages=["gcse", "post16"],
        minimum_age=14,
        closes_on=closing,
        live_since=None,
    )
    referred = make_opportunity(
        trust,
        areas=("cardiac-science",),
        status=SUBMITTED,
        type="apprenticeship",
        apprenticeship_level=4,
        level="associate",
        title=REFERRED_TITLE,
        stages=["post16"],
        minimum_age=16,
        pay_kind="apprentice-wage",
        closes_on=closing,
        live_since=None,
    )
    opportunities.refer_back(
        referred, admin, "pay-unclear", "Say what the apprentice wage is in pounds an hour."
    )
    assert referred.status == REFERRED_BACK
