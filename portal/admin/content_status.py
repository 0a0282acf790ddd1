"""Content status: what is loaded, the matcher's index, and whether content/ passes and matches."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, render_template

from portal.admin.blueprint import bp
from portal.auth import admin_required
from portal.services.content_status import content_status as read_status

PROBLEMS_SHOWN = 200


@bp.get("/content-status")
@admin_required
def content_status() -> str:
    """What the database holds, the newest index, and content/ checked and compared, read afresh."""
    status = read_status(Path(current_app.config["CONTENT_DIR"]))
    return render_template("admin/content_status.html", status=status, problems_shown=PROBLEMS_SHOWN)
