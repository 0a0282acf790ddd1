"""`flask demo seed`, `flask demo seed-if-fresh`, `flask prepare` and `flask opportunities close-expired`."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal import create_app
from portal.content.files import read_content
from portal.extensions import db
from portal.jobs import enqueue, job_path
from portal.models import MatchingIndexVersion, Opportunity, Organisation, ServiceArea
from portal.models.opportunities import CLOSED, LIVE
from tests.factories import make_opportunity, make_organisation


@pytest.fixture
def session(app, db_session):
    """The rolled-back session, which also undoes what the commands commit."""
    yield db_session


def run(app, *args: str):
    """The command's result."""
    return app.test_cli_runner().invoke(args=list(args))


def _count(model) -> int:
    return db.session.scalar(select(db.func.count()).select_from(model))


def test_seed_prints_what_it_made(app, session):
    result = run(app, "demo", "seed", "--seed", "3", "--opportunities", "40")
    assert result.exit_code == 0, result.output
    assert "Demonstration listings (live): 40" in result.output
    assert "Northern Ireland" in result.output
    assert _count(Opportunity) == 40


def test_seeding_again_replaces_the_demonstration_data(app, session):
    run(app, "demo", "seed", "--opportunities", "20")
    result = run(app, "demo", "seed", "--opportunities", "30")
    assert result.exit_code == 0, result.output
    assert "Replaced the previous demonstration data" in result.output
    assert _count(Opportunity) == 30


def test_seed_refuses_a_database_with_real_organisations(app, session):
    make_organisation(name="Real Hospitals NHS Trust")
    result = run(app, "demo", "seed", "--opportunities", "10")
    assert result.exit_code == 1
    assert "real organisations" in result.output
    assert _count(Organisation) == 1


def test_seed_refuses_a_negative_count(app, session):
    result = run(app, "demo", "seed", "--opportunities", "-1")
    assert result.exit_code == 2


@pytest.mark.parametrize(
    ("variable", "value", "reason"),
    [
        ("DATABASE_URL", "sqlite:///elsewhere.sqlite3", "DATABASE_URL is set"),
        ("DEMO_DATA", "0", "DEMO_DATA is off"),
    ],
)
def test_seed_if_fresh_skips_when_told_to(app, session, monkeypatch, variable, value, reason):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv(variable, value)
    result = run(app, "demo", "seed-if-fresh", "--opportunities", "5")
    assert result.exit_code == 0, result.output
    assert reason in result.output
    assert _count(Organisation) == 0


def test_seed_if_fresh_never_seeds_production(app, session, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setitem(app.config, "PORTAL_ENV", "production")
    result = run(app, "demo", "seed-if-fresh", "--opportunities", "5")
    assert "this is production" in result.output
    assert _count(Organisation) == 0


def test_seed_if_fresh_seeds_once_then_skips(app, session, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("DEMO_DATA", raising=False)
    first = run(app, "demo", "seed-if-fresh", "--opportunities", "25")
    assert first.exit_code == 0, first.output
    assert "Demonstration listings (live): 25" in first.output
    second = run(app, "demo", "seed-if-fresh", "--opportunities", "25")
    assert "skipped (the database already holds organisations)" in second.output
    assert _count(Opportunity) == 25


def test_close_expired_is_idempotent(app, session):
    organisation = make_organisation(is_demo=True)
    expired = make_opportunity(organisation, closes_on=date.today() - timedelta(days=1), is_demo=True)
    current = make_opportunity(organisation, closes_on=date.today() + timedelta(days=3), is_demo=True)
    first = run(app, "opportunities", "close-expired")
    assert first.exit_code == 0, first.output
    assert "Closed 1 expired listing(s)." in first.output
    second = run(app, "opportunities", "close-expired")
    assert "Closed 0 expired listing(s)." in second.output
    db.session.expire_all()
    assert (expired.status, current.status) == (CLOSED, LIVE)
    assert [event.reason_code for event in expired.events] == ["expired"]


def test_close_expired_runs_on_the_job_queue(app, session):
    path = job_path("portal.services.scheduled.close_expired_job")
    expired = make_opportunity(
        make_organisation(is_demo=True), closes_on=date.today() - timedelta(days=2), is_demo=True
    )
    db.session.commit()
    with app.app_context():
        enqueue(path)  # without Redis, it runs in-process at once (no transaction is open)
    db.session.expire_all()
    assert expired.status == CLOSED


def test_prepare_migrates_loads_and_builds_once_then_finds_nothing_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("DEMO_DATA", "0")
    fresh = create_app(
        {"PORTAL_ENV": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'new.db'}"}
    )
    first = run(fresh, "prepare")
    assert first.exit_code == 0, first.output
    assert "Demonstration data: skipped (DEMO_DATA is off)." in first.output
    second = run(fresh, "prepare")
    assert second.exit_code == 0, second.output
    with fresh.app_context():
        assert _count(ServiceArea) == len(read_content(fresh.config["CONTENT_DIR"]).profiles)
        assert _count(MatchingIndexVersion) == 1  # the second run reused the index it found
        db.engine.dispose()
