"""Any committed change that public pages show raises the public generation; nothing else does."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from portal.extensions import db
from portal.models import Opportunity, OpportunityArea, ServiceArea
from portal.services.public_generation import PUBLIC_TABLES, current_generation
from tests.factories import make_candidate, make_opportunity


def _audiology() -> ServiceArea:
    return db.session.scalars(select(ServiceArea).where(ServiceArea.slug == "audiology")).one()


def test_a_changed_profile_raises_the_generation_when_it_commits(db_session):
    before = current_generation()
    _audiology().summary = "A summary changed by an editor."
    db.session.flush()
    assert current_generation() == before  # not before the commit
    db.session.commit()
    assert current_generation() == before + 1


def test_a_new_listing_and_a_bulk_update_each_raise_it(db_session):
    before = current_generation()
    listing = make_opportunity()
    db.session.commit()
    assert current_generation() == before + 1
    db.session.execute(update(Opportunity).where(Opportunity.id == listing.id).values(title="Renamed post"))
    db.session.commit()
    assert current_generation() == before + 2
    db.session.execute(delete(OpportunityArea).where(OpportunityArea.opportunity_id == listing.id))
    db.session.commit()
    assert current_generation() == before + 3


def test_what_public_pages_do_not_show_leaves_it_alone(db_session):
    before = current_generation()
    make_candidate()
    db.session.commit()
    area = _audiology()
    area.summary = area.summary  # touched, not changed
    db.session.commit()
    assert current_generation() == before
    assert "candidate" not in PUBLIC_TABLES


def test_a_rolled_back_change_leaves_it_alone(db_session):
    before = current_generation()
    _audiology().summary = "Never saved."
    db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert current_generation() == before
