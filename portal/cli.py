"""Command-line tools: `flask --app wsgi content validate|load`."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from portal.content.files import read_content
from portal.content.validation import validate
from portal.extensions import db
from portal.services.content_loader import InvalidContent, load_content

content_cli = AppGroup("content", help="Check and load the profiles and entry routes in content/.")


@content_cli.command("validate")
def validate_command() -> None:
    """Check every content file; exit 1 with one line per problem."""
    content = read_content(current_app.config["CONTENT_DIR"])
    problems = validate(content)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) found")
    click.echo(f"Content is valid: {len(content.profiles)} service areas, {len(content.routes)} entry routes.")


@content_cli.command("load")
def load_command() -> None:
    """Validate, then load content into the database in one transaction."""
    content = read_content(current_app.config["CONTENT_DIR"])
    try:
        report = load_content(content)
    except InvalidContent as error:
        db.session.rollback()
        for problem in error.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(str(error)) from error
    db.session.commit()
    for line in report.lines():
        click.echo(line)


def init_app(app: Flask) -> None:
    """Register the command groups."""
    app.cli.add_command(content_cli)
