"""Gunicorn settings for `make run`: ``gunicorn --config python:portal.gunicorn_config wsgi:app``.

HOST, PORT and WEB_CONCURRENCY come from the environment. The access log holds the method, the
path without its query string, the status and the time taken: never a query string, a header or
anything else a person typed. Every field of the access and error logs is escaped, so a request
cannot write a line of its own into them.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from gunicorn import glogging

from portal.logs import OneLineFormatter, escape_unprintable, wsgi_text

ACCESS_LOG_FORMAT = "%(m)s %(U)s %(s)s %(M)sms"


def _bind_address() -> str:
    host = os.environ.get("HOST", "127.0.0.1")
    if ":" in host:  # IPv6
        host = f"[{host.strip('[]')}]"
    return f"{host}:{os.environ.get('PORT', '8000')}"


class EscapedAtoms(glogging.SafeAtoms):
    """Access log atoms, each escaped when the format reads it."""

    def __init__(self, atoms: dict[str, Any]) -> None:
        # Kept raw: escaping on read touches only the few atoms the format uses.
        dict.__init__(self, atoms)

    def __getitem__(self, key: str) -> Any:
        """The atom, decoded from WSGI's latin-1, escaped, and with quotes escaped as gunicorn does."""
        value = super().__getitem__(key)
        if not isinstance(value, str):
            return value
        return escape_unprintable(wsgi_text(value)).replace('"', '\\"')


class EscapingLogger(glogging.Logger):
    """Gunicorn's logger with every access field escaped and every error record kept on one line."""

    atoms_wrapper_class = EscapedAtoms

    def setup(self, cfg: Any) -> None:
        """Set up as gunicorn does, then wrap the error log's formatters (this runs again on reload)."""
        super().setup(cfg)
        for handler in self.error_log.handlers:
            if not isinstance(handler.formatter, OneLineFormatter):
                inner = handler.formatter or logging.Formatter(self.error_fmt, self.datefmt)
                handler.setFormatter(OneLineFormatter(inner=inner))


def pre_fork(server: Any, worker: Any) -> None:
    """Tell each new worker how many workers share the in-memory rate limits."""
    # A `--workers` on the command line wins over WEB_CONCURRENCY; the app must divide by the real count.
    os.environ["WEB_CONCURRENCY"] = str(server.num_workers)


bind = _bind_address()
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
accesslog = "-"
access_log_format = ACCESS_LOG_FORMAT
logger_class = EscapingLogger
# The control socket's default path is shared by every gunicorn of this user, and changing the worker
# count at run time would leave the in-memory rate limits divided by the old count.
control_socket_disable = True
