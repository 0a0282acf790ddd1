"""Candidates: people who sign in to save things, set alerts and express interest in listings.

Kept apart from organisation staff (``user_account``): many candidates are children, and everything
held about them lives in these tables, so it can be exported and deleted completely.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db

# Age bands, never a date of birth. Under 13s cannot have an account (the sign-up page says why).
UNDER_13, AGE_13_15, AGE_16_17, AGE_18_PLUS = "under-13", "13-15", "16-17", "18-plus"
AGE_BANDS = {
    UNDER_13: "Under 13",
    AGE_13_15: "13 to 15",
    AGE_16_17: "16 to 17",
    AGE_18_PLUS: "18 and over",
}
ACCOUNT_AGE_BANDS = (AGE_13_15, AGE_16_17, AGE_18_PLUS)
# The youngest and oldest age in each band (None: no upper end).
BAND_AGES: dict[str, tuple[int, int | None]] = {
    UNDER_13: (0, 12),
    AGE_13_15: (13, 15),
    AGE_16_17: (16, 17),
    AGE_18_PLUS: (18, None),
}

INTEREST_STATUSES = {
    "new": "New",
    "in-review": "In review",
    "contacted": "Contacted",
    "successful": "Successful",
    "unsuccessful": "Unsuccessful",
}
NEW = "new"
MESSAGE_MAX = 1000

NO_EMAILS, DAILY, WEEKLY = "none", "daily", "weekly"
ALERT_FREQUENCIES = {NO_EMAILS: "No emails", DAILY: "Daily", WEEKLY: "Weekly"}


class Candidate(db.Model):
    """A person looking for a way in: only an email address, an age band and the choices they make."""

    __tablename__ = "candidate"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Stored lower-cased, so one address is one account however it is typed.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    # None for someone who only ever signs in with emailed links.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    age_band: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Signing in or changing anything counts as activity; long inactivity leads to deletion (privacy purge).
    last_active_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    purge_reminder_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Part of the session's identity and of every sign-in link: raising it ends sessions and spends links.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    # Off unless the person turns it on (for 13 to 15s it can only be turned on by them, never by default):
    # registered interest counted, anonymously, in the workforce figures.
    count_interest_in_figures: Mapped[bool] = mapped_column(Boolean, default=False)
    # An invented person for the demonstration portal, removed with the rest of the demo data.
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    saved_areas: Mapped[list[SavedArea]] = relationship(
        back_populates="candidate", cascade="all, delete-orphan", order_by="SavedArea.created_at"
    )
    saved_listings: Mapped[list[SavedListing]] = relationship(
        back_populates="candidate", cascade="all, delete-orphan", order_by="SavedListing.created_at"
    )
    area_interests: Mapped[list[AreaInterest]] = relationship(
        back_populates="candidate", cascade="all, delete-orphan", order_by="AreaInterest.created_at"
    )
    expressions_of_interest: Mapped[list[ExpressionOfInterest]] = relationship(
        back_populates="candidate", cascade="all, delete-orphan", order_by="ExpressionOfInterest.created_at"
    )
    alerts: Mapped[list[AlertSubscription]] = relationship(
        back_populates="candidate", cascade="all, delete-orphan", order_by="AlertSubscription.created_at"
    )

    @property
    def youngest_age(self) -> int:
        """The youngest the person can be, from their age band."""
        return BAND_AGES[self.age_band][0]

    @property
    def is_young(self) -> bool:
        """13 to 15: the most protective settings are fixed on."""
        return self.age_band == AGE_13_15

    @property
    def age_band_label(self) -> str:
        """The age band as people say it."""
        return AGE_BANDS.get(self.age_band, self.age_band)

    def __repr__(self) -> str:
        return f"<Candidate {self.id}>"


class SavedArea(db.Model):
    """A service area the person saved to come back to."""

    __tablename__ = "saved_area"

    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), primary_key=True)
    service_area_slug: Mapped[str] = mapped_column(ForeignKey("service_area.slug"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    candidate: Mapped[Candidate] = relationship(back_populates="saved_areas")
    service_area: Mapped[Any] = relationship("ServiceArea")


class SavedListing(db.Model):
    """A listing the person saved to come back to."""

    __tablename__ = "saved_listing"

    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunity.id"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    candidate: Mapped[Candidate] = relationship(back_populates="saved_listings")
    opportunity: Mapped[Any] = relationship("Opportunity")


class AreaInterest(db.Model):
    """Interest registered in a service area ("I would like to work in this")."""

    __tablename__ = "area_interest"

    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), primary_key=True)
    service_area_slug: Mapped[str] = mapped_column(ForeignKey("service_area.slug"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    candidate: Mapped[Candidate] = relationship(back_populates="area_interests")
    service_area: Mapped[Any] = relationship("ServiceArea")


class ExpressionOfInterest(db.Model):
    """A candidate's interest in one listing: what they sent, and where the organisation has got to."""

    __tablename__ = "expression_of_interest"
    # One per person per listing: a second submission finds the first.
    __table_args__ = (
        UniqueConstraint("candidate_id", "opportunity_id", name="uq_interest_candidate_listing"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"))
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunity.id"), index=True)
    message: Mapped[str] = mapped_column(Text)
    # The organisation sees the address only when this is true.
    share_email: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default=NEW)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    candidate: Mapped[Candidate] = relationship(back_populates="expressions_of_interest")
    opportunity: Mapped[Any] = relationship("Opportunity")

    @property
    def status_label(self) -> str:
        """The status as people say it."""
        return INTEREST_STATUSES.get(self.status, self.status)


class AlertSubscription(db.Model):
    """A saved search, and whether new listings that match it are emailed (daily or weekly).

    Belongs to a candidate, or (for alerts without an account) carries its own confirmed address.
    """

    __tablename__ = "alert_subscription"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    candidate_id: Mapped[int | None] = mapped_column(ForeignKey("candidate.id"), index=True)
    # Only for alerts without an account; a candidate's alerts go to the candidate's address.
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    # The search, as the opportunity search's own query parameters (q, type, level, service_area, ...).
    search: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    frequency: Mapped[str] = mapped_column(String(10), default=NO_EMAILS)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # When the address was confirmed; a candidate's alerts are confirmed by their verified account.
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # SHA-256 of the random token in every email's unsubscribe link (works without signing in).
    unsubscribe_token_hash: Mapped[str] = mapped_column(String(64), unique=True)

    candidate: Mapped[Candidate | None] = relationship(back_populates="alerts")
    deliveries: Mapped[list[AlertDelivery]] = relationship(
        back_populates="subscription", cascade="all, delete-orphan"
    )

    @property
    def address(self) -> str | None:
        """Where the alert goes."""
        return self.candidate.email if self.candidate is not None else self.email


class AlertDelivery(db.Model):
    """A listing already sent for an alert: the record that makes ``alerts send`` never send it twice."""

    __tablename__ = "alert_delivery"

    subscription_id: Mapped[int] = mapped_column(ForeignKey("alert_subscription.id"), primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunity.id"), primary_key=True, index=True)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    subscription: Mapped[AlertSubscription] = relationship(back_populates="deliveries")


class AnonymousTally(db.Model):
    """A count with no person behind it, per kind, subject and week; it holds no free text.

    Kinds: interest registered in an area, an expression of interest in a listing, an area suggested
    by Find your fit, and an area opened from its results (see portal/services/tallies.py). A tally
    stays when the people who made it delete their accounts.
    """

    __tablename__ = "anonymous_tally"
    __table_args__ = (
        UniqueConstraint("kind", "subject", "week_start", "is_demo", name="uq_anonymous_tally"),
        Index("ix_anonymous_tally_kind_week", "kind", "week_start"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    # A service-area slug, or a listing id for expressions of interest.
    subject: Mapped[str] = mapped_column(String(120))
    week_start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    count: Mapped[int] = mapped_column(Integer, default=0)
    # Made up by the demonstration seed, so the figures can say so and ``demo remove`` can take it away.
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
