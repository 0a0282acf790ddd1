"""Gunicorn's logging for the portal (``gunicorn.conf.py`` names it).

The access log holds the method, the path without its query string, the status and the time taken:
never a query string, a header or anything else a person typed. Every field of the access and error
logs is escaped, so a request cannot write a line of its own into them.
"""

from __future__ import annotations

import logging
from typing import Any

from gunicorn import glogging

from portal.logs import OneLineFormatter, escape_unprintable, wsgi_text

ACCESS_LOG_FORMAT = "%(m)s %(U)s %(s)s %(M)sms"


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
