"""Automatic checks, reports, the history and the moderator's decision."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from portal.extensions import db
from portal.models import AuditEntry, ListingReport, OutboxMessage
from portal.models.organisations import EDITOR
from portal.services.listing_facts import compare_facts, listing_facts
from portal.services.listings import check_listing
from portal.services.moderation import (
    BANNED_PHRASES,
    automatic_checks,
    decide,
    history,
    open_reports,
    reports_for,
    resolve_report,
    tell_owners,
)
from portal.services.opportunities import update_listing
from tests.factories import make_opportunity, make_organisation, make_user, now

GOOD = "Six weeks in a hearing clinic with the audiology team, testing hearing and fitting hearing aids."
LABELS = {"stages": {"undergraduate": "At university"}, "career_levels": {"practitioner": "Practitioner"}}


def _good(**fields):
    return make_opportunity(**{"description": GOOD, **fields})


def test_a_complete_listing_raises_nothing(db_session):
    assert automatic_checks(_good()) == []


@pytest.mark.parametrize("phrase", BANNED_PHRASES)
def test_each_banned_phrase_is_flagged(db_session, phrase):
    checks = automatic_checks(_good(description=f"{GOOD} Please {phrase.upper()} first."))
    assert any(phrase in message for message in checks), checks


def test_missing_essentials_are_flagged(db_session):
    listing = make_opportunity(
        description="Short.", places=None, stages=[], type="job", pay_kind="band", pay_band=None,
        closes_on=date.today() + timedelta(days=1),
    )  # fmt: skip
    checks = " | ".join(automatic_checks(listing))
    for words in (
        "how many places",
        "description is short",
        "which stages",
        "pay is not stated",
        "closes in under 3 days",
    ):
        assert words in checks, checks


def test_an_apply_link_elsewhere_than_the_website_is_flagged(db_session):
    organisation = make_organisation(website="https://www.leedsth.nhs.uk")
    assert automatic_checks(_good(organisation=organisation, apply_url="https://jobs.leedsth.nhs.uk/x")) == []
    checks = automatic_checks(_good(organisation=organisation, apply_url="https://bit.ly/x"))
    assert checks == ["The link to apply goes to bit.ly, not the organisation's website (leedsth.nhs.uk)"]


def test_a_pending_change_is_what_gets_checked(db_session):
    listing = _good()
    values = {
        "title": "Send money", "type": "placement", "service_areas": ["audiology"], "level": "practitioner",
        "description": GOOD, "stages": ["undergraduate"], "town": "Leeds", "places": "2",
        "closes_on": (date.today() + timedelta(days=20)).isoformat(),
        "pay_kind": "unpaid", "apply_kind": "portal",
    }  # fmt: skip
    data, _ = check_listing(values, date.today())
    update_listing(listing, make_user(listing.organisation), data)
    assert any("send money" in message for message in automatic_checks(listing))
    compared = {fact.label: fact for fact in compare_facts(listing, data, LABELS)}
    assert compared["Title"].changed and compared["Title"].proposed == "Send money"
    assert not compared["Description"].changed


def test_reports_are_listed_until_resolved_with_an_audit(db_session):
    listing, admin = _good(), make_user(is_admin=True)
    report = ListingReport(opportunity=listing, reason="scam", created_at=now())
    db.session.add(report)
    db.session.flush()
    assert report in open_reports() and reports_for(listing) == [report]
    with pytest.raises(ValueError):
        resolve_report(report, admin, "shrug")
    resolve_report(report, admin, "no-action")
    assert report not in open_reports() and report.resolved_by_id == admin.id
    with pytest.raises(ValueError):
        resolve_report(report, admin, "acted")
    audit = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "report-resolved")).one()
    assert audit.target_id == report.id and audit.after == {"outcome": "no-action"}


def test_decisions_and_history_say_who_and_why(db_session):
    organisation = make_organisation()
    owner = make_user(organisation)
    make_user(organisation, role=EDITOR)
    admin = make_user(is_admin=True, name="Mod Erator")
    listing = make_opportunity(organisation, status="submitted")
    decide(listing, admin, "refer-back", "dates", "The start is before the close")
    entry = history(listing)[-1]
    assert (entry.actor_name, entry.by_moderator) == ("Mod Erator", True)
    assert entry.reason == "The dates do not make sense. The start is before the close"
    with pytest.raises(ValueError):
        decide(listing, admin, "shrug", None, None)
    assert tell_owners(listing, "Your listing needs changes", "Text") == 1
    sent = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.to_address == owner.email)).one()
    assert sent.subject == "Your listing needs changes"


def test_facts_are_plain_words(db_session):
    facts = dict(listing_facts(_good(pay_kind="salary", salary_min=24000, salary_max=26000), LABELS))
    assert facts["Pay"] == "£24,000 to £26,000 a year" and facts["Who it suits"] == "At university"
    assert facts["Service areas"] == "Audiology"
