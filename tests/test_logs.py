"""Log lines cannot be forged: controls and format characters are escaped, one line per record."""

from __future__ import annotations

import logging
import sys

import pytest

from portal import create_app
from portal.gunicorn_logging import EscapedAtoms
from portal.logs import LOG_FORMAT, OneLineFormatter, escape_unprintable, wsgi_text

HOSTILE = "a\r\nFAKE 200 line\x00b\u202ec\u2028d\x85e\tf\\g"
ESCAPED = "a\\r\\nFAKE 200 line\\x00b\\u202ec\\u2028d\\x85e\\tf\\\\g"
UNSAFE = ("\r", "\n", "\x00", "\u202e", "\u2028", "\x85", "\t")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (HOSTILE, ESCAPED),
        ("\u200f\u2066\ufeff\u00a0", "\\u200f\\u2066\\ufeff\\xa0"),
        ("\U000e0001", "\\U000e0001"),
        ("/service-areas/audiology?q=é 😀", "/service-areas/audiology?q=é 😀"),
    ],
)
def test_unprintable_characters_are_escaped_and_the_rest_kept(text: str, expected: str):
    assert escape_unprintable(text) == expected


def test_wsgi_bytes_decode_as_utf8_so_the_real_character_is_named():
    assert escape_unprintable(wsgi_text("/\xe2\x80\xae")) == "/\\u202e"
    assert escape_unprintable(wsgi_text("/\xff\xe2\x80")) == "/\\xff\\xe2\\x80"
    assert wsgi_text("already text \u202e") == "already text \u202e"


def _record_with_exception(message: str, *args: object) -> logging.LogRecord:
    try:
        raise ValueError("first line\nsecond line\r\n\u202e")
    except ValueError:
        exc_info = sys.exc_info()
    return logging.LogRecord("portal.test", logging.ERROR, __file__, 1, message, args, exc_info)


def test_the_formatter_keeps_message_args_and_traceback_on_one_line():
    record = _record_with_exception("Unhandled %s on %s", "Error\x00", "/x\r\nINFO forged")
    line = OneLineFormatter(LOG_FORMAT).format(record)
    assert not any(character in line for character in UNSAFE)
    assert "Unhandled Error\\x00 on /x\\r\\nINFO forged\\nTraceback (most recent call last):" in line
    assert line.endswith("ValueError: first line\\nsecond line\\r\\n\\u202e")


def test_create_app_installs_it_for_the_portals_loggers(capsys: pytest.CaptureFixture[str]):
    app = create_app({"PORTAL_ENV": "testing"})

    @app.get("/boom-for-test/<rest>")
    def boom(rest: str):
        raise RuntimeError("line one\nline two")

    capsys.readouterr()
    assert app.test_client().get("/boom-for-test/x%0D%0AERROR%20forged%E2%80%AE").status_code == 500
    logging.getLogger("portal.somewhere").warning("said %s", HOSTILE)
    lines = capsys.readouterr().err.splitlines(keepends=True)
    assert len(lines) == 2, lines
    forged_path = "/boom-for-test/x\\r\\nERROR forged\\u202e"
    assert f"portal.errors: Unhandled RuntimeError on {forged_path}" in lines[0]
    assert lines[0].rstrip("\n").endswith("RuntimeError: line one\\nline two")
    assert lines[1].rstrip("\n").endswith(f"portal.somewhere: said {ESCAPED}")


def test_gunicorn_access_atoms_are_escaped_on_read():
    atoms = EscapedAtoms({"U": "/x\r\n\x00\xe2\x80\xae", "m": "GET", "s": 404, "{user-agent}i": 'a"b'})
    assert atoms["U"] == "/x\\r\\n\\x00\\u202e"
    assert atoms["s"] == 404
    assert atoms["{User-Agent}i"] == 'a\\"b'
    assert atoms["missing"] == "-"
