"""Trusted organisations: an approved organisation whose listings go live without review."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from portal.admin.blueprint import bp
from portal.admin.console_forms import TRUST, SearchForm, TrustForm, for_row, page_links
from portal.auth import admin_required, signed_in_user
from portal.extensions import db
from portal.forms import submitted_once
from portal.services import organisations


def _here(search: SearchForm) -> str:
    # Back to the same search and page after a change.
    page = search.page_number()
    return url_for("admin.trusted", q=search.search(), page=page if page > 1 else None)


def _page(search: SearchForm, form: TrustForm, failed_id: int | None = None) -> str:
    found = organisations.approved_organisations(search.page_number(), search=search.search())
    return render_template(
        "admin/trusted.html",
        found=found,
        search=search,
        form=for_row(form, failed_id),
        failed_id=failed_id,
        trusted_count=organisations.trusted_count(),
        action=_here(search),
        pagination=page_links(found.page, found.pages, "admin.trusted", q=search.search()),
    )


@bp.route("/trusted", methods=["GET", "POST"])
@admin_required
@submitted_once
def trusted() -> str | tuple[str, int] | Response:
    """Approved organisations and whether each is trusted; trust one, or stop, with a reason."""
    search = SearchForm(request.args)
    search.validate()
    form = TrustForm()
    if request.method == "GET":
        return _page(search, form)
    if not form.validate():
        if form.organisation_id.errors:
            abort(404)
        return _page(search, form, form.organisation_id.data), 400
    organisation = organisations.organisation_by_id(form.organisation_id.data) or abort(404)
    trust = form.change.data == TRUST
    try:
        organisations.set_trusted(organisation, signed_in_user(), trust, form.reason.data)
    except organisations.OrganisationError as problem:
        # The organisation changed since the page was shown (approved no longer, or already so).
        flash(f"{problem}.")
        return redirect(_here(search))
    db.session.commit()
    if trust:
        flash(f"{organisation.name} is trusted. Its new listings and changes will go live without review.")
    else:
        flash(f"{organisation.name} is no longer trusted. A moderator will check its listings and changes.")
    return redirect(_here(search))
