"""Organisations: signing up with a first owner, approval by an administrator, members and invitations.

An organisation starts ``pending``. Its members can sign in and draft while it waits, but nothing
goes live until an administrator approves it (``organisation.status == APPROVED``); the listing
lifecycle enforces that. An administrator can trust an approved organisation, so that its listings
go live without review. Approvals, refusals and changes of trust go into the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditEntry, Invitation, Membership, Organisation, User
from portal.models.organisations import APPROVED, DECLINED, OWNER, PENDING
from portal.services.accounts import create_user, normalise_email
from portal.services.audit import record_audit
from portal.services.places import Place, PlaceError, find_place, nearest_places
from portal.services.tokens import random_token, token_digest

INVITATION_DAYS = 7
APPROVED_ACTION, DECLINED_ACTION = "organisation.approved", "organisation.declined"
TRUSTED_ACTION, UNTRUSTED_ACTION = "organisation.trusted", "organisation.untrusted"
APPROVED_PER_PAGE = 25


class OrganisationError(ValueError):
    """A change that the rules for organisations and their people forbid; the message is fit to show."""


def utcnow() -> datetime:
    """The current time, in UTC."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def resolve_town(text: str) -> tuple[str, str]:
    """The town's name and region (NHS England region, or nation) for what was typed; raises PlaceError."""
    place = find_place(text)
    if place.kind != "place":
        # A postcode was typed: the town nearest it names the organisation's place better than "LS1".
        place = _nearest_town(place)
    return place.name, place.region or place.nation


def _nearest_town(point: Place) -> Place:
    nearest = nearest_places(point, limit=1)
    if not nearest:
        raise PlaceError("Type the name of the town or city where you are based.")
    return nearest[0][0]


def register_organisation(
    *,
    name: str,
    kind: str,
    town: str,
    region: str,
    website: str | None,
    owner_name: str,
    email: str,
    password: str,
    now: datetime | None = None,
) -> Membership:
    """A pending organisation with its first owner (unconfirmed); raises EmailInUseError or AccountError."""
    now = now or utcnow()
    owner = create_user(email, owner_name, password, now=now)
    organisation = Organisation(
        name=name.strip(),
        kind=kind,
        town=town,
        region=region,
        website=website or None,
        status=PENDING,
        trusted=False,
        is_demo=False,
        created_at=now,
    )
    membership = Membership(organisation=organisation, user=owner, role=OWNER, created_at=now)
    db.session.add_all([organisation, membership])
    db.session.flush()
    return membership


def organisation_by_id(organisation_id: int) -> Organisation | None:
    """The organisation with this id, or None."""
    return db.session.get(Organisation, organisation_id)


def owners(organisation: Organisation) -> list[User]:
    """The organisation's owners, earliest first."""
    return [m.user for m in organisation.memberships if m.role == OWNER]


def pending_organisations() -> list[Organisation]:
    """Organisations waiting for an administrator, oldest first, with at least one confirmed owner."""
    waiting = db.session.scalars(
        select(Organisation).where(Organisation.status == PENDING).order_by(Organisation.created_at)
    ).all()
    # An owner who never confirmed their address may not own it: there is nothing to approve yet.
    return [o for o in waiting if any(u.email_verified_at for u in owners(o))]


def _decide(organisation: Organisation, admin: User, status: str, action: str, reason: str | None) -> None:
    if organisation.status != PENDING:
        raise OrganisationError(f"{organisation.name} has already been dealt with")
    before = {"status": organisation.status}
    organisation.status = status
    if status == APPROVED:
        organisation.approved_at = utcnow()
    db.session.flush()
    record_audit(
        admin, action, "organisation", organisation.id, reason, before=before, after={"status": status}
    )


def approve_organisation(organisation: Organisation, admin: User) -> None:
    """Approve a pending organisation, so its listings can go live; written to the audit log."""
    _decide(organisation, admin, APPROVED, APPROVED_ACTION, None)


def decline_organisation(organisation: Organisation, admin: User, reason: str) -> None:
    """Turn a pending organisation down with a reason, written to the audit log."""
    _decide(organisation, admin, DECLINED, DECLINED_ACTION, reason.strip())


