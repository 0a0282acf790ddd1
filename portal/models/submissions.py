"""Form submissions already acted on, so that a form posted twice creates one record."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db

SUBMISSION_KEY_LENGTH = 43  # secrets.token_urlsafe(32)
FORM_NAME_LENGTH = 80
RESULT_URL_LENGTH = 500


class FormSubmission(db.Model):
    """One posted form's one-time key, written in the same transaction as the record it created."""

    __tablename__ = "form_submission"
    # Unique: a second insert of the same key fails, so two posts racing each other cannot both commit.
    __table_args__ = (UniqueConstraint("key", name="uq_form_submission_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(SUBMISSION_KEY_LENGTH))
    form: Mapped[str] = mapped_column(String(FORM_NAME_LENGTH))
    created_table: Mapped[str | None] = mapped_column(String(FORM_NAME_LENGTH))
    created_id: Mapped[int | None] = mapped_column(Integer)
    # Where the first answer sent the person, so that a repeat answers the same way.
    result_url: Mapped[str | None] = mapped_column(String(RESULT_URL_LENGTH))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
