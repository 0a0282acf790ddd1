"""`flask content validate` and `flask content load`."""

from __future__ import annotations

import shutil
from pathlib import Path

from portal.content.files import CONTENT_DIR


def test_validate_passes_on_the_real_content(app):
    result = app.test_cli_runner().invoke(args=["content", "validate"])
    assert result.exit_code == 0, result.output
    assert "Content is valid" in result.output


def test_validate_fails_with_one_line_per_problem(app, tmp_path: Path):
    copy = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, copy)
    path = copy / "service-areas" / "audiology.md"
    path.write_text(path.read_text().replace("division: Physiological sciences", "division: Astrology"))
    app.config["CONTENT_DIR"] = copy
    try:
        result = app.test_cli_runner().invoke(args=["content", "validate"])
    finally:
        app.config["CONTENT_DIR"] = CONTENT_DIR
    assert result.exit_code == 1
    assert "audiology.md: division:" in result.output


def test_load_reports_unchanged_on_a_second_run(app, db_session):
    result = app.test_cli_runner().invoke(args=["content", "load"])
    assert result.exit_code == 0, result.output
    assert "0 created, 0 updated" in result.output
    assert "0 removed" in result.output
