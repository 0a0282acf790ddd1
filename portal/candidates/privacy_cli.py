"""`flask privacy ...`: deleting what is no longer needed."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import AppGroup

from portal.extensions import db
from portal.links import absolute_url
from portal.services.personal_data import purge

privacy_cli = AppGroup("privacy", help="Delete personal data that is no longer needed.")


def _sign_in_link() -> str:
    # Commands run outside any request: build the link against PUBLIC_URL, never a Host header.
    with current_app.test_request_context("/", base_url=current_app.config["PUBLIC_URL"]):
        return absolute_url("candidates.sign_in")


@privacy_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Say what would be done, and change nothing.")
def purge_command(dry_run: bool) -> None:
    """Remind, then delete, unused accounts; delete unconfirmed accounts and alerts, old mail and uploads.

    Safe to run from cron: a second run at once changes nothing more. The output gives counts only.
    """
    report = purge(datetime.now(UTC), dry_run=dry_run, sign_in_link=_sign_in_link())
    if not dry_run:  # a dry run only reads
        db.session.commit()
    for line in report.lines():
        click.echo(line)
