"""`flask --app wsgi alerts send` is idempotent: run twice, or killed halfway and run again, it sends
every (alert, listing) pair exactly once and skips none.

The interrupted run is a real process killed with SIGKILL in the middle of its third alert, against
a SQLite file that the test then reads back; the run logs are printed so they can be quoted.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select, update

from portal import create_app
from portal.config import PROJECT_ROOT
from portal.extensions import db
from portal.models import AlertDelivery, AlertSubscription, Candidate, OutboxMessage
from portal.models.candidates import DAILY, WEEKLY
from portal.services import alerts
from portal.services.opportunity_filters import SearchFilters
from tests.factories import make_candidate, make_opportunity, make_organisation, now

LISTING_LINK = re.compile(r"http://localhost/opportunities/(\d+)\b")
RUN_SECONDS = 120
# Settings a developer may have exported that would change what the command does.
PORTAL_SETTINGS = (
    "PORTAL_ENV",
    "DATABASE_URL",
    "REDIS_URL",
    "MAIL_URL",
    "MAIL_FROM",
    "PUBLIC_URL",
    "SECRET_KEY",
)

# `flask --app wsgi alerts send`, killed outright (no clean-up of any kind) once the third alert's
# delivery rows are flushed: the first two alerts are committed, the third is half done.
KILLED_IN_THE_THIRD_ALERT = """
import os, signal, sys
from sqlalchemy import event
from sqlalchemy.orm import Session
from portal.models import AlertDelivery

alerts_with_deliveries = 0

@event.listens_for(Session, "after_flush")
def die_in_the_third_alert(session, context):
    global alerts_with_deliveries
    if any(isinstance(row, AlertDelivery) for row in session.new):
        alerts_with_deliveries += 1
        if alerts_with_deliveries == 3:
            os.kill(os.getpid(), signal.SIGKILL)

from flask.cli import main
sys.argv = ["flask", "--app", "wsgi", "alerts", "send"]
main()
"""
PLAIN_RUN = """
import sys
from flask.cli import main
sys.argv = ["flask", "--app", "wsgi", "alerts", "send"]
main()
"""


def _listed(message: OutboxMessage) -> list[int]:
    return [int(number) for number in LISTING_LINK.findall(message.text_body)]


def _pairs_emailed(owners: dict[str, int]) -> Counter[tuple[int, int]]:
    """(alert id, listing id) for every listing in every email queued, counted."""
    sent: Counter[tuple[int, int]] = Counter()
    for message in db.session.scalars(select(OutboxMessage)):
        sent.update((owners[message.to_address], listing) for listing in _listed(message))
    return sent


def _owners() -> dict[str, int]:
    """Which alert each address's email is for (one alert per address in these tests)."""
    return {alert.address: alert.id for alert in db.session.scalars(select(AlertSubscription))}


def _saved(candidate: Candidate, frequency: str, secret_key: str, **search) -> AlertSubscription:
    made = now() - timedelta(days=3)
    return alerts.save_search_for_candidate(candidate, SearchFilters(**search), frequency, secret_key, made)


def _emailed(alert_id: int, count: int) -> str:
    """The run log's line for an alert that emailed ``count`` listings."""
    return f"alert {alert_id}: {count} new listing{'' if count == 1 else 's'} emailed"


def _run(app: Flask) -> str:
    result = app.test_cli_runner().invoke(args=["alerts", "send"])
    print(result.output)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.usefixtures("db_session")
def test_running_twice_sends_nothing_twice_and_a_later_run_sends_only_what_is_new(app: Flask):
    secret_key = app.config["SECRET_KEY"]
    placements = _saved(make_candidate(), DAILY, secret_key, type=["placement"])
    everything = _saved(make_candidate(), WEEKLY, secret_key)
    day_ago = now() - timedelta(days=1)
    first_placements = [make_opportunity(type="placement", live_since=day_ago) for _ in range(2)]
    job = make_opportunity(type="job", live_since=day_ago)
    db.session.commit()

    first = _run(app)
    assert f"alert {placements.id}: 2 new listings emailed" in first
    assert f"alert {everything.id}: 3 new listings emailed" in first
    assert "alerts send: 2 due, 2 emailed (5 listings), 0 with nothing to send, 0 failed" in first
    assert "@" not in first, "the log carries ids and counts, never an address"

    second = _run(app)
    assert second.strip() == "alerts send: 0 due, 0 emailed (0 listings), 0 with nothing to send, 0 failed"

    # A week passes: both are due again, and one listing is new since.
    db.session.execute(
        update(AlertSubscription).values(
            last_sent_at=now() - timedelta(days=8), last_checked_at=now() - timedelta(days=8)
        )
    )
    newer = make_opportunity(type="placement")
    db.session.commit()
    third = _run(app)
    assert f"alert {placements.id}: 1 new listing emailed" in third
    assert f"alert {everything.id}: 1 new listing emailed" in third
    _run(app)

    expected = {
        *((placements.id, listing.id) for listing in [*first_placements, newer]),
        *((everything.id, listing.id) for listing in [*first_placements, job, newer]),
    }
    sent = _pairs_emailed(_owners())
    assert set(sent) == expected
    assert set(sent.values()) == {1}, "no listing is ever emailed twice for one alert"
    deliveries = {
        (row.subscription_id, row.opportunity_id) for row in db.session.scalars(select(AlertDelivery))
    }
    assert deliveries == expected


