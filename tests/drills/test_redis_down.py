"""Redis goes away: pages render, rate limits hold in memory, jobs run in-process; then all return to it."""

from __future__ import annotations

import pytest

from bench.drills import redis_down
from portal.extensions import limiter


@pytest.fixture
def restore_limiter():
    """The limiter is one object for every app in the process: leave it as the test suite expects."""
    yield
    limiter.enabled = False


def test_the_portal_carries_on_without_redis_and_goes_back_to_it(restore_limiter):
    reason = redis_down.skip_reason()
    if reason:
        pytest.skip(f"the Redis drill needs a redis-server of its own: {reason}")
    steps: list[str] = []
    # run_drill raises DrillError, naming what it saw, on the first check that fails.
    redis_down.run_drill(report=steps.append)
    assert len(steps) == 9, steps
    assert steps[-1].startswith("Redis back: 60 of 65 requests passed")