def decline_reason(organisation: Organisation) -> str | None:
    """Why the organisation was turned down, from the audit log, or None."""
    return db.session.scalar(
        select(AuditEntry.reason)
        .where(
            AuditEntry.action == DECLINED_ACTION,
            AuditEntry.target_type == "organisation",
            AuditEntry.target_id == organisation.id,
        )
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class OrganisationPage:
    """One page of approved organisations, and where it sits among the rest."""

    organisations: list[Organisation]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages there are (at least one, even when nothing matches)."""
        return max(1, -(-self.total // self.per_page))


def approved_organisations(
    page: int = 1, per_page: int = APPROVED_PER_PAGE, search: str | None = None
) -> OrganisationPage:
    """Approved organisations by name, trusted or not; a page past the end is the last."""
    statement = select(Organisation).where(Organisation.status == APPROVED)
    if search:
        statement = statement.where(
            func.lower(Organisation.name).contains(search.strip().lower(), autoescape=True)
        )
    total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    page = max(1, min(page, -(-total // per_page)))
    rows = db.session.scalars(
        statement.order_by(Organisation.name, Organisation.id).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return OrganisationPage(list(rows), total, page, per_page)


def trusted_count() -> int:
    """How many approved organisations are trusted."""
    return db.session.scalar(
        select(func.count())
        .select_from(Organisation)
        .where(Organisation.status == APPROVED, Organisation.trusted)
    )


def set_trusted(organisation: Organisation, admin: User, trusted: bool, reason: str) -> None:
    """Trust an approved organisation (its listings then skip review), or stop; written to the audit log."""
    reason = reason.strip()
    if not reason:
        raise OrganisationError("Say why: the reason goes into the audit log")
    if trusted and organisation.status != APPROVED:
        raise OrganisationError(f"{organisation.name} is not approved, so it cannot be trusted")
    if organisation.trusted == trusted:
        state = "already trusted" if trusted else "not trusted"
        raise OrganisationError(f"{organisation.name} is {state}: nothing has changed")
    before = {"trusted": organisation.trusted}
    organisation.trusted = trusted
    db.session.flush()
    action = TRUSTED_ACTION if trusted else UNTRUSTED_ACTION
    record_audit(admin, action, "organisation", organisation.id, reason, before, {"trusted": trusted})


def remove_member(organisation: Organisation, membership_id: int) -> Membership | None:
    """Take a person out of the organisation (None if not one of its members); never its last owner."""
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.organisation_id != organisation.id:
        return None
    if membership.role == OWNER and len(owners(organisation)) == 1:
        raise OrganisationError("An organisation needs at least one owner: invite another owner first")
    organisation.memberships.remove(membership)
    db.session.flush()
    return membership


def invite_member(
    organisation: Organisation, inviter: User, email: str, role: str, now: datetime | None = None
) -> tuple[Invitation, str]:
    """An invitation and the token for its link (shown once: only its hash is kept)."""
    email, now = normalise_email(email), now or utcnow()
    if any(m.user.email == email for m in organisation.memberships):
        raise OrganisationError("That person is already a member of your organisation")
    # A second invitation to one address replaces the first, so only the newest link works.
    for earlier in pending_invitations(organisation, now):
        if earlier.email == email:
            earlier.revoked_at = now
    token = random_token()
    invitation = Invitation(
        organisation=organisation,
        email=email,
        role=role,
        invited_by_id=inviter.id,
        created_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
        token_hash=token_digest(token),
    )
    db.session.add(invitation)
    db.session.flush()
    return invitation, token


def pending_invitations(organisation: Organisation, now: datetime | None = None) -> list[Invitation]:
    """Invitations still waiting for an answer, newest first."""
    rows = db.session.scalars(
        select(Invitation)
        .where(
            Invitation.organisation_id == organisation.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    ).all()
    return [i for i in rows if _in_date(i, now or utcnow())]


def _in_date(invitation: Invitation, now: datetime) -> bool:
    return as_utc(invitation.expires_at) > now


def invitation_for_token(token: str, now: datetime | None = None) -> Invitation | None:
    """The invitation a link's token opens, while it is unanswered, unrevoked and in date."""
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == token_digest(token)))
    if invitation is None or invitation.accepted_at or invitation.revoked_at:
        return None
    return invitation if _in_date(invitation, now or utcnow()) else None


def revoke_invitation(organisation: Organisation, invitation_id: int) -> Invitation | None:
    """Withdraw one of the organisation's pending invitations (None if there is no such one)."""
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.organisation_id != organisation.id or invitation.accepted_at:
        return None
    invitation.revoked_at = invitation.revoked_at or utcnow()
    db.session.flush()
    return invitation


def acceptance_problem(invitation: Invitation, user: User) -> str | None:
    """Why ``user`` cannot accept the invitation, in plain words, or None when they can."""
    if user.membership is not None:
        return "You already belong to an organisation, so you cannot join another with this account"
    if normalise_email(user.email) != invitation.email:
        # The link proves access to one inbox only: it must not add a different account.
        return "This invitation was sent to a different email address from the one you signed in with"
    return None


def accept_invitation(invitation: Invitation, user: User, now: datetime | None = None) -> Membership:
    """Make ``user`` a member with the invitation's role; a person belongs to one organisation at most."""
    problem = acceptance_problem(invitation, user)
    if problem:
        raise OrganisationError(problem)
    now = now or utcnow()
    membership = Membership(
        organisation=invitation.organisation, user=user, role=invitation.role, created_at=now
    )
    invitation.accepted_at = now
    db.session.add(membership)
    db.session.flush()
    return membership


def accept_invitation_as_new(
    invitation: Invitation, name: str, password: str, now: datetime | None = None
) -> User:
    """Create the invited person's account (their address is confirmed by the link) and membership."""
    user = create_user(invitation.email, name, password, verified=True, now=now)
    accept_invitation(invitation, user, now)
    return user
