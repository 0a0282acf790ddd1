"""The administrators' console pages in real Chromium: zero axe violations, and each says what it is."""

from __future__ import annotations

import pytest

from tests.browser.helpers import axe_violations

CONSOLE = {
    "/admin/": "Administration console",
    "/admin/approvals": None,
    "/admin/trusted": None,
    "/admin/users": None,
    "/admin/content-status": None,
    "/admin/audit-log": None,
}


@pytest.mark.parametrize("path", sorted(CONSOLE))
def test_console_pages_are_accessible(live_server, admin_tab, path):
    admin_tab.goto(live_server + path)
    assert admin_tab.url.endswith(path), "the administrator stays signed in"
    heading = admin_tab.locator("h1").inner_text()
    assert heading and (CONSOLE[path] is None or heading == CONSOLE[path])
    assert admin_tab.title().startswith(heading)
    assert axe_violations(admin_tab) == []
