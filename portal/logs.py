"""Log lines that a request cannot forge: every record is one line with unprintable characters escaped."""

from __future__ import annotations

import logging
import sys
from typing import TextIO

from flask import Flask
from flask.logging import default_handler

LOG_FORMAT = "%(asctime)s [%(process)d] [%(levelname)s] %(name)s: %(message)s"
DATE_FORMAT = "[%Y-%m-%d %H:%M:%S %z]"

# Backslash is escaped too, so an escape in a log line always means the character it names.
_NAMED_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_character(character: str) -> str:
    if character in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[character]
    if character.isprintable():
        return character
    code = ord(character)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def escape_unprintable(text: str) -> str:
    """Escape what could break a line or reorder text: controls, format characters, separators.

    These are the characters ``str.isprintable`` rejects (Unicode categories Cc, Cf, Cs, Co, Cn,
    Zl, Zp and every space but U+0020), written as ``\\n``, ``\\x00``, ``\\u202e`` and so on; a byte
    that was not UTF-8 (a surrogateescape) is written ``\\xNN``.
    """
    if text.isprintable() and "\\" not in text:
        return text
    return "".join(_escape_character(character) for character in text)


def wsgi_text(value: str) -> str:
    """Undo WSGI's latin-1 decoding of request bytes, so UTF-8 shows as the characters it encodes."""
    try:
        raw = value.encode("latin-1")
    except UnicodeEncodeError:
        return value
    return raw.decode("utf-8", errors="surrogateescape")


class OneLineFormatter(logging.Formatter):
    """Format as usual (or as ``inner`` does), then escape: message, args and traceback stay on one line."""

    def __init__(
        self, fmt: str | None = None, datefmt: str | None = None, inner: logging.Formatter | None = None
    ) -> None:
        super().__init__(fmt, datefmt)
        self.inner = inner

    def format(self, record: logging.LogRecord) -> str:
        """The whole record, escaped."""
        text = self.inner.format(record) if self.inner is not None else super().format(record)
        return escape_unprintable(text)


class _CurrentStderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time (pytest and gunicorn replace it)."""

    @property
    def stream(self) -> TextIO:  # type: ignore[override]
        """The current standard error."""
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass


def init_app(app: Flask) -> None:
    """Send the portal's own logs (``portal`` and ``portal.*``) to stderr one escaped line per record."""
    logger = logging.getLogger(app.name)
    # Flask's own handler would print a record raw and over several lines.
    logger.removeHandler(default_handler)
    if not any(isinstance(handler, _CurrentStderrHandler) for handler in logger.handlers):
        handler = _CurrentStderrHandler()
        handler.setFormatter(OneLineFormatter(LOG_FORMAT, DATE_FORMAT))
        logger.addHandler(handler)
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)
    # A handler on the root logger would print them raw too, so the portal's records stop here.
    logger.propagate = False
