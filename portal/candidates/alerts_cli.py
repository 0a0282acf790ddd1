"""`flask alerts ...`: sending the emails for saved searches.

``flask --app wsgi alerts send`` queues one job per due alert. Each job does that alert's whole turn
in one transaction (the delivery rows and the email together), so the command can be run again at
any time, or after being stopped halfway, without sending any listing twice or skipping one. It
prints one line per alert (ids and counts, never an address) and a summary.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import click
from blinker import Namespace
from flask import current_app
from flask.cli import AppGroup

from portal.extensions import db
from portal.jobs import enqueue
from portal.services import alerts as alert_service
from portal.services.alert_mail import AlertLinks

logger = logging.getLogger(__name__)
# Sent by each job once its work is committed; the command listens, to print what the jobs did.
alert_handled = Namespace().signal("alert-handled")

alerts_cli = AppGroup("alerts", help="Email new listings to the people whose saved searches they match.")


def absolute_link(endpoint: str, **values: Any) -> str:
    """An absolute link on PUBLIC_URL, made without a request (jobs have none)."""
    path = current_app.url_map.bind("portal.invalid").build(endpoint, values)
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


def alert_links() -> AlertLinks:
    """The links an alert email carries."""

    def search(args: Mapping[str, Any]) -> str:
        return absolute_link("opportunities.search", **args)

    return AlertLinks(
        listing=lambda opportunity_id: absolute_link("opportunities.detail", opportunity_id=opportunity_id),
        search=search,
        unsubscribe=lambda token: absolute_link("candidates.unsubscribe", token=token),
        manage=absolute_link("candidates.alerts"),
    )


def send_alert_job(subscription_id: int, now: str) -> None:
    """Job: one alert's turn (email what is new, or note that nothing is), committed as one transaction."""
    outcome = alert_service.send_alert(
        subscription_id,
        datetime.fromisoformat(now),
        current_app.config["SECRET_KEY"],
        alert_links(),
        current_app.extensions["content_reference"].vocabulary,
    )
    db.session.commit()
    logger.info("%s", outcome.line())
    alert_handled.send(current_app._get_current_object(), outcome=outcome)


def summary(due: list[int], outcomes: dict[int, alert_service.AlertOutcome], on_redis: bool) -> str:
    """The run's last line."""
    if on_redis:
        return f"alerts send: {len(due)} due, queued for the job worker"
    emailed = [outcome for outcome in outcomes.values() if outcome.status == alert_service.EMAILED]
    listings = sum(outcome.emailed for outcome in emailed)
    quiet = len(outcomes) - len(emailed)
    failed = len(due) - len(outcomes)
    return (
        f"alerts send: {len(due)} due, {len(emailed)} emailed ({listings} listings), "
        f"{quiet} with nothing to send, {failed} failed"
    )


@alerts_cli.command("send")
def send_command() -> None:
    """Email every due alert the listings that are new since its last email; safe to run again at any time."""
    now = alert_service.utcnow()
    due = alert_service.due_alerts(now)
    # With no transaction open, each job runs (or goes to Redis) as it is queued, one after another.
    db.session.commit()
    on_redis = bool(current_app.config.get("REDIS_URL"))
    outcomes: dict[int, alert_service.AlertOutcome] = {}

    def record(_sender: object, outcome: alert_service.AlertOutcome, **_: object) -> None:
        outcomes[outcome.subscription_id] = outcome
        click.echo(outcome.line())

    with alert_handled.connected_to(record):
        for alert_id in due:
            enqueue(send_alert_job, alert_id, now.isoformat())
            if on_redis:
                click.echo(f"alert {alert_id}: queued for the job worker")
            elif alert_id not in outcomes:
                click.echo(f"alert {alert_id}: failed, nothing sent; the next run tries again (see the log)")
    click.echo(summary(due, outcomes, on_redis))
    if not on_redis and len(outcomes) < len(due):
        raise click.exceptions.Exit(1)
