"""A CSV upload waiting for its uploader to confirm it, kept server-side so any worker can read it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class ListingImport(db.Model):
    """The text of an uploaded listings CSV, until it is confirmed or it expires."""

    __tablename__ = "listing_import"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Stale uploads are deleted when the next one is stored.
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    csv_text: Mapped[str] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<ListingImport {self.id}>"
