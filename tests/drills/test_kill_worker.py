"""Kill -9 mid-request: every acknowledged post is stored once, nothing half-written, retries harmless.

Runs the drill in bench/drills/kill_worker.py against a real gunicorn with two workers, on SQLite
and, when TEST_DATABASE_URL names one, on a throwaway PostgreSQL database too. Nothing here is timed:
the load lasts a few seconds so that some requests are cut short, and the assertions are about what
the database holds afterwards.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest

from bench.drills import kill_worker
from bench.drills.instances import create_database, drop_database

DATABASES = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """None for a fresh SQLite file, or a throwaway PostgreSQL database beside TEST_DATABASE_URL's."""
    if request.param == "sqlite":
        yield None
        return
    admin_url, name = os.environ["TEST_DATABASE_URL"], f"portal_kill_{secrets.token_hex(6)}"
    yield create_database(admin_url, name)
    drop_database(admin_url, name)


def test_killed_workers_lose_no_acknowledged_post_and_half_write_nothing(database_url):
    with kill_worker.drill_world(database_url) as world:
        posts = kill_worker.load_under_kills(world)
        outcomes = kill_worker.check(world, posts)
    assert world.kills > 0, "no worker was killed"
    got_through = {post.kind for post in posts if post.acknowledged}
    assert got_through == set(kill_worker.KINDS), f"only {got_through} got through"
    failed = [outcome.line() for outcome in outcomes if not outcome.held]
    assert not failed, "\n".join(failed)
