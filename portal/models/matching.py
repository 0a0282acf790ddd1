"""What the portal records about the matcher: index versions with their files, and anonymous feedback."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, LargeBinary, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db


class MatchingIndexVersion(db.Model):
    """The index every worker must answer from; the newest row wins."""

    __tablename__ = "matching_index_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    corpus_hash: Mapped[str] = mapped_column(String(64))
    document_count: Mapped[int] = mapped_column(Integer)
    built_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # Loaded only when asked for: workers read a version's files with a query of their own.
    files: Mapped[list[MatchingIndexFile]] = relationship(
        back_populates="version", cascade="all, delete-orphan"
    )


class MatchingIndexFile(db.Model):
    """One file of a saved index (manifest, JSON state or arrays), stored so that any host can load it."""

    __tablename__ = "matching_index_file"

    version_id: Mapped[int] = mapped_column(
        ForeignKey("matching_index_version.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    version: Mapped[MatchingIndexVersion] = relationship(back_populates="files")


class MatchFeedback(db.Model):
    """'Was this useful?' answers: no query text, no person, just the verdict."""

    __tablename__ = "match_feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    useful: Mapped[bool] = mapped_column(Boolean)
    stage: Mapped[str | None] = mapped_column(String(20))
    top_slug: Mapped[str | None] = mapped_column(String(80))
    confident: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
