"""Fixtures for Find your fit."""

from __future__ import annotations

import pytest


@pytest.fixture
def csrf_client(app, db_session):
    """A client with CSRF checks switched on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield app.test_client()
