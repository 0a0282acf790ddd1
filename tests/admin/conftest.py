"""Fixtures for the account tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.account_helpers import rolled_back_session


@pytest.fixture
def db_session(app: Flask) -> Iterator:
    """Like the shared fixture, but what routes commit is really rolled back (see rolled_back_session)."""
    yield from rolled_back_session(app)
