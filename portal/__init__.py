"""Healthcare Science Careers: the application factory."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.middleware.proxy_fix import ProxyFix

from portal.config import PROJECT_ROOT, instance_folder, load_config


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the portal. ``config`` overrides settings read from the environment."""
    config = config or {}
    environment = dict(os.environ)
    if "PORTAL_ENV" in config:
        environment["PORTAL_ENV"] = config["PORTAL_ENV"]
    instance = instance_folder(environment)
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(instance),
    )
    app.config.update(load_config(environment, instance))
    app.config.update(config)
    if app.config["TRUSTED_PROXY_HOPS"]:
        # Only behind a proxy that sets these headers itself: otherwise any client could pick the
        # address its rate limits are counted under.
        hops = app.config["TRUSTED_PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]

    from portal import logs

    logs.init_app(app)

    from portal import assets, auth, caching, errors, extensions, security, templating

    extensions.db.init_app(app)
    extensions.migrate.init_app(app, extensions.db, directory=str(PROJECT_ROOT / "migrations"))
    extensions.csrf.init_app(app)
    extensions.limiter.init_app(app)
    caching.init_app(app)
    assets.init_app(app)
    auth.init_app(app)
    templating.init_app(app)
    security.init_app(app)
    errors.init_app(app)

    from portal import models  # noqa: F401  (registers the tables)
    from portal.links import RowIdConverter

    app.url_map.converters["int"] = RowIdConverter
    from portal.admin.routes import bp as admin_bp
    from portal.api.routes import bp as api_bp
    from portal.candidates.routes import bp as candidates_bp
    from portal.explore.routes import bp as explore_bp
    from portal.opportunities.routes import bp as opportunities_bp
    from portal.organisations.routes import bp as organisations_bp
    from portal.public.routes import bp as public_bp
    from portal.schools.routes import bp as schools_bp

    blueprints = (
        public_bp,
        explore_bp,
        opportunities_bp,
        organisations_bp,
        candidates_bp,
        schools_bp,
        admin_bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    extensions.csrf.exempt(api_bp)

    from portal.cli import init_app as init_cli

    init_cli(app)
    # The candidates' commands live beside their pages (the CLI layer may not import a blueprint).
    from portal.candidates.alerts_cli import alerts_cli
    from portal.candidates.privacy_cli import privacy_cli

    app.cli.add_command(alerts_cli)
    app.cli.add_command(privacy_cli)
    return app


def warm_up(app: Flask) -> None:
    """Load what the first requests would otherwise wait for: the matcher index and the gazetteer.

    Gunicorn calls this in its master before forking, so every worker (and every replacement) starts
    with both already in memory, shared with its siblings until written to. The database connections
    used for it are closed, so no worker inherits a socket. Anything that fails here is left for the
    first request to load (and report) as usual.
    """
    import logging

    from portal.extensions import db
    from portal.services import places
    from portal.services.matching import IndexUnavailableError, current_matcher

    logger = logging.getLogger(__name__)
    with app.app_context():
        try:
            current_matcher()
        except (IndexUnavailableError, SQLAlchemyError) as error:
            logger.warning("The matcher index was not loaded before forking: %s", type(error).__name__)
        places.load()
        db.session.remove()
        db.engine.dispose()
