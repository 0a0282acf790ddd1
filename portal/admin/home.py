"""The administrators' console home page."""

from __future__ import annotations

from flask import render_template

from portal.admin.blueprint import bp
from portal.auth import admin_required
from portal.services import organisations


@bp.get("/")
@admin_required
def home() -> str:
    """Links to the console's pages, with how many organisations are waiting for approval."""
    return render_template("admin/home.html", waiting=len(organisations.pending_organisations()))