@pytest.fixture
def committed_app(tmp_path: Path) -> Iterator[Flask]:
    """The portal on a migrated SQLite file of the test's own, so another process sees what it commits."""
    app = create_app(
        {
            "PORTAL_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'alerts.sqlite3'}",
            "PUBLIC_URL": "http://localhost",
            "SERVER_NAME": "localhost",
            "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
            "REDIS_URL": None,
            "MAIL_URL": None,
        }
    )
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


def _flask_alerts_send(app: Flask, tmp_path: Path, script: str) -> subprocess.CompletedProcess[str]:
    """Run the command in a process of its own against the test's database file."""
    env = {name: value for name, value in os.environ.items() if name not in PORTAL_SETTINGS}
    env.update(
        PORTAL_ENV="development",
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        SECRET_KEY=app.config["SECRET_KEY"],
        PUBLIC_URL="http://localhost",
        MAIL_OUTBOX_DIR=str(tmp_path / "outbox"),
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=RUN_SECONDS,
        check=False,
    )


def _four_alerts_with_new_listings(app: Flask) -> set[tuple[int, int]]:
    """Four confirmed daily alerts, each with new listings; the (alert, listing) pairs they should send."""
    secret_key = app.config["SECRET_KEY"]
    organisation = make_organisation()
    old = make_opportunity(organisation, type="placement", live_since=now() - timedelta(days=9))
    by_email = alerts.request_alert_by_email(
        "no.account@example.net",
        SearchFilters(level="practitioner"),
        DAILY,
        secret_key,
        now() - timedelta(days=3),
    )
    alerts.confirm_alert(by_email)
    searches = [
        _saved(make_candidate(), DAILY, secret_key, type=["placement"]),
        _saved(make_candidate(), DAILY, secret_key, type=["job"]),
        _saved(make_candidate(), DAILY, secret_key),
    ]
    placement, jobs, everything = searches
    day_ago = now() - timedelta(days=1)
    placements = [
        make_opportunity(organisation, type="placement", level="practitioner", live_since=day_ago)
        for _ in range(2)
    ]
    job = make_opportunity(organisation, type="job", level="assistant", live_since=day_ago)
    event = make_opportunity(organisation, type="event", level="practitioner", live_since=day_ago)
    make_opportunity(organisation, type="job", status="closed", live_since=day_ago)
    db.session.commit()
    assert old.id, "a listing live before every alert was made: sent to none"
    return {
        *((placement.id, listing.id) for listing in placements),
        (jobs.id, job.id),
        *((everything.id, listing.id) for listing in [*placements, job, event]),
        *((by_email.id, listing.id) for listing in [*placements, event]),
    }


def test_a_run_killed_in_its_third_alert_then_run_again_sends_every_pair_exactly_once(
    committed_app: Flask, tmp_path: Path
):
    with committed_app.app_context():
        expected = _four_alerts_with_new_listings(committed_app)
        order = alerts.due_alerts(now())
        assert len(order) == 4
        db.session.remove()
        db.engine.dispose()

    killed = _flask_alerts_send(committed_app, tmp_path, KILLED_IN_THE_THIRD_ALERT)
    print("--- the run killed with SIGKILL during its third alert ---")
    print(killed.stdout, end="")
    print(f"(exit status {killed.returncode})")
    assert killed.returncode == -9, killed.stderr[-2000:]
    first, second, third, fourth = order
    per_alert = Counter(alert for alert, _ in expected)
    assert killed.stdout.splitlines() == [
        _emailed(first, per_alert[first]),
        _emailed(second, per_alert[second]),
    ]

    with committed_app.app_context():
        halfway = _pairs_emailed(_owners())
        assert {alert for alert, _ in halfway} == {first, second}, (
            "the third alert's work died with the process"
        )
        assert not db.session.scalars(
            select(AlertDelivery).where(AlertDelivery.subscription_id == third)
        ).all()
        db.session.remove()
        db.engine.dispose()

    again = _flask_alerts_send(committed_app, tmp_path, PLAIN_RUN)
    print("--- the next run ---")
    print(again.stdout, end="")
    assert again.returncode == 0, again.stderr[-2000:]
    listings = per_alert[third] + per_alert[fourth]
    assert again.stdout.splitlines() == [
        _emailed(third, per_alert[third]),
        _emailed(fourth, per_alert[fourth]),
        f"alerts send: 2 due, 2 emailed ({listings} listings), 0 with nothing to send, 0 failed",
    ]
    assert "@" not in killed.stdout + again.stdout

    with committed_app.app_context():
        sent = _pairs_emailed(_owners())
        deliveries = {
            (row.subscription_id, row.opportunity_id) for row in db.session.scalars(select(AlertDelivery))
        }
        emails = db.session.scalars(select(OutboxMessage)).all()
    assert set(sent) == expected, "none missing, none extra"
    assert set(sent.values()) == {1}, "none twice"
    assert deliveries == expected
    assert len(emails) == 4, "one email per alert"
    sent_files = list((tmp_path / "outbox").glob("*.eml"))
    assert len(sent_files) == 4, "each queued email was sent by the job queue after its alert's commit"
