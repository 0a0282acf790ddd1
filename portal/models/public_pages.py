"""The generation of what public pages show: one counter, raised whenever that changes."""

from __future__ import annotations

from sqlalchemy import Integer
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db

SINGLE_ROW_ID = 1


class PublicGeneration(db.Model):
    """A single row. Cached public pages are filed under its value, so raising it retires them all at once."""

    __tablename__ = "public_generation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)
