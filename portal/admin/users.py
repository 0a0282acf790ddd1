"""Staff accounts and administrators: a request to make someone one, a second administrator's
confirmation, cancelling a request, and removing someone's rights."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from portal.admin.blueprint import bp
from portal.admin.console_forms import (
    CancelRequestForm,
    ConfirmRequestForm,
    RemoveAdminForm,
    RequestAdminForm,
    SearchForm,
    for_row,
    page_links,
)
from portal.auth import admin_required, signed_in_user
from portal.extensions import db
from portal.forms import submitted_once
from portal.services import admin_roles


def _page(status: int = 200, **forms: Any) -> tuple[str, int]:
    search = SearchForm(request.args)
    search.validate()
    staff = admin_roles.staff_page(search.page_number(), search=search.search())
    request_form = forms.pop("request_form", None) or RequestAdminForm(formdata=None)
    page = render_template(
        "admin/users.html",
        staff=staff,
        search=search,
        me=signed_in_user(),
        administrators=admin_roles.administrators(),
        waiting=admin_roles.waiting_requests(),
        request_form=request_form,
        failed=forms,
        pagination=page_links(staff.page, staff.pages, "admin.users", q=search.search()),
    )
    return page, status


@bp.get("/users")
@admin_required
def users() -> tuple[str, int]:
    """Staff accounts, administrators, and requests waiting for a second administrator."""
    return _page()


@bp.post("/users/admin-requests")
@admin_required
@submitted_once
def request_admin() -> tuple[str, int] | Response:
    """Ask for someone to become an administrator: nothing changes until another administrator confirms."""
    form = RequestAdminForm()
    if not form.validate():
        return _page(400, request_form=form)
    try:
        grant = admin_roles.request_admin(form.email.data, signed_in_user(), form.reason.data)
    except admin_roles.AdminRoleError as problem:
        form.email.errors = [str(problem)]
        return _page(400, request_form=form)
    person = admin_roles.staff_member(grant.user_id)
    db.session.commit()
    flash(f"Request sent. Another administrator must confirm it before {person.email} becomes one.")
    return redirect(url_for("admin.users"))


def _decide(grant_id: int, form: Any, act: Callable[[], object], done: str) -> tuple[str, int] | Response:
    """Validate ``form``, then ``act``; a refusal is shown beside the request it is about."""
    if not form.validate():
        return _page(400, grant_id=grant_id, grant_form=for_row(form, f"request-{grant_id}"))
    try:
        act()
    except LookupError:
        abort(404)
    except admin_roles.AdminRoleError as problem:
        flash(f"{problem}.")
        return redirect(url_for("admin.users"))
    db.session.commit()
    flash(done)
    return redirect(url_for("admin.users"))


@bp.post("/users/admin-requests/<int:grant_id>/confirm")
@admin_required
@submitted_once
def confirm_admin(grant_id: int) -> tuple[str, int] | Response:
    """A second administrator confirms a request: the person becomes an administrator now."""
    form = ConfirmRequestForm()
    return _decide(
        grant_id,
        form,
        lambda: admin_roles.confirm_admin(grant_id, signed_in_user()),
        "Confirmed. They are an administrator now; they set up an authenticator app at their first sign-in.",
    )


@bp.post("/users/admin-requests/<int:grant_id>/cancel")
@admin_required
@submitted_once
def cancel_admin(grant_id: int) -> tuple[str, int] | Response:
    """Withdraw a waiting request; nobody's rights change."""
    form = CancelRequestForm()
    return _decide(
        grant_id,
        form,
        lambda: admin_roles.cancel_admin(grant_id, signed_in_user(), form.reason.data),
        "The request is cancelled. Nobody's rights have changed.",
    )


@bp.post("/users/<int:user_id>/remove-admin")
@admin_required
@submitted_once
def remove_admin(user_id: int) -> tuple[str, int] | Response:
    """Take away someone's administrator rights, with a reason (yours too, unless you are the last)."""
    person = admin_roles.staff_member(user_id) or abort(404)
    form = RemoveAdminForm()
    if not form.validate():
        return _page(400, remove_id=user_id, remove_form=for_row(form, f"admin-{user_id}"))
    me = signed_in_user()
    try:
        admin_roles.remove_admin(person, me, form.reason.data)
    except admin_roles.AdminRoleError as problem:
        flash(f"{problem}.")
        return redirect(url_for("admin.users"))
    db.session.commit()
    if person.id == me.id:
        # The console is closed to them from this moment, so they leave it.
        flash("You are no longer an administrator.")
        return redirect(url_for("public.home"))
    flash(f"{person.email} is no longer an administrator.")
    return redirect(url_for("admin.users"))
