"""Work that cron and the job queue run on a schedule: each job commits its own work.

Run from cron (``flask --app wsgi opportunities close-expired``) or queue it by path
(``enqueue("portal.services.scheduled.close_expired_job")``); both run the same function.
"""

from __future__ import annotations

from portal.extensions import db
from portal.services.opportunities import close_expired


def close_expired_job() -> int:
    """Close every live listing whose closing date has passed, commit, and say how many closed."""
    # A job runs in an app context of its own, so no request will commit for it.
    closed = close_expired()
    db.session.commit()
    return closed
