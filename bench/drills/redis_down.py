"""Drill: Redis goes away under the portal, and comes back.

Starts a throwaway redis-server of its own on a free port (never the machine's Redis on 6379) and a
portal on a SQLite file of its own, with REDIS_URL pointing at that Redis. It checks, in turn:

- rate limits count in Redis while it is up; while it is down each worker counts in its own memory,
  so a limited endpoint still refuses past its limit; once Redis is back the counting returns there;
- pages still render while Redis is down;
- a job queued while Redis is down is neither lost nor a failure for the request that queued it:
  it runs in-process after the commit (while Redis is up it waits on the queue for a worker).

Run from the project root:

    .venv/bin/python -m bench.drills.redis_down
"""

from __future__ import annotations

import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import redis
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade

from portal import create_app
from portal.config import load_config
from portal.content.files import read_content
from portal.extensions import db
from portal.jobs import enqueue, queue_for
from portal.services.content_loader import load_content

LIMITED_PATH = "/api/v1/stats/summary"
LIMIT = 60  # the documented limit on the stats endpoints
PAGES = ("/service-areas/", "/entry-routes/", "/glossary")
START_SECONDS = 10
# Flask-Limiter looks at a dead storage again after 1, 2, 4, ... 32 seconds.
RECOVERY_SECONDS = 75

jobs_run: list[str] = []


def note_job_ran(label: str) -> None:
    """A job for the drill: remember that it ran, and where."""
    jobs_run.append(label)


class DrillError(AssertionError):
    """The portal did not behave as the drill expects."""


def skip_reason() -> str | None:
    """Why this drill cannot run here, or None when it can."""
    if shutil.which("redis-server") is None:
        return "redis-server is not installed"
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class ThrowawayRedis:
    """A redis-server of the drill's own, with nothing saved to disk."""

    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        """Its URL (database 0: the whole server is the drill's)."""
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        """A client with short timeouts."""
        return redis.Redis.from_url(self.url, socket_connect_timeout=1, socket_timeout=1)

    def start(self) -> None:
        """Start it on its port (again, empty, after a kill) and wait until it answers."""
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--daemonize", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                self.client().ping()
                return
            except redis.RedisError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise DrillError(f"redis-server did not start on port {self.port}") from None
                time.sleep(0.05)

    def kill(self) -> None:
        """Kill it outright, as a crash would."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@contextmanager
def throwaway_redis() -> Iterator[ThrowawayRedis]:
    """A started redis-server, killed afterwards whatever happens."""
    server = ThrowawayRedis()
    try:
        server.start()
        yield server
    finally:
        server.kill()


def drill_app(redis_url: str, directory: Path, key_prefix: str) -> Flask:
    """A portal set up as in development with REDIS_URL, on a migrated SQLite file holding the content."""
    environment = {
        "PORTAL_ENV": "development",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": f"sqlite:///{directory / 'portal.sqlite3'}",
        "REDIS_URL": redis_url,
        "RATELIMIT_KEY_PREFIX": key_prefix,
        "JOBS_QUEUE": key_prefix,
        "WEB_CONCURRENCY": "1",
        "MAIL_OUTBOX_DIR": str(directory / "outbox"),
    }
    # Every setting derived from REDIS_URL is derived here exactly as a server's would be.
    app = create_app(load_config(environment, directory))
    with app.app_context():
        upgrade()
        load_content(read_content(app.config["CONTENT_DIR"]))
        db.session.commit()
    return app


def statuses(client: FlaskClient, path: str, count: int) -> Counter[int]:
    """How many of ``count`` GETs of ``path`` answered each status."""
    return Counter(client.get(path).status_code for _ in range(count))


def limit_keys(server: ThrowawayRedis, key_prefix: str) -> list[bytes]:
    """The rate-limit keys in Redis under the drill's prefix."""
    return list(server.client().scan_iter(match=f"*{key_prefix}*"))


def check_limit_counts_in_redis(client: FlaskClient, server: ThrowawayRedis, key_prefix: str) -> None:
    """With Redis up, exactly LIMIT requests pass and the count lives in Redis."""
    seen = statuses(client, LIMITED_PATH, LIMIT + 5)
    if seen != {200: LIMIT, 429: 5}:
        raise DrillError(f"with Redis up, {LIMIT + 5} requests answered {dict(seen)}")
    if not limit_keys(server, key_prefix):
        raise DrillError("with Redis up, no rate-limit key was written to Redis")


