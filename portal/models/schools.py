"""Class codes that teachers make, and the anonymous answers their students give with them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.organisations import Organisation

# A class summary shows nothing until this many students have taken part, and no count below it.
CLASS_THRESHOLD = 5


class ClassCode(db.Model):
    """A code a teacher gives a class, which students type into Find your fit."""

    __tablename__ = "class_code"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Short, unambiguous letters and digits, shown and typed in upper case.
    code: Mapped[str] = mapped_column(String(12), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # The teacher's own label ("Year 10 science"), never a student's name.
    label: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    organisation: Mapped[Organisation] = relationship()
    responses: Mapped[list[ClassResponse]] = relationship(
        back_populates="class_code", cascade="all, delete-orphan"
    )


class ClassResponse(db.Model):
    """One student's Find your fit result under a class code: no name, no text they typed.

    ``participant`` is a keyed digest of a random value in the student's browser session, so the same
    browser answering again replaces its answer instead of counting twice.
    """

    __tablename__ = "class_response"
    __table_args__ = (UniqueConstraint("class_code_id", "participant", name="uq_class_response_participant"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_code_id: Mapped[int] = mapped_column(ForeignKey("class_code.id"))
    participant: Mapped[str] = mapped_column(String(64))
    stage: Mapped[str | None] = mapped_column(String(20))
    # The top suggestions' slugs, best first.
    area_slugs: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    class_code: Mapped[ClassCode] = relationship(back_populates="responses")
