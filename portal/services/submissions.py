"""One record per posted form: a form's one-time key is stored in the transaction that acts on it.

A form carries a random key from the moment it is rendered. The first post that creates something
also writes the key (with what it created), in the same commit; a second post of the same form (a
double click, a retry after a timeout, the back button) finds the key and creates nothing. Two posts
racing each other cannot both commit: the key is unique, so the later commit fails and is answered
as a repeat.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, event, inspect, select
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.models.submissions import FORM_NAME_LENGTH, RESULT_URL_LENGTH, FormSubmission

KEY_BYTES = 32
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")
# Long enough for any retry or back button; a form kept open longer is simply sent again.
KEPT_FOR = timedelta(days=1)
_PENDING = "form_submission_pending"


@dataclass
class _Pending:
    """A key waiting for the commit that creates something, and the first row that commit adds."""

    key: str
    form: str
    at: datetime
    # A form answered with a page, whose repeat must not count again even when it only updates rows.
    even_without_new_rows: bool = False
    created_table: str | None = None
    created_id: int | None = None


def new_submission_key() -> str:
    """A fresh random key for one rendering of a form."""
    return secrets.token_urlsafe(KEY_BYTES)


def is_submission_key(value: Any) -> bool:
    """Whether ``value`` has the shape of a key this module makes (anything else is ignored)."""
    return isinstance(value, str) and KEY_PATTERN.fullmatch(value) is not None


def earlier_submission(key: str) -> FormSubmission | None:
    """The stored submission of ``key``, if a post with it already created something."""
    return db.session.scalar(select(FormSubmission).where(FormSubmission.key == key))


def record_with_next_commit(key: str, form: str, at: datetime, even_without_new_rows: bool = False) -> None:
    """Store ``key`` in the next commit that adds rows (or in the next commit at all), naming what it adds."""
    db.session().info[_PENDING] = _Pending(key, form[:FORM_NAME_LENGTH], at, even_without_new_rows)


def forget_pending() -> None:
    """Stop watching commits for a key (the request is over)."""
    db.session().info.pop(_PENDING, None)


def note_result(key: str, url: str) -> bool:
    """Remember where the first post sent the person; False if the key was never stored."""
    submission = earlier_submission(key)
    if submission is None or len(url) > RESULT_URL_LENGTH:
        return False
    submission.result_url = url
    db.session.flush()
    return True


def purge_submissions_before(cutoff: datetime) -> int:
    """Delete keys stored before ``cutoff``; the number deleted."""
    result = db.session.execute(delete(FormSubmission).where(FormSubmission.created_at < cutoff))
    return result.rowcount or 0


def _first_new_row(session: Session, pending: _Pending) -> None:
    for instance in session.new:
        if isinstance(instance, FormSubmission):
            continue
        # The identity key is only set after this hook; the primary key column already holds the new id.
        key = inspect(instance).mapper.primary_key_from_instance(instance)
        pending.created_table = getattr(type(instance), "__tablename__", None)
        pending.created_id = key[0] if len(key) == 1 and isinstance(key[0], int) else None
        return


@event.listens_for(Session, "after_flush")
def _note_created_row(session: Session, _context: Any) -> None:
    pending = session.info.get(_PENDING)
    if pending is not None and pending.created_table is None:
        _first_new_row(session, pending)


@event.listens_for(Session, "after_rollback")
def _forget_created_row(session: Session) -> None:
    pending = session.info.get(_PENDING)
    if pending is not None:
        pending.created_table = pending.created_id = None


@event.listens_for(Session, "before_commit")
def _store_key_with_what_it_created(session: Session) -> None:
    pending = session.info.get(_PENDING)
    if pending is None:
        return
    session.flush()  # rows still waiting are part of this commit too
    if pending.created_table is None and not pending.even_without_new_rows:
        return  # nothing was created: the same form may be corrected and sent again
    session.info.pop(_PENDING)
    session.add(
        FormSubmission(
            key=pending.key,
            form=pending.form,
            created_table=pending.created_table,
            created_id=pending.created_id,
            created_at=pending.at,
        )
    )
    session.flush()