def check_limit_holds_in_memory(client: FlaskClient) -> None:
    """With Redis down, the worker counts afresh in memory: LIMIT pass, then 429, and never a 5xx."""
    seen = statuses(client, LIMITED_PATH, LIMIT + 5)
    if seen != {200: LIMIT, 429: 5}:
        raise DrillError(f"with Redis down, {LIMIT + 5} requests answered {dict(seen)}")


def check_pages_render(client: FlaskClient) -> None:
    """Every page answers 200 (each twice: once rendered, once as the cache may hold it)."""
    for path in [*PAGES, *PAGES]:
        status = client.get(path).status_code
        if status != 200:
            raise DrillError(f"{path} answered {status} with Redis down")


def queue_job(app: Flask, label: str) -> None:
    """Queue a job inside a transaction and commit, as a request does."""
    with app.app_context():
        db.session.execute(db.select(1))  # a transaction is open, as in a request that changed rows
        enqueue(note_job_ran, label)
        db.session.commit()


def check_job_waits_on_the_queue(app: Flask) -> None:
    """With Redis up, a queued job waits on Redis for a worker rather than running here."""
    jobs_run.clear()
    queue_job(app, "while Redis is up")
    with app.app_context():
        waiting = queue_for(app).count
    if jobs_run or waiting != 1:
        raise DrillError(f"with Redis up, the job ran here ({jobs_run}) or is not queued ({waiting} waiting)")


def check_job_runs_in_process(app: Flask) -> None:
    """With Redis down, a queued job runs here after the commit, and queueing it raised nothing."""
    jobs_run.clear()
    queue_job(app, "while Redis is down")
    if jobs_run != ["while Redis is down"]:
        raise DrillError(f"with Redis down, the job did not run in-process: {jobs_run}")


def wait_for_redis_counting(client: FlaskClient, server: ThrowawayRedis, key_prefix: str) -> float:
    """Seconds until the limiter writes to Redis again after it returns."""
    started = time.monotonic()
    while not limit_keys(server, key_prefix):
        if time.monotonic() - started > RECOVERY_SECONDS:
            raise DrillError(f"the rate limits did not go back to Redis within {RECOVERY_SECONDS} s")
        client.get(LIMITED_PATH)
        time.sleep(0.5)
    return time.monotonic() - started


def check_limit_counts_in_redis_again(client: FlaskClient, server: ThrowawayRedis, key_prefix: str) -> None:
    """Redis alone decides again: with its count cleared, LIMIT pass although memory is already full."""
    for key in limit_keys(server, key_prefix):
        server.client().delete(key)
    check_limit_counts_in_redis(client, server, key_prefix)


def run_drill(report=print) -> None:
    """Run the whole drill, reporting each step; DrillError on the first check that fails."""
    key_prefix = f"redis-drill-{secrets.token_hex(4)}"
    with tempfile.TemporaryDirectory(prefix="redis-drill-") as directory, throwaway_redis() as server:
        report(f"redis-server on port {server.port}: started")
        app = drill_app(server.url, Path(directory), key_prefix)
        client = app.test_client()
        check_pages_render(client)
        check_limit_counts_in_redis(client, server, key_prefix)
        report(f"Redis up: {LIMIT} of {LIMIT + 5} requests passed, counted in Redis")
        check_job_waits_on_the_queue(app)
        report("Redis up: a queued job waits on Redis for a worker")
        server.kill()
        report("redis-server killed")
        check_limit_holds_in_memory(client)
        report(f"Redis down: the limit held in memory ({LIMIT} passed, then 429), no 5xx")
        check_pages_render(client)
        report(f"Redis down: {len(PAGES)} pages rendered (200), fresh and again")
        check_job_runs_in_process(app)
        report("Redis down: a queued job ran in-process after the commit; the commit stood")
        server.start()
        seconds = wait_for_redis_counting(client, server, key_prefix)
        report(f"redis-server started again: the limits counted in Redis again after {seconds:.1f} s")
        check_limit_counts_in_redis_again(client, server, key_prefix)
        report(f"Redis back: {LIMIT} of {LIMIT + 5} requests passed, counted in Redis")
        with app.app_context():
            db.engine.dispose()


def main() -> int:
    """Run the drill and print its outcome."""
    reason = skip_reason()
    if reason:
        print(f"Redis drill not run: {reason}")
        return 2
    try:
        run_drill()
    except DrillError as failure:
        print(f"Redis drill FAILED: {failure}")
        return 1
    print("Redis drill PASSED: pages, rate limits and jobs carried on without Redis, and went back to it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
