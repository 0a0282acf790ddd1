"""Two hosts on one PostgreSQL database and one Redis: what one changes or grants, the other honours.

Runs the drill in bench/drills/two_hosts.py: two gunicorn instances, each with its own INSTANCE_DIR,
sharing a throwaway database (made beside TEST_DATABASE_URL's), Redis, SECRET_KEY and PUBLIC_URL.
"Visible on the other host" is a stated bound, not a measurement: after a change the drill waits
BOUND_SECONDS (the 2 s re-read interval of the caches, plus one) and one request must show it.
Without PostgreSQL or Redis the test is skipped, except in CI, where that is a failure.
"""

from __future__ import annotations

import os

import pytest
import sqlalchemy

from bench.drills import two_hosts


def _fail_or_skip(message: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def admin_url() -> str:
    """TEST_DATABASE_URL when it names a PostgreSQL server that answers."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        _fail_or_skip("two hosts need a shared PostgreSQL database: set TEST_DATABASE_URL")
    try:
        engine = sqlalchemy.create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
    except sqlalchemy.exc.OperationalError as error:
        _fail_or_skip(f"PostgreSQL at TEST_DATABASE_URL cannot be reached ({error.orig})")
    return url


@pytest.fixture(scope="module")
def outcomes(admin_url: str, redis_url: str) -> dict[str, two_hosts.Outcome]:
    """Every outcome of one run of the drill, by name."""
    with two_hosts.two_hosts(admin_url, redis_url, workers=1) as pair:
        return {outcome.name: outcome for outcome in two_hosts.run_drill(pair)}


@pytest.mark.parametrize(
    "name",
    [
        "content load shows on B",
        "an approved listing shows on B",
        "a withdrawal made elsewhere shows on B",
        "a session from A is valid on B",
        "a CSRF token from A is accepted by B",
        "A and B use the same matcher index",
        "A and B share the rate limit",
    ],
)
def test_what_one_host_does_the_other_honours(outcomes, name):
    assert name in outcomes, f"the drill did not check {name!r}"
    assert outcomes[name].held, outcomes[name].line()


def test_the_stated_bound_covers_the_re_read_interval():
    assert two_hosts.BOUND_SECONDS > two_hosts.RE_READ_SECONDS
