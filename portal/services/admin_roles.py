"""Who is an administrator: a request by one administrator, confirmed by a second, and removal.

Making someone an administrator takes two different people: one asks (with a reason), and another
administrator, who is neither the one who asked nor the person named, confirms. Until then the
request is an ``AdminGrant`` row and nothing else. Rights can be removed by any administrator with a
reason, never from the last one. Every step goes into the audit log against the person concerned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.models import AdminGrant, Membership, User
from portal.services.accounts import normalise_email, user_by_email
from portal.services.audit import record_audit

CONFIRMED, CANCELLED = "confirmed", "cancelled"
WAITING = "waiting"
TARGET = "user"
REQUESTED_ACTION, CONFIRMED_ACTION = "admin.requested", "admin.confirmed"
CANCELLED_ACTION, REMOVED_ACTION = "admin.cancelled", "admin.removed"
STAFF_PER_PAGE = 50


class AdminRoleError(ValueError):
    """A change to administrator rights that the rules forbid; the message is fit to show."""


@dataclass(frozen=True)
class WaitingRequest:
    """A request to make someone an administrator, with the two people it names."""

    grant: AdminGrant
    person: User
    requested_by: User

    @property
    def requester_still_admin(self) -> bool:
        """A request stands only while the administrator who made it still is one."""
        return self.requested_by.is_admin


@dataclass(frozen=True)
class StaffPage:
    """One page of staff accounts, and where it sits among the rest."""

    people: list[User]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages there are (at least one, even when nobody matches)."""
        return max(1, -(-self.total // self.per_page))


def _now() -> datetime:
    return datetime.now(UTC)


def _require_admin(person: User) -> None:
    if not person.is_admin:
        raise AdminRoleError("Only an administrator can change who is an administrator")


def _state(person: User, grant: AdminGrant | None, status: str | None) -> dict[str, Any]:
    state: dict[str, Any] = {"is_admin": person.is_admin, "admin_request": status}
    if grant is not None:
        state["admin_request_id"] = grant.id
    return state


def waiting_grant_for(person: User) -> AdminGrant | None:
    """The request still waiting to make ``person`` an administrator, if there is one."""
    statement = select(AdminGrant).where(AdminGrant.user_id == person.id, AdminGrant.outcome.is_(None))
    return db.session.scalars(statement.order_by(AdminGrant.id).limit(1)).first()


def request_admin(email: str, requester: User, reason: str, now: datetime | None = None) -> AdminGrant:
    """Ask for the person with ``email`` to become an administrator; it waits for a second administrator."""
    _require_admin(requester)
    reason = reason.strip()
    if not reason:
        raise AdminRoleError("Say why this person needs to be an administrator")
    person = user_by_email(email)
    if person is None:
        raise AdminRoleError(f"There is no staff account for {normalise_email(email)}")
    if person.email_verified_at is None:
        raise AdminRoleError(f"{person.email} has not confirmed their email address yet")
    if person.is_admin:
        raise AdminRoleError(f"{person.email} is already an administrator")
    if waiting_grant_for(person) is not None:
        raise AdminRoleError(f"A request to make {person.email} an administrator is already waiting")
    before = _state(person, None, None)
    grant = AdminGrant(
        user_id=person.id, requested_by_id=requester.id, reason=reason, requested_at=now or _now()
    )
    db.session.add(grant)
    db.session.flush()
    record_audit(
        requester, REQUESTED_ACTION, TARGET, person.id, reason, before, _state(person, grant, WAITING)
    )
    return grant


def _waiting_for_decision(grant_id: int) -> AdminGrant:
    # Locked while deciding, so two administrators acting at once cannot both decide it.
    grant = db.session.get(AdminGrant, grant_id, with_for_update=True)
    if grant is None:
        raise LookupError(grant_id)
    if grant.outcome is not None:
        raise AdminRoleError(f"This request has already been {grant.outcome}")
    return grant


def confirm_admin(grant_id: int, confirmer: User, now: datetime | None = None) -> AdminGrant:
    """A second administrator confirms the request: only now does the person become an administrator."""
    _require_admin(confirmer)
    grant = _waiting_for_decision(grant_id)
    person, requester = db.session.get(User, grant.user_id), db.session.get(User, grant.requested_by_id)
    if confirmer.id == grant.requested_by_id:
        raise AdminRoleError("You asked for this, so another administrator must confirm it")
    if confirmer.id == grant.user_id:
        raise AdminRoleError("You cannot confirm your own administrator rights")
    if requester is None or not requester.is_admin:
        raise AdminRoleError(
            "The administrator who asked for this is no longer one, so it cannot be confirmed: "
            "cancel it, and ask again if it is still needed"
        )
    if person.is_admin:
        raise AdminRoleError(f"{person.email} is already an administrator: cancel this request")
    before = _state(person, grant, WAITING)
    person.is_admin = True
    grant.outcome, grant.decided_by_id, grant.decided_at = CONFIRMED, confirmer.id, now or _now()
    db.session.flush()
    record_audit(
        confirmer, CONFIRMED_ACTION, TARGET, person.id, grant.reason, before, _state(person, grant, CONFIRMED)
    )
    return grant


def cancel_admin(
    grant_id: int, admin: User, reason: str | None = None, now: datetime | None = None
) -> AdminGrant:
    """Withdraw a waiting request (any administrator may); the person's rights do not change."""
    _require_admin(admin)
    grant = _waiting_for_decision(grant_id)
    person = db.session.get(User, grant.user_id)
    before = _state(person, grant, WAITING)
    grant.outcome, grant.decided_by_id, grant.decided_at = CANCELLED, admin.id, now or _now()
    db.session.flush()
    record_audit(
        admin,
        CANCELLED_ACTION,
        TARGET,
        person.id,
        (reason or "").strip() or None,
        before,
        _state(person, grant, CANCELLED),
    )
    return grant


def remove_admin(person: User, admin: User, reason: str) -> None:
    """Take administrator rights away, with a reason; never from the last administrator."""
    _require_admin(admin)
    reason = reason.strip()
    if not reason:
        raise AdminRoleError("Say why you are removing their administrator rights")
    if not person.is_admin:
        raise AdminRoleError(f"{person.email} is not an administrator")
    # Every administrator's row is locked while counting, so two removals at once cannot leave none.
    admins = db.session.scalars(select(User.id).where(User.is_admin).with_for_update()).all()
    if len(admins) <= 1:
        raise AdminRoleError(
            f"{person.email} is the last administrator: make someone else an administrator first"
        )
    person.is_admin = False
    db.session.flush()
    record_audit(admin, REMOVED_ACTION, TARGET, person.id, reason, {"is_admin": True}, {"is_admin": False})


def waiting_requests() -> list[WaitingRequest]:
    """Requests waiting for a second administrator, oldest first, with who they name."""
    grants = db.session.scalars(
        select(AdminGrant)
        .where(AdminGrant.outcome.is_(None))
        .order_by(AdminGrant.requested_at, AdminGrant.id)
    ).all()
    ids = {grant.user_id for grant in grants} | {grant.requested_by_id for grant in grants}
    people = (
        {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    )
    return [WaitingRequest(grant, people[grant.user_id], people[grant.requested_by_id]) for grant in grants]


def waiting_request_count() -> int:
    """How many requests are waiting for a second administrator."""
    return db.session.scalar(select(func.count()).select_from(AdminGrant).where(AdminGrant.outcome.is_(None)))


def administrators() -> list[User]:
    """Everyone who is an administrator now, by email address."""
    return list(db.session.scalars(select(User).where(User.is_admin).order_by(User.email)))


def staff_page(page: int = 1, per_page: int = STAFF_PER_PAGE, search: str | None = None) -> StaffPage:
    """Staff accounts by email address, with their organisation and role; a page past the end is the last."""
    statement = select(User)
    if search:
        term = search.strip().lower()
        statement = statement.where(
            func.lower(User.email).contains(term, autoescape=True)
            | func.lower(User.name).contains(term, autoescape=True)
        )
    total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    page = max(1, min(page, -(-total // per_page)))
    people = db.session.scalars(
        statement.options(selectinload(User.membership).selectinload(Membership.organisation))
        .order_by(User.email)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return StaffPage(list(people), total, page, per_page)


def staff_member(user_id: int) -> User | None:
    """The staff account with this id, or None."""
    return db.session.get(User, user_id)
