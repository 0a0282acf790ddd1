"""Opportunities that organisations post, their history and the reports the public makes about them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.organisations import Organisation

OPPORTUNITY_TYPES = {
    "apprenticeship": "Apprenticeship",
    "placement": "Placement",
    "work-experience": "Work experience",
    "job": "Job",
    "training-post": "Training post",
    "event": "Event",
}
DRAFT, SUBMITTED, LIVE, REFERRED_BACK, REJECTED, CLOSED = (
    "draft",
    "submitted",
    "live",
    "referred-back",
    "rejected",
    "closed",
)
STATUSES = (DRAFT, SUBMITTED, LIVE, REFERRED_BACK, REJECTED, CLOSED)


class Opportunity(db.Model):
    """One listing: an apprenticeship, placement, work experience, job, training post or event."""

    __tablename__ = "opportunity"
    __table_args__ = (Index("ix_opportunity_status_closes_on", "status", "closes_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=DRAFT)
    type: Mapped[str] = mapped_column(String(20), index=True)
    title: Mapped[str] = mapped_column(String(120))
    # A career level from content/vocabulary.yaml (assistant ... consultant-clinical-scientist, none).
    level: Mapped[str] = mapped_column(String(40), index=True)
    apprenticeship_level: Mapped[int | None] = mapped_column(Integer)
    apprenticeship_standard: Mapped[str | None] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text)
    stages: Mapped[list[str]] = mapped_column(JSON, default=list)
    minimum_age: Mapped[int | None] = mapped_column(Integer)
    # Events and work experience a teacher can bring a class to.
    open_to_school_groups: Mapped[bool] = mapped_column(Boolean, default=False)
    online: Mapped[bool] = mapped_column(Boolean, default=False)
    site_name: Mapped[str | None] = mapped_column(String(120))
    town: Mapped[str | None] = mapped_column(String(120))
    postcode: Mapped[str | None] = mapped_column(String(10))
    region: Mapped[str | None] = mapped_column(String(60))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    starts_on: Mapped[date | None] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    event_starts_at: Mapped[datetime | None] = mapped_column(DateTime)
    places: Mapped[int | None] = mapped_column(Integer)
    pay_kind: Mapped[str] = mapped_column(String(20))
    pay_band: Mapped[str | None] = mapped_column(String(10))
    salary_min: Mapped[int | None] = mapped_column(Integer)
    salary_max: Mapped[int | None] = mapped_column(Integer)
    hours: Mapped[str | None] = mapped_column(String(120))
    apply_kind: Mapped[str] = mapped_column(String(20))
    apply_url: Mapped[str | None] = mapped_column(String(500))
    # Lower-cased title, organisation, areas and town: what a keyword is looked for in.
    search_text: Mapped[str] = mapped_column(Text, default="")
    # A live listing's edit waiting for review, and where that review stands; the live version stays up.
    pending_changes: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    pending_status: Mapped[str | None] = mapped_column(String(20))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    live_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    organisation: Mapped[Organisation] = relationship()
    areas: Mapped[list[OpportunityArea]] = relationship(
        back_populates="opportunity", cascade="all, delete-orphan", order_by="OpportunityArea.position"
    )
    events: Mapped[list[OpportunityEvent]] = relationship(
        back_populates="opportunity", cascade="all, delete-orphan", order_by="OpportunityEvent.id"
    )

    @property
    def area_slugs(self) -> list[str]:
        """The listing's service areas, most relevant first."""
        return [area.service_area_slug for area in self.areas]

    @property
    def type_label(self) -> str:
        """The type as people say it."""
        return OPPORTUNITY_TYPES.get(self.type, self.type)

    def __repr__(self) -> str:
        return f"<Opportunity {self.id} {self.status}>"


class OpportunityArea(db.Model):
    """One of a listing's one to three service areas."""

    __tablename__ = "opportunity_area"

    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunity.id"), primary_key=True)
    service_area_slug: Mapped[str] = mapped_column(
        ForeignKey("service_area.slug"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)

    opportunity: Mapped[Opportunity] = relationship(back_populates="areas")


class OpportunityEvent(db.Model):
    """One change in a listing's life: who made it, when, from which status to which, and why."""

    __tablename__ = "opportunity_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunity.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # None when the system acted (a listing closing at its closing date).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    action: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    reason_code: Mapped[str | None] = mapped_column(String(40))
    reason_text: Mapped[str | None] = mapped_column(Text)

    opportunity: Mapped[Opportunity] = relationship(back_populates="events")


class ListingReport(db.Model):
    """A member of the public's report that a listing is wrong, out of date or not allowed."""

    __tablename__ = "listing_report"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunity.id"), index=True)
    reason: Mapped[str] = mapped_column(String(40))
    details: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    outcome: Mapped[str | None] = mapped_column(String(40))

    opportunity: Mapped[Opportunity] = relationship()
