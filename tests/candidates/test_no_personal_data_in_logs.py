"""No personal data in logs: a whole candidate's life, from sign-up to deletion, with every record kept.

Every log record at every level, from the portal's own loggers and from every library's (the root
logger), is captured, along with what the commands print (which ends up in cron's logs), and searched
for the email address and the message the person sent.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest

from portal.extensions import db
from portal.models import Candidate
from tests.account_helpers import last_mail_to, link_in, location_path, submit
from tests.factories import make_opportunity, now

EMAIL = "river.logcheck@example.net"
MESSAGE = "Hearing-aid fitting is what I dream about, reference QX7-LOGCHECK"


class _Keep(logging.Handler):
    """A handler that keeps every record it is given."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def every_log_record() -> Iterator[list[logging.LogRecord]]:
    """Every record from the root logger and the portal's own (which does not propagate), at DEBUG."""
    keep = _Keep()
    loggers = [logging.getLogger(), logging.getLogger("portal")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(keep)
        logger.setLevel(logging.DEBUG)
    yield keep.records
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(keep)
        logger.setLevel(level)


def _text(record: logging.LogRecord) -> str:
    parts = [record.getMessage(), record.name, str(record.args)]
    if record.exc_info:
        parts.append(logging.Formatter().formatException(record.exc_info))
    return " ".join(parts)


def test_sign_up_interest_alert_export_and_delete_log_neither_the_address_nor_the_message(
    app, client, every_log_record
):
    listing = make_opportunity(type="event", title="Audiology open day", apply_kind="portal", apply_url=None)

    response = submit(client, "/account/sign-up", {"age_band": "16-17", "email": EMAIL, "password": ""})
    assert location_path(response).startswith("/account/check-your-email")
    confirmed = client.get(link_in(last_mail_to(EMAIL), "/account/confirm/"))
    assert confirmed.status_code in (302, 303)
    assert db.session.query(Candidate).filter_by(email=EMAIL).one().email_verified_at is not None

    page = f"/opportunities/{listing.id}"
    interest = f"/account/interest/{listing.id}"
    response = submit(client, interest, {"message": MESSAGE, "share_email": "no", "confirm_age": "y"})
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:2000]
    assert MESSAGE in client.get(location_path(response)).get_data(as_text=True)

    response = submit(client, "/account/alerts/new?q=audiology", {"frequency": "weekly"})
    assert response.status_code in (302, 303)
    make_opportunity(type="event", title="Audiology taster day", live_since=now() + timedelta(seconds=1))
    run = app.test_cli_runner().invoke(args=["alerts", "send"])
    assert run.exit_code == 0, run.output
    assert "1 new listing emailed" in run.output
    assert "Audiology taster day" in last_mail_to(EMAIL).text_body

    exported = client.get("/account/your-data.json").get_json()
    assert exported["account"]["email"] == EMAIL
    assert client.get(page).status_code == 200

    response = submit(client, "/account/delete", {"confirm": "y"})
    assert location_path(response) == "/account/deleted"
    assert db.session.query(Candidate).filter_by(email=EMAIL).one_or_none() is None
    purge = app.test_cli_runner().invoke(args=["privacy", "purge", "--dry-run"])
    assert purge.exit_code == 0, purge.output

    texts = [_text(record) for record in every_log_record] + [run.output, purge.output]
    assert len(every_log_record) > 0, "the flow logged nothing, so the search below would prove nothing"
    for secret in (EMAIL, EMAIL.split("@")[0], MESSAGE, "QX7-LOGCHECK"):
        leaks = [text for text in texts if secret.lower() in text.lower()]
        assert not leaks, f"{secret!r} was logged: {leaks[:3]}"
