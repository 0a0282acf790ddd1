"""Listings around Leeds, and a way to read a form's CSRF token."""

from __future__ import annotations

import re

import pytest

from tests.opportunities.listings import listings_around_leeds


@pytest.fixture
def around_leeds(db_session):
    """A live listing in each of Leeds, Bradford and York, and one online, by town."""
    return listings_around_leeds()


def csrf_token(client, path: str) -> str:
    """The CSRF token from the form on ``path``."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match[1]
