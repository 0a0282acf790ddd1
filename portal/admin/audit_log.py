"""The audit log, newest first: who did what to which record, when, why, and what changed.

There is no route that changes or removes an entry (and the model and database refuse it anyway).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import render_template, request

from portal.admin.blueprint import bp
from portal.admin.console_forms import AuditFilterForm, page_links
from portal.auth import admin_required
from portal.services.audit import action_counts, audit_page, target_type_counts

SYSTEM = "System"


@dataclass(frozen=True)
class Change:
    """One key of a record, before and after, as JSON text."""

    key: str
    before: str
    after: str


def in_utc(moment: datetime) -> datetime:
    """The moment in UTC: SQLite hands back naive UTC times, PostgreSQL the session's time zone."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> tuple[list[Change], list[str]]:
    """The keys whose values differ, side by side, and the keys recorded that did not change.

    A key missing on one side reads as "(not recorded)", which is not the same as a JSON null.
    """
    before, after = before or {}, after or {}
    missing = "(not recorded)"
    changed, same = [], []
    for key in sorted(set(before) | set(after)):
        was = _json(before[key]) if key in before else missing
        now = _json(after[key]) if key in after else missing
        if was == now:
            same.append(key)
        else:
            changed.append(Change(key, was, now))
    return changed, same


@bp.get("/audit-log")
@admin_required
def audit_log() -> tuple[str, int]:
    """Every administrative action, newest first, a page at a time, by action and kind of record."""
    actions, targets = action_counts(), target_type_counts()
    form = AuditFilterForm(request.args).offer(list(actions), list(targets))
    valid = form.validate() if request.args else True
    action, target_type = form.chosen(form.action), form.chosen(form.target_type)
    found = audit_page(form.page_number(), action=action, target_type=target_type)
    rows = [
        (row, row.actor_email or SYSTEM, in_utc(row.entry.at), changes(row.entry.before, row.entry.after))
        for row in found.rows
    ]
    page = render_template(
        "admin/audit_log.html",
        form=form,
        found=found,
        rows=rows,
        actions=actions,
        targets=targets,
        action=action,
        target_type=target_type,
        pagination=page_links(
            found.page, found.pages, "admin.audit_log", action=action, target_type=target_type
        ),
    )
    return page, 200 if valid else 400
