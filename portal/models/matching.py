"""What the portal records about the matcher: index versions and anonymous feedback."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class MatchingIndexVersion(db.Model):
    """The index every worker must answer from; the newest row wins."""

    __tablename__ = "matching_index_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    corpus_hash: Mapped[str] = mapped_column(String(64))
    directory: Mapped[str] = mapped_column(String(500))
    document_count: Mapped[int] = mapped_column(Integer)
    built_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class MatchFeedback(db.Model):
    """'Was this useful?' answers: no query text, no person, just the verdict."""

    __tablename__ = "match_feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    useful: Mapped[bool] = mapped_column(Boolean)
    stage: Mapped[str | None] = mapped_column(String(20))
    top_slug: Mapped[str | None] = mapped_column(String(80))
    confident: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
