"""Command-line tools: `flask --app wsgi content validate|load` and `matching build`."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from portal.content.files import read_content
from portal.content.validation import validate
from portal.extensions import db
from portal.services.content_loader import InvalidContentError, load_content
from portal.services.matching import build_index

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
    click.echo(
        f"Content is valid: {len(content.profiles)} service areas, {len(content.routes)} entry routes."
    )


@content_cli.command("load")
def load_command() -> None:
    """Validate, then load content into the database in one transaction."""
    content = read_content(current_app.config["CONTENT_DIR"])
    try:
        report = load_content(content)
    except InvalidContentError as error:
        db.session.rollback()
        for problem in error.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(str(error)) from error
    for line in report.lines():
        click.echo(line)
    _build_matching_index()
    db.session.commit()


matching_cli = AppGroup("matching", help="Build the matcher's index and store it in the database.")


def _build_matching_index() -> None:
    reference = current_app.extensions["content_reference"]
    version = build_index(reference.abbreviations)
    click.echo(
        f"matching index: version {version.id}, {version.document_count} documents, "
        f"corpus {version.corpus_hash[:12]}"
    )


@matching_cli.command("build")
def build_command() -> None:
    """Fit the matcher on the loaded profiles and record it as the current index."""
    _build_matching_index()
    db.session.commit()


def init_app(app: Flask) -> None:
    """Register the command groups."""
    from portal import jobs, mail

    app.cli.add_command(content_cli)
    app.cli.add_command(matching_cli)
    jobs.register_cli(app)
    mail.register_cli(app)
