"""Every lifecycle transition, the events and audit entries it writes, and the transitions it refuses."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from portal.extensions import db
from portal.models import AuditEntry
from portal.models.organisations import PENDING
from portal.services.listings import check_listing
from portal.services.opportunities import (
    LifecycleError,
    approve,
    awaiting_review,
    close_expired,
    close_listing,
    create_listing,
    latest_decision,
    listing_for_organisation,
    listings_for_organisation,
    pending_listing_data,
    refer_back,
    reject,
    submit_listing,
    update_listing,
)
from tests.factories import make_opportunity, make_organisation, make_user

TODAY = date.today()


def data(**changes: object):
    """Checked listing data for a valid placement."""
    values = {
        "title": "Audiology placement",
        "type": "placement",
        "service_areas": ["audiology"],
        "level": "practitioner",
        "description": "Six weeks in a hearing clinic with the audiology team, testing and fitting aids.",
        "stages": ["undergraduate"],
        "town": "Leeds",
        "closes_on": (TODAY + timedelta(days=30)).isoformat(),
        "places": "2",
        "pay_kind": "unpaid",
        "apply_kind": "portal",
        **changes,
    }
    listing, problems = check_listing(values, TODAY)
    assert not problems, problems
    return listing


@pytest.fixture
def people(db_session):
    """An approved organisation, its owner, and an administrator."""
    organisation = make_organisation()
    return organisation, make_user(organisation), make_user(is_admin=True)


def _audits(opportunity) -> list[str]:
    statement = db.select(AuditEntry.action).where(AuditEntry.target_id == opportunity.id)
    return list(db.session.scalars(statement.order_by(AuditEntry.id)))


def test_draft_submit_refer_back_resubmit_approve(people):
    organisation, owner, admin = people
    listing = create_listing(organisation, owner, data())
    assert listing.status == "draft" and listing.area_slugs == ["audiology"]
    submit_listing(listing, owner)
    assert listing in awaiting_review()
    refer_back(listing, admin, "pay-unclear", "Say the hours")
    decision = latest_decision(listing)
    assert (listing.status, decision.reason_code, decision.reason_text) == (
        "referred-back",
        "pay-unclear",
        "Say the hours",
    )
    update_listing(listing, owner, data(hours="9 to 5"))
    submit_listing(listing, owner)
    approve(listing, admin)
    assert listing.status == "live" and listing.live_since is not None and listing not in awaiting_review()
    events = [(e.action, e.from_status, e.to_status, e.actor_id) for e in listing.events]
    assert events == [
        ("created", None, "draft", owner.id),
        ("submitted", "draft", "submitted", owner.id),
        ("referred-back", "submitted", "referred-back", admin.id),
        ("edited", "referred-back", "referred-back", owner.id),
        ("submitted", "referred-back", "submitted", owner.id),
        ("approved", "submitted", "live", admin.id),
    ]
    assert _audits(listing) == ["listing-referred-back", "listing-approved"]


def test_a_live_edit_waits_for_review_and_the_live_version_stays(people):
    organisation, owner, admin = people
    listing = make_opportunity(organisation)
    update_listing(listing, owner, data(title="New title"))
    assert listing.title != "New title" and listing.pending_status == "submitted"
    assert pending_listing_data(listing).title == "New title"
    refer_back(listing, admin, "other", "Keep the old title")
    assert listing.status == "live" and listing.pending_status == "referred-back"
    update_listing(listing, owner, data(title="Newer title"))
    approve(listing, admin)
    assert listing.title == "Newer title" and listing.pending_changes is None
    assert _audits(listing) == ["listing-referred-back", "change-approved"]


def test_trusted_organisations_skip_review(db_session):
    organisation = make_organisation(trusted=True)
    owner = make_user(organisation)
    listing = submit_listing(create_listing(organisation, owner, data()), owner)
    assert listing.status == "live" and listing.events[-1].action == "published"
    update_listing(listing, owner, data(title="At once"))
    assert listing.title == "At once" and listing.events[-1].action == "change-published"


def test_reject_and_close(people):
    organisation, owner, admin = people
    listing = submit_listing(create_listing(organisation, owner, data()), owner)
    reject(listing, admin, "charges-fee")
    assert listing.status == "rejected" and _audits(listing) == ["listing-rejected"]
    live = make_opportunity(organisation)
    close_listing(live, owner, "filled")
    assert live.status == "closed" and live.events[-1].reason_code == "filled"


def test_close_expired_is_safe_to_run_twice(people):
    organisation, _, _ = people
    old = make_opportunity(organisation, closes_on=TODAY - timedelta(days=1))
    assert close_expired() >= 1 and old.status == "closed" and old.events[-1].actor_id is None
    assert close_expired() == 0


REFUSED = [
    ("approve a draft", "draft", lambda o, u: approve(o, u)),
    ("refer back a draft", "draft", lambda o, u: refer_back(o, u, "dates")),
    ("reject a draft", "draft", lambda o, u: reject(o, u, "duplicate")),
    ("submit a live listing", "live", lambda o, u: submit_listing(o, u)),
    ("edit a submitted listing", "submitted", lambda o, u: update_listing(o, u, data())),
    ("close a draft", "draft", lambda o, u: close_listing(o, u, "filled")),
    ("close with no reason", "live", lambda o, u: close_listing(o, u, "bored")),
    ("refer back for an unknown reason", "submitted", lambda o, u: refer_back(o, u, "nope")),
    ("other without words", "submitted", lambda o, u: reject(o, u, "other", "  ")),
]


@pytest.mark.parametrize(("name", "status", "change"), REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_transitions_raise_and_change_nothing(people, name, status, change):
    organisation, _, admin = people
    listing = make_opportunity(organisation, status=status)
    with pytest.raises(LifecycleError):
        change(listing, admin)
    assert listing.status == status and _audits(listing) == []


def test_nothing_goes_live_for_an_unapproved_organisation(db_session):
    organisation = make_organisation(status=PENDING, approved_at=None, trusted=True)
    owner = make_user(organisation)
    listing = submit_listing(create_listing(organisation, owner, data()), owner)
    assert listing.status == "submitted"
    with pytest.raises(LifecycleError, match="Approve the organisation first"):
        approve(listing, make_user(is_admin=True))


def test_an_organisation_sees_only_its_own_listings(people):
    organisation, _, _ = people
    mine, theirs = make_opportunity(organisation), make_opportunity()
    assert listings_for_organisation(organisation.id) == [mine]
    assert listing_for_organisation(mine.id, organisation.id) is mine
    assert listing_for_organisation(theirs.id, organisation.id) is None
