"""Service areas and entry routes: the loaded copy of content/."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db


class ServiceArea(db.Model):
    """One service-area profile."""

    __tablename__ = "service_area"

    slug: Mapped[str] = mapped_column(String(80), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    division: Mapped[str] = mapped_column(String(80), index=True)
    theme: Mapped[str] = mapped_column(String(120), index=True)
    parent_slug: Mapped[str | None] = mapped_column(String(80), index=True)
    summary: Mapped[str] = mapped_column(Text)
    search_text: Mapped[str] = mapped_column(Text)
    profile: Mapped[dict[str, Any]] = mapped_column(JSON)
    body_markdown: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64))

    routes: Mapped[list[ServiceAreaRoute]] = relationship(
        back_populates="service_area",
        cascade="all, delete-orphan",
        order_by="ServiceAreaRoute.position",
    )

    def field(self, key: str) -> Any:
        """Return one front-matter field (lists default to empty)."""
        return self.profile.get(key, [])

    def __repr__(self) -> str:
        return f"<ServiceArea {self.slug}>"


class EntryRoute(db.Model):
    """One route into the workforce."""

    __tablename__ = "entry_route"

    slug: Mapped[str] = mapped_column(String(80), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(40))
    level: Mapped[int | None] = mapped_column(Integer)
    career_level: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text)
    route: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))

    def field(self, key: str) -> Any:
        """Return one field of the route file (lists default to empty)."""
        return self.route.get(key, [])

    def __repr__(self) -> str:
        return f"<EntryRoute {self.slug}>"


class ServiceAreaRoute(db.Model):
    """An entry route as it applies to one service area, with that area's note."""

    __tablename__ = "service_area_route"

    service_area_slug: Mapped[str] = mapped_column(
        ForeignKey("service_area.slug", ondelete="CASCADE"), primary_key=True
    )
    route_slug: Mapped[str] = mapped_column(
        ForeignKey("entry_route.slug", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text)

    service_area: Mapped[ServiceArea] = relationship(back_populates="routes")
    route: Mapped[EntryRoute] = relationship(lazy="joined")
