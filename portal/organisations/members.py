"""An organisation's people: owners invite and remove members; invited people accept by link."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from portal.auth import current_membership, member_required, signed_in_user
from portal.auth import sign_in as start_session
from portal.extensions import db, limiter, shared_limit
from portal.forms import submitted_once
from portal.links import absolute_url
from portal.models import Invitation, User
from portal.models.organisations import OWNER
from portal.organisations.account_forms import (
    AcceptInvitationForm,
    ButtonForm,
    InviteForm,
    RemoveMemberForm,
    RevokeInvitationForm,
)
from portal.organisations.accounts import TOO_MANY
from portal.organisations.blueprint import bp
from portal.services import account_mail, accounts, organisations

ACCEPT_TEMPLATE = "organisations/accept_invitation.html"


def _members_page(invite_form: InviteForm) -> str:
    organisation = current_membership().organisation
    return render_template(
        "organisations/members.html",
        organisation=organisation,
        me=current_membership(),
        invitations=organisations.pending_invitations(organisation),
        invite_form=invite_form,
        remove_form=RemoveMemberForm(),
        revoke_form=RevokeInvitationForm(),
    )


@bp.get("/members")
@member_required(role=OWNER)
def members() -> str:
    """The organisation's members and the invitations waiting for an answer."""
    return _members_page(InviteForm())


@bp.post("/members/invite")
@member_required(role=OWNER)
@limiter.limit(shared_limit(20), error_message=TOO_MANY)
@submitted_once
def invite() -> str | Response:
    """Email an invitation to join the organisation, as an editor or an owner."""
    form = InviteForm()
    if not form.validate():
        return _members_page(form)
    membership = current_membership()
    try:
        invitation, token = organisations.invite_member(
            membership.organisation, membership.user, form.email.data, form.role.data
        )
    except organisations.OrganisationError as problem:
        form.email.errors.append(str(problem))
        return _members_page(form)
    link = absolute_url("organisations.accept_invitation", token=token)
    account_mail.send_invitation(invitation, membership.user, link)
    db.session.commit()
    flash(f"We have sent an invitation to {invitation.email}. It works for 7 days.")
    return redirect(url_for("organisations.members"))


@bp.post("/members/remove")
@member_required(role=OWNER)
def remove_member() -> Response:
    """Take someone out of the organisation (never its last owner)."""
    form = RemoveMemberForm()
    if not form.validate():
        abort(400)
    me = current_membership()
    organisation_name, my_user_id = me.organisation.name, me.user_id
    try:
        removed = organisations.remove_member(me.organisation, form.membership_id.data)
    except organisations.OrganisationError as problem:
        flash(str(problem))
        return redirect(url_for("organisations.members"))
    if removed is None:
        abort(404)
    removed_name = removed.user.name  # read before the commit detaches the deleted membership
    db.session.commit()
    if removed.user_id == my_user_id:
        flash(f"You have left {organisation_name}.")
        return redirect(url_for("public.home"))
    flash(f"{removed_name} is no longer a member.")
    return redirect(url_for("organisations.members"))


@bp.post("/members/revoke-invitation")
@member_required(role=OWNER)
def revoke_invitation() -> Response:
    """Withdraw an invitation, so its link stops working."""
    form = RevokeInvitationForm()
    if not form.validate():
        abort(400)
    revoked = organisations.revoke_invitation(current_membership().organisation, form.invitation_id.data)
    if revoked is None:
        abort(404)
    db.session.commit()
    flash(f"The invitation to {revoked.email} has been withdrawn.")
    return redirect(url_for("organisations.members"))


def _joined(invitation: Invitation) -> Response:
    flash(f"Welcome. You are now a member of {invitation.organisation.name}.")
    return redirect(url_for("organisations.dashboard"))


def _accept_signed_in(invitation: Invitation, user: User) -> str | Response:
    problem = organisations.acceptance_problem(invitation, user)
    form = ButtonForm()
    if problem is None and request.method == "POST" and form.validate():
        organisations.accept_invitation(invitation, user)
        db.session.commit()
        return _joined(invitation)
    return render_template(ACCEPT_TEMPLATE, invitation=invitation, problem=problem, join_form=form)


def _accept_new(invitation: Invitation) -> str | Response:
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            user = organisations.accept_invitation_as_new(invitation, form.name.data, form.password.data)
        except accounts.AccountError as problem:
            form.password.errors.append(str(problem))
        else:
            db.session.commit()
            start_session(user, second_factor=False)
            return _joined(invitation)
    return render_template(ACCEPT_TEMPLATE, invitation=invitation, form=form)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@limiter.limit(shared_limit(10), methods=["POST"], error_message=TOO_MANY)
@submitted_once
def accept_invitation(token: str) -> str | Response | tuple[str, int]:
    """Accept an invitation: with a new account, or with the signed-in account it was sent to."""
    invitation = organisations.invitation_for_token(token)
    if invitation is None:
        return render_template(ACCEPT_TEMPLATE, invitation=None), 400
    user = signed_in_user()
    if user is not None:
        return _accept_signed_in(invitation, user)
    if accounts.user_by_email(invitation.email) is not None:
        # The link proves the inbox is theirs, but their account has a password: they sign in first.
        sign_in_link = url_for("organisations.sign_in", next=request.path)
        return render_template(ACCEPT_TEMPLATE, invitation=invitation, sign_in_link=sign_in_link)
    return _accept_new(invitation)
