"""`flask --app wsgi mail send-pending`: send what is due, safe from cron on several hosts at once."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from portal.mail.outbox import BATCH_SIZE, send_pending
from portal.mail.transports import MailConfigError

mail_cli = AppGroup("mail", help="Send the mail waiting in the outbox.")


@mail_cli.command("send-pending")
@click.option("--limit", default=BATCH_SIZE, show_default=True, help="Most messages to try in this run.")
def send_pending_command(limit: int) -> None:
    """Send every due message once; messages another run has claimed are left to it."""
    try:
        report = send_pending(limit=limit)
    except MailConfigError as error:
        raise click.ClickException(str(error)) from error
    click.echo(report.line())


def register_cli(app: Flask) -> None:
    """Add ``flask mail send-pending``."""
    app.cli.add_command(mail_cli)
