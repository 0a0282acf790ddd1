"""The administrators' console home page."""

from __future__ import annotations

from flask import render_template

from portal.admin.blueprint import bp
from portal.auth import admin_required
from portal.services import admin_roles, organisations
from portal.services.moderation import open_reports
from portal.services.opportunities import awaiting_review

# Built by its own module; linked by path so this page does not depend on its endpoint's name.
WORKFORCE_PATH = "/admin/workforce"


@bp.get("/")
@admin_required
def home() -> str:
    """Links to every page of the console, with how much is waiting on each."""
    return render_template(
        "admin/home.html",
        waiting=len(organisations.pending_organisations()),
        to_moderate=len(awaiting_review()),
        reports=len(open_reports()),
        admin_requests=admin_roles.waiting_request_count(),
        trusted=organisations.trusted_count(),
        workforce_path=WORKFORCE_PATH,
    )
