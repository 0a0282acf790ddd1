"""Command-line tools: `flask --app wsgi prepare`, `content validate|load`, `matching build`, `demo ...`."""

from __future__ import annotations

import os

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from flask_migrate import upgrade

from portal.config import parse_flag
from portal.content.files import read_content
from portal.content.validation import validate
from portal.extensions import db
from portal.services.accounts import AccountError, create_admin
from portal.services.content_loader import InvalidContentError, load_content
from portal.services.demo import DemoRefusedError, organisation_count, seed_demo
from portal.services.matching import build_index
from portal.services.scheduled import close_expired_job

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
    version = build_index(reference.abbreviations, reference.professions)
    click.echo(
        f"matching index: version {version.id}, {version.document_count} documents, "
        f"corpus {version.corpus_hash[:12]}"
    )


@matching_cli.command("build")
def build_command() -> None:
    """Fit the matcher on the loaded profiles and record it as the current index."""
    _build_matching_index()
    db.session.commit()


demo_cli = AppGroup("demo", help="Fill an empty database with clearly marked demonstration data.")
DEMO_OPPORTUNITIES = 3000
LISTING_COUNT = click.IntRange(0, 50_000)


@demo_cli.command("seed")
@click.option("--seed", "seed", type=int, default=1, show_default=True, help="Same seed, same data.")
@click.option(
    "--opportunities", type=click.IntRange(0, 50_000), default=DEMO_OPPORTUNITIES, show_default=True
)
def demo_seed_command(seed: int, opportunities: int) -> None:
    """Replace the demonstration data; refuse if any real organisation is present."""
    try:
        report = seed_demo(seed=seed, opportunities=opportunities)
    except DemoRefusedError as error:  # refused before anything was written
        raise click.ClickException(str(error)) from error
    db.session.commit()
    for line in report.lines():
        click.echo(line)


def _demo_skip_reason() -> str | None:
    """Why `make run` should not seed: a chosen database, production, DEMO_DATA=0, or data already there."""
    if os.environ.get("DATABASE_URL"):
        return "DATABASE_URL is set"
    if current_app.config.get("PORTAL_ENV") == "production":
        return "this is production"
    if not parse_flag(dict(os.environ), "DEMO_DATA", default=True):
        return "DEMO_DATA is off"
    if organisation_count():
        return "the database already holds organisations"
    return None


@demo_cli.command("seed-if-fresh")
@click.option(
    "--opportunities", type=click.IntRange(0, 50_000), default=DEMO_OPPORTUNITIES, show_default=True
)
def demo_seed_if_fresh_command(opportunities: int) -> None:
    """Seed the demonstration data only on a fresh embedded database (what `make run` calls)."""
    reason = _demo_skip_reason()
    if reason:
        click.echo(f"Demonstration data: skipped ({reason}).")
        return
    report = seed_demo(opportunities=opportunities)
    db.session.commit()
    for line in report.lines():
        click.echo(line)


@click.command("prepare")
@with_appcontext
@click.pass_context
def prepare_command(context: click.Context) -> None:
    """Migrate, load the content and its index, and seed a fresh embedded database (what `make run` does).

    One process for the three steps: starting the app costs seconds, and a second `make run` should not
    pay that three times to find nothing to do.
    """
    click.echo("Migrating the database")
    upgrade()
    click.echo("Loading content")
    context.invoke(load_command)
    context.invoke(demo_seed_if_fresh_command, opportunities=DEMO_OPPORTUNITIES)


opportunities_cli = AppGroup("opportunities", help="Scheduled work on listings (safe to run from cron).")


@opportunities_cli.command("close-expired")
def close_expired_command() -> None:
    """Close every live listing whose closing date has passed; running it again closes nothing more."""
    closed = close_expired_job()
    click.echo(f"Closed {closed} expired listing(s).")


users_cli = AppGroup("users", help="Manage the people who sign in.")


@users_cli.command("create-admin")
@click.option("--email", required=True, help="The administrator's email address.")
@click.option("--password", required=True, help="Their first password (at least 10 characters).")
@click.option(
    "--name", default="Administrator", show_default=True, help="Their name, as shown to colleagues."
)
def create_admin_command(email: str, password: str, name: str) -> None:
    """Create an administrator; they set up their authenticator app when they first sign in."""
    try:
        create_admin(email, password, name)
    except AccountError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    # The address is not echoed: command output ends up in logs.
    click.echo("Administrator created. At their first sign-in they will set up an authenticator app.")


def init_app(app: Flask) -> None:
    """Register the command groups."""
    from portal import jobs, mail

    app.cli.add_command(content_cli)
    app.cli.add_command(matching_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(opportunities_cli)
    app.cli.add_command(prepare_command)
    jobs.register_cli(app)
    mail.register_cli(app)
