"""Outgoing mail: written to the outbox in the caller's transaction, sent after commit, retried until it goes.

Call ``queue_message`` from a service (it flushes, the request commits). Without ``REDIS_URL`` the
message is sent in-process right after the commit; with it, by ``flask --app wsgi jobs worker``.
Either way ``flask --app wsgi mail send-pending`` (from cron) sends whatever is due, retries included.
"""

from portal.mail.cli import register_cli
from portal.mail.messages import (
    InvalidMessageError,
    build_message,
    default_sender,
    list_unsubscribe_headers,
)
from portal.mail.outbox import MAX_ATTEMPTS, SendReport, queue_message, send_message_job, send_pending
from portal.mail.transports import FileTransport, MailConfigError, SmtpTransport, transport_for

__all__ = [
    "MAX_ATTEMPTS",
    "FileTransport",
    "InvalidMessageError",
    "MailConfigError",
    "SendReport",
    "SmtpTransport",
    "build_message",
    "default_sender",
    "list_unsubscribe_headers",
    "queue_message",
    "register_cli",
    "send_message_job",
    "send_pending",
    "transport_for",
]
